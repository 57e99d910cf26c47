// "Pilih semua" on the export form ticks or clears every column of the
// chosen resource; django-import-export does it in an inline onchange,
// which the Content-Security-Policy does not run.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.getElementById("id_pilih_semua");
  if (!toggle) {
    return;
  }
  const boxes = () => document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]');
  toggle.addEventListener("change", () => {
    boxes().forEach((box) => {
      box.checked = toggle.checked;
    });
  });
  // Clearing one column clears the toggle; ticking the last one ticks it.
  boxes().forEach((box) => {
    box.addEventListener("change", () => {
      toggle.checked = Array.from(boxes()).every((each) => each.checked);
    });
  });
});
