// The verification queue's keyboard flow.
// Single-key shortcuts act only outside form controls: a letter typed to
// find "Dinas Pendidikan" in a drop-down must not record a result. Esc
// leaves a control, so the keyboard-only flow stays Tab, Space, Esc, V.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var inControl = target.isContentEditable || /^(input|select|textarea|option)$/i.test(target.tagName || "");
  if (event.key === "Escape" && inControl) {
    target.blur();
    document.getElementById("buka-profil").focus();
    return;
  }
  if (inControl || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.isComposing || event.repeat) return;
  if (event.key.length !== 1) return;
  var key = event.key.toLowerCase();
  if (key === "p") { document.getElementById("buka-profil").click(); event.preventDefault(); return; }
  var button = document.querySelector('#antrean button[accesskey="' + key + '"]');
  if (button) { event.preventDefault(); button.click(); }
});
