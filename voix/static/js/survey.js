// One question per screen, read-aloud, idle reset on kiosks, and a token renewed before
// sending so that an expired page never loses answers. Without this script the form
// still works as one long page.
(function () {
  "use strict";
  var form = document.querySelector("form.survey");
  if (!form) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var back = form.querySelector(".back"), next = form.querySelector(".next");
  var send = form.querySelector(".send"), speak = form.querySelector(".speak");
  var progressArea = form.querySelector(".progress-area");
  var progressText = form.querySelector(".progress-text"), progressBar = form.querySelector(".progress-bar");
  var isKiosk = form.dataset.kiosk === "true";
  var current = 0;
  form.classList.add("js-steps");

  // Pages left from history must never show a previous resident's answers.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });

  function valueOf(code) {
    var fields = form.querySelectorAll('[name="q-' + code + '"]');
    var values = [];
    fields.forEach(function (f) {
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") values.push(f.value);
    });
    form.querySelectorAll('[name^="q-' + code + '-rank-"]').forEach(function (f) { if (f.value) values.push(f.value); });
    return values;
  }

  function isShown(step) {
    var on = step.dataset.conditionQuestion;
    if (!on) return true;
    var source = steps.filter(function (s) { return s.dataset.code === on; })[0];
    if (source && !isShown(source)) return false;
    var given = valueOf(on);
    if (step.dataset.conditionEquals === undefined) return given.length > 0;
    var expected = step.dataset.conditionEquals;
    var alias = { True: "yes", False: "no" }[expected];
    return given.indexOf(expected) >= 0 || (alias !== undefined && given.indexOf(alias) >= 0);
  }

  function visibleSteps() { return steps.filter(isShown); }

  function show(index) {
    var visible = visibleSteps();
    current = Math.max(0, Math.min(index, visible.length - 1));
    steps.forEach(function (s) { s.hidden = true; });
    var step = visible[current];
    step.hidden = false;
    back.hidden = current === 0;
    next.hidden = current === visible.length - 1;
    send.hidden = !next.hidden;
    progressArea.hidden = false;
    progressText.textContent = form.dataset.textStep
      .replace("{n}", current + 1).replace("{total}", visible.length);
    progressBar.value = Math.round(100 * (current + 1) / visible.length);
    var heading = step.querySelector("legend");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function missing(step) {
    var code = step.dataset.code;
    if (step.dataset.required !== "true" || valueOf(code).length) return false;
    step.querySelector(".error").textContent = form.dataset.textRequired;
    step.dataset.invalid = "true";
    step.querySelector("fieldset").setAttribute("aria-invalid", "true");
    return true;
  }

  // Answering clears the step's "needs an answer" message.
  steps.forEach(function (step) {
    step.addEventListener("change", function () {
      if (step.dataset.invalid !== "true") return;
      step.querySelector(".error").textContent = "";
      delete step.dataset.invalid;
      step.querySelector("fieldset").removeAttribute("aria-invalid");
    });
  });

  next.addEventListener("click", function () {
    var step = visibleSteps()[current];
    if (!missing(step)) show(current + 1);
  });
  back.addEventListener("click", function () { show(current - 1); });

  // Start on the first step with an error, if the server sent the page back.
  var firstError = visibleSteps().findIndex(function (s) { return s.dataset.invalid === "true"; });
  show(firstError >= 0 ? firstError : 0);

  // Read aloud with the browser's own voices (nothing leaves the device): the question,
  // then each answer once, each in its own language (a question or an answer not yet
  // translated is French on an Arabic page: its element says so with lang).
  function languageOf(element) {
    var marked = element.querySelector("[lang]") || element.closest("[lang]");
    return marked ? marked.getAttribute("lang") : form.dataset.lang;
  }
  if ("speechSynthesis" in window) {
    speak.hidden = false;
    speak.addEventListener("click", function () {
      var step = visibleSteps()[current];
      var pieces = [step.querySelector("legend")].concat(
        Array.prototype.slice.call(step.querySelectorAll(".answers label:not(.visually-hidden)")));
      window.speechSynthesis.cancel();
      pieces.forEach(function (element) {
        var text = element.innerText.replace(/\s+/g, " ").trim();  // what is shown: not the hidden number
        if (!text) return;
        var utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = languageOf(element);
        window.speechSynthesis.speak(utterance);
      });
    });
  }

  // Before sending, renew the CSRF token: the answers stay in the page whatever happens.
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending || form.dataset.preview === "true") { if (form.dataset.preview === "true") event.preventDefault(); return; }
    var missingStep = visibleSteps().filter(missing)[0];
    if (missingStep) { event.preventDefault(); show(visibleSteps().indexOf(missingStep)); return; }
    event.preventDefault();
    send.disabled = true;
    steps.forEach(function (s) { if (!isShown(s)) s.querySelectorAll("input, select, textarea").forEach(function (f) { f.disabled = true; }); });
    fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) form.querySelector('[name="csrf_token"]').value = data.csrf_token; })
      .catch(function () {})
      .then(function () { sending = true; form.submit(); });
  });

  if (!isKiosk) return;
  // Kiosk: after a while without a touch, warn; one tap extends; then erase and restart.
  // Back from the warning, focus goes to the question the resident was on.
  window.voixIdleWarning(document.querySelector(".idle-warning"), form.dataset.idleSeconds,
                         form.dataset.warningSeconds, form.dataset.resetUrl, function () { show(current); });
})();
