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
  var stepField = form.querySelector('[name="step"]') || document.createElement("input");
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

  // A ranking's answer is the options given a rank (their codes, as the server keeps them).
  function rankedCodes(code) {
    var prefix = "q-" + code + "-rank-", codes = [];
    form.querySelectorAll('[name^="' + prefix + '"]').forEach(function (f) {
      if (f.value) codes.push(f.name.slice(prefix.length));
    });
    return codes;
  }

  // Display conditions (conditions.js): walked in order, so that a hidden question's
  // answer counts as no answer for the questions after it, as on the server.
  function shownSteps() {
    var answers = {}, shown = [];
    steps.forEach(function (step) {
      var code = step.dataset.code;
      if (!code) { shown.push(step); return; }  // not a question (about you, panel card)
      var condition = step.dataset.condition ? JSON.parse(step.dataset.condition) : null;
      if (condition && !(window.voixConditions && window.voixConditions.evaluate(condition, answers))) return;
      shown.push(step);
      var type = step.dataset.type;
      answers[code] = window.voixConditions
        ? window.voixConditions.read(type, type === "ranking" ? rankedCodes(code) : valueOf(code)) : valueOf(code);
    });
    return shown;
  }

  function visibleSteps() { return shownSteps(); }

  function show(index) {
    var visible = visibleSteps();
    current = Math.max(0, Math.min(index, visible.length - 1));
    steps.forEach(function (s) { s.hidden = true; });
    var step = visible[current];
    step.hidden = false;
    stepField.value = step.dataset.code;
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

  // Start on the first step with an error, if the server sent the page back; after a
  // language switch, on the question the resident was on.
  var firstError = visibleSteps().findIndex(function (s) { return s.dataset.invalid === "true"; });
  var switchedOn = visibleSteps().findIndex(function (s) { return s.dataset.code === form.dataset.step; });
  show(firstError >= 0 ? firstError : Math.max(switchedOn, 0));

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
    if (isLanguageSwitch(event)) return;  // the browser posts it as it is: see below
    if (sending || form.dataset.preview === "true") { if (form.dataset.preview === "true") event.preventDefault(); return; }
    var missingStep = visibleSteps().filter(missing)[0];
    if (missingStep) { event.preventDefault(); show(visibleSteps().indexOf(missingStep)); return; }
    event.preventDefault();
    send.disabled = true;
    var shownNow = shownSteps();
    steps.forEach(function (s) { if (shownNow.indexOf(s) < 0) s.querySelectorAll("input, select, textarea").forEach(function (f) { f.disabled = true; }); });
    // Kiosk: the answers are first put aside on the tablet (outbox.js); if the server
    // cannot be reached they stay there, to be sent when the network returns.
    var outbox = isKiosk && window.voixOutbox && !(event.submitter && event.submitter.name === "switch_lang");
    var reached = true;
    (outbox ? window.voixOutbox.remember(form).catch(function () {}) : Promise.resolve())
      .then(function () { return fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" }); })
      .then(function (r) { return r.ok ? r.json().catch(function () { return null; }) : null; }, function () { reached = false; })
      .then(function (data) { if (data) form.querySelector('[name="csrf_token"]').value = data.csrf_token; })
      .then(function () { return !reached && outbox && window.voixOutbox.keepAndRestart(form); })
      .catch(function () { return false; })
      .then(function (kept) { if (!kept) { sending = true; form.submit(); } });
  });

  // Language switch: the language buttons are submit buttons of this form (name
  // "switch_lang"), so the browser posts every answer with the button, nothing is checked
  // and nothing is sent: the server shows the same question again in the new language.
  // Never form.submit() here (it would drop the button and store a half-done response); a
  // hidden copy of the choice also covers browsers without SubmitEvent.submitter.
  var switchField = document.createElement("input");
  switchField.type = "hidden";
  document.querySelectorAll('button[name="switch_lang"][form="' + form.id + '"]').forEach(function (button) {
    button.addEventListener("click", function () {
      switchField.name = "switch_lang";
      switchField.value = button.value;
      form.appendChild(switchField);
    });
  });
  function isLanguageSwitch(event) {
    var by = event.submitter;
    return (by && by.name === "switch_lang") || switchField.name === "switch_lang";
  }

  if (!isKiosk) return;
  // Kiosk: after a while without a touch, warn; one tap extends; then erase and restart.
  // Back from the warning, focus goes to the question the resident was on.
  window.voixIdleWarning(document.querySelector(".idle-warning"), form.dataset.idleSeconds,
                         form.dataset.warningSeconds, form.dataset.resetUrl, function () { show(current); });
})();
