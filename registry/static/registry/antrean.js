// The keyboard flow of both queues (accounts, spreading proofs).
// Single-key shortcuts act only outside form controls: a letter typed to
// find "Dinas Pendidikan" in a drop-down must not record a result. Esc
// leaves a control, so the keyboard-only flow stays Tab, Space, Esc, V.
// The link to open (a profile, a shared post) carries data-buka and its
// own accesskey; each result button its accesskey.
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var opener = document.querySelector("#antrean [data-buka]");
  var inControl = target.isContentEditable || /^(input|select|textarea|option)$/i.test(target.tagName || "");
  if (event.key === "Escape" && inControl) {
    target.blur();
    if (opener) opener.focus();
    return;
  }
  if (inControl || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || event.isComposing || event.repeat) return;
  if (event.key.length !== 1) return;
  var key = event.key.toLowerCase();
  if (opener && key === opener.getAttribute("accesskey")) { opener.click(); event.preventDefault(); return; }
  var button = document.querySelector('#antrean button[accesskey="' + key + '"]');
  if (button) { event.preventDefault(); button.click(); }
});
