// The thank-you screen returns to the start by itself, replacing itself in the history
// so that the back button leads nowhere near the previous resident.
(function () {
  "use strict";
  var box = document.querySelector(".kiosk-thanks");
  if (!box) return;
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.replace(box.dataset.returnUrl); });
  setTimeout(function () { window.location.replace(box.dataset.returnUrl); }, Number(box.dataset.seconds) * 1000);
})();
