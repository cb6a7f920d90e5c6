// Kiosk pages while a resident is signed in: after a while without a touch, warn; one tap
// extends (WCAG 2.2.1); otherwise reset the kiosk, which signs the resident out, so the
// next person never finds the account open.
(function () {
  "use strict";
  var dialog = document.querySelector(".resident-idle[data-reset-url]");
  if (!dialog) return;
  var stay = dialog.querySelector(".stay"), text = dialog.querySelector("[data-template]");
  var idleMs = Number(dialog.dataset.idleSeconds) * 1000, warnSeconds = Number(dialog.dataset.warningSeconds);
  var idleTimer, countdown, remaining, previousFocus;
  function resetIdle() {
    if (!dialog.hidden) return;
    clearTimeout(idleTimer);
    idleTimer = setTimeout(warn, idleMs);
  }
  function warn() {
    remaining = warnSeconds;
    previousFocus = document.activeElement;
    dialog.hidden = false;
    var tick = function () {
      text.textContent = text.dataset.template.replace("{n}", remaining);
      if (remaining-- <= 0) window.location.replace(dialog.dataset.resetUrl);
    };
    tick();
    countdown = setInterval(tick, 1000);
    stay.focus();
  }
  stay.addEventListener("click", function () {
    clearInterval(countdown);
    dialog.hidden = true;
    resetIdle();
    if (previousFocus && previousFocus.focus) previousFocus.focus();
  });
  // The dialog is modal: keyboard focus stays on its only button.
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Tab") { event.preventDefault(); stay.focus(); }
  });
  ["pointerdown", "keydown", "input", "scroll"].forEach(function (type) {
    document.addEventListener(type, resetIdle, { passive: true });
  });
  resetIdle();
})();
