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
  var SWITCH_KEY = "voix-offline-switch", SWITCH_KEEPS_MS = 30 * 1000;
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

  // Back from a language switch made offline (see below): the answers come back once.
  restoreAfterOfflineSwitch();

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
    steps.forEach(function (s) { if (!isShown(s)) s.querySelectorAll("input, select, textarea").forEach(function (f) { f.disabled = true; }); });
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
      .then(function (kept) {
        if (kept) return;
        if (!reached && !outbox) return keepInThePage();
        sending = true;
        form.submit();
      });
  });

  // A phone (no outbox there: docs/kiosk.md says why) that cannot reach the server: nothing
  // is sent, and nothing is lost either; the answers stay in the page, to be sent again.
  function keepInThePage() {
    steps.forEach(function (s) { s.querySelectorAll("input, select, textarea").forEach(function (f) { f.disabled = false; }); });
    send.disabled = false;
    var message = form.querySelector(".no-network");
    message.hidden = false;
    message.classList.add("flash-error");
    message.setAttribute("tabindex", "-1");
    message.focus();
  }

  // Language switch: the language buttons are submit buttons of this form (name
  // "switch_lang"), so the browser posts every answer with the button, nothing is checked
  // and nothing is sent: the server shows the same question again in the new language.
  // Never form.submit() here (it would drop the button and store a half-done response); a
  // hidden copy of the choice also covers browsers without SubmitEvent.submitter.
  var switchField = document.createElement("input");
  switchField.type = "hidden";
  var switchChecked = false;
  document.querySelectorAll('button[name="switch_lang"][form="' + form.id + '"]').forEach(function (button) {
    button.addEventListener("click", function (event) {
      switchField.name = "switch_lang";
      switchField.value = button.value;
      form.appendChild(switchField);
      if (!isKiosk || switchChecked || !form.dataset.tokenUrl) return;
      // Kiosk: the server may be out of reach. Ask first; if it cannot answer, the page
      // in the new language comes from the tablet (sw.js) and the answers go with it.
      event.preventDefault();
      reachable().then(function (token) {
        if (token === null) return switchOffline(button.value);
        if (token) form.querySelector('[name="csrf_token"]').value = token;
        switchChecked = true;
        button.click();
      });
    });
  });

  // A fresh CSRF token when the server answers, null when it cannot be reached.
  function reachable() {
    if (navigator.onLine === false) return Promise.resolve(null);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 5000);
    return fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store", signal: controller && controller.signal })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { clearTimeout(timer); return (data && data.csrf_token) || ""; },
            function () { clearTimeout(timer); return null; });
  }

  // Offline: the answers wait in this tab's sessionStorage for a few seconds, for the same
  // survey in the new language (kept by the service worker) to take them back, once.
  function switchOffline(language) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "switch_lang" && typeof value === "string") fields.push([name, value]);
    });
    try {
      sessionStorage.setItem(SWITCH_KEY, JSON.stringify({ path: window.location.pathname, at: Date.now(),
                                                         step: stepField.value, fields: fields }));
    } catch (e) { return; }
    window.location.assign(window.location.pathname + "?lang=" + encodeURIComponent(language));
  }

  function restoreAfterOfflineSwitch() {
    var kept = null;
    try {
      kept = JSON.parse(sessionStorage.getItem(SWITCH_KEY) || "null");
      sessionStorage.removeItem(SWITCH_KEY);
    } catch (e) { return; }
    if (!kept || kept.path !== window.location.pathname || Date.now() - kept.at > SWITCH_KEEPS_MS) return;
    kept.fields.forEach(function (pair) {
      form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]').forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") { if (field.value === pair[1]) field.checked = true; }
        else if (field.tagName === "SELECT" && field.multiple) {
          Array.prototype.forEach.call(field.options, function (o) { if (o.value === pair[1]) o.selected = true; });
        } else if (field.type !== "file") field.value = pair[1];
      });
    });
    form.dataset.step = kept.step || "";
  }
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
