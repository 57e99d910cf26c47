// The print pages' buttons. Opened in a new tab there is no page to go
// back to: close the tab, or go to the list named in data-daftar.
document.addEventListener("DOMContentLoaded", function () {
  document.getElementById("cetak").addEventListener("click", function () { window.print(); });
  document.getElementById("kembali").addEventListener("click", function () {
    if (history.length > 1) {
      history.back();
    } else {
      window.close();
      location.href = this.dataset.daftar;
    }
  });
});
