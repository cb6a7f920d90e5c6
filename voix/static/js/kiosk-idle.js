// The kiosk's idle warning: after a while without a touch, warn; one tap extends (WCAG
// 2.2.1); otherwise go to the reset URL, which erases what the resident left, so the next
// person never finds it. Used by the survey form (survey.js) and by every other kiosk
// page (below).
(function () {
  "use strict";

  // dialog: the .idle-warning element (one .stay button, one [data-template] text with {n});
  // onStay: what to focus when the resident taps "I am still here" (default: where they were).
  window.voixIdleWarning = function (dialog, idleSeconds, warningSeconds, resetUrl, onStay) {
    var stay = dialog.querySelector(".stay"), text = dialog.querySelector("[data-template]");
    var idleMs = Number(idleSeconds) * 1000, warnSeconds = Number(warningSeconds);
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
        if (remaining-- <= 0) window.location.replace(resetUrl);
      };
      tick();
      countdown = setInterval(tick, 1000);
      stay.focus();
    }
    stay.addEventListener("click", function () {
      clearInterval(countdown);
      dialog.hidden = true;
      resetIdle();
      if (onStay) onStay();
      else if (previousFocus && previousFocus.focus) previousFocus.focus();
    });
    // The dialog is modal: keyboard focus stays on its only button.
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab") { event.preventDefault(); stay.focus(); }
    });
    ["pointerdown", "keydown", "input", "scroll"].forEach(function (type) {
      document.addEventListener(type, resetIdle, { passive: true });
    });
    resetIdle();
  };

  // Every other kiosk screen (consultations, ideas, votes, questions...) carries its own
  // dialog with the reset URL (voix/templates/kiosk/base.html).
  var page = document.querySelector(".idle-warning[data-reset-url]");
  if (page) {
    window.voixIdleWarning(page, page.dataset.idleSeconds, page.dataset.warningSeconds, page.dataset.resetUrl);
  }
})();
