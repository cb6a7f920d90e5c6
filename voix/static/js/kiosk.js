// The thank-you screen returns to the start by itself, replacing itself in the history so
// that the back button leads nowhere near the previous resident. One tap stops the countdown.
(function () {
  "use strict";
  var box = document.querySelector(".kiosk-thanks[data-return-url]");
  if (!box) return;
  var back = function () { window.location.replace(box.dataset.returnUrl); };
  window.addEventListener("pageshow", function (event) { if (event.persisted) back(); });
  var timer = setTimeout(back, Number(box.dataset.seconds) * 1000);
  var stay = box.querySelector(".stay-here");
  stay.hidden = false;
  stay.addEventListener("click", function () {
    clearTimeout(timer);
    stay.hidden = true;
    box.querySelector(".countdown").hidden = true;
  });
})();
