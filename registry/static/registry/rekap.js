// Rekap's "Salin ringkasan" button. The clipboard API needs HTTPS or
// localhost; an office intranet on plain HTTP gets the older select-and-copy.
document.getElementById("salin-ringkasan").addEventListener("click", function () {
  var text = document.getElementById("ringkasan"), said = document.getElementById("ringkasan-tersalin");
  function done() { said.textContent = "Ringkasan tersalin; tempel di grup WhatsApp."; }
  function fallback() {
    text.closest("details").open = true;
    text.select();
    if (document.execCommand("copy")) { done(); } else { said.textContent = "Salin manual: teks sudah dipilih, tekan Ctrl+C."; }
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text.value).then(done, fallback);
  } else {
    fallback();
  }
});
