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
    return values.concat(rowValues(code));
  }

  // --- Matrix and multiple questions: one field (or set of boxes) per row or item, named
  // q-CODE-ROW. On the kiosk a matrix shows one row per screen, under its question.
  function rowCodes(step) { return step.dataset.rows ? step.dataset.rows.split(" ") : []; }

  function rowAnswered(code, row) {
    return Array.prototype.some.call(form.querySelectorAll('[name="q-' + code + '-' + row + '"]'), function (f) {
      return (f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "";
    });
  }

  function rowValues(code) {
    var step = steps.filter(function (s) { return s.dataset.code === code; })[0];
    return step ? rowCodes(step).filter(function (row) { return rowAnswered(code, row); }) : [];
  }

  function unansweredRows(step) {
    return rowCodes(step).filter(function (row) { return !rowAnswered(step.dataset.code, row); });
  }

  function rowScreens(step) {
    return isKiosk ? Array.prototype.slice.call(step.querySelectorAll(".matrix-row")) : [];
  }

  function shownRow(step) { return Number(step.dataset.rowIndex || 0); }

  function showRow(step, index, focus) {
    var rows = rowScreens(step);
    if (!rows.length) return;
    index = Math.max(0, Math.min(index, rows.length - 1));
    step.dataset.rowIndex = index;
    step.classList.add("matrix-one-row");
    rows.forEach(function (row, i) {
      row.hidden = i !== index;
      var count = row.querySelector(".matrix-row-count");
      count.hidden = false;
      count.textContent = form.dataset.textRow.replace("{n}", i + 1).replace("{total}", rows.length);
    });
    var last = visibleSteps().indexOf(step) === visibleSteps().length - 1;
    back.hidden = current === 0 && index === 0;
    next.hidden = last && index === rows.length - 1;
    send.hidden = !next.hidden;
    if (focus) {
      var legend = rows[index].querySelector("legend");
      legend.setAttribute("tabindex", "-1");
      legend.focus();
    }
  }

  // Next on a kiosk matrix: the next row, once a required row is answered. False: go on.
  function nextRow(step) {
    var rows = rowScreens(step);
    if (!rows.length) return false;
    var index = shownRow(step), row = rows[index].dataset.row;
    if (step.dataset.required === "true" && !rowAnswered(step.dataset.code, row)) { markMissing(step); return true; }
    if (index >= rows.length - 1) return false;
    showRow(step, index + 1, true);
    return true;
  }

  // A matrix sent back with an error (or stopped at sending) opens on its first empty row.
  function firstRowToShow(step) {
    if (step.dataset.invalid !== "true") return 0;
    return Math.max(0, rowCodes(step).indexOf(unansweredRows(step)[0]));
  }

  function previousRow(step) {
    var index = shownRow(step);
    if (!rowScreens(step).length || index === 0) return false;
    showRow(step, index - 1, true);
    return true;
  }

  // A matrix's (or several numbers' or texts') fields: {row: [values given]}, for conditions on a row.
  function rowFields(step) {
    var given = {};
    rowCodes(step).forEach(function (row) {
      var values = [];
      form.querySelectorAll('[name="q-' + step.dataset.code + '-' + row + '"]').forEach(function (f) {
        if ((f.type === "radio" || f.type === "checkbox") ? f.checked : f.value.trim() !== "") values.push(f.value);
      });
      given[row] = values;
    });
    return given;
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
      var given = type === "ranking" ? rankedCodes(code) : step.dataset.rows ? rowFields(step) : valueOf(code);
      answers[code] = window.voixConditions ? window.voixConditions.read(type, given) : valueOf(code);
    });
    return shown;
  }

  function visibleSteps() { return shownSteps(); }

  function show(index, fromEnd) {
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
    showRow(step, fromEnd ? rowScreens(step).length - 1 : firstRowToShow(step));
    var heading = step.querySelector(".question-text");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  }

  function missing(step) {
    var code = step.dataset.code;
    if (step.dataset.required !== "true") return false;
    if (step.dataset.rows ? !unansweredRows(step).length : valueOf(code).length) return false;
    markMissing(step);
    return true;
  }

  function markMissing(step) {
    step.querySelector(".error").textContent = step.dataset.rows ? form.dataset.textRequiredRows : form.dataset.textRequired;
    step.dataset.invalid = "true";
    step.querySelector("fieldset").setAttribute("aria-invalid", "true");
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
    if (nextRow(step)) return;
    if (!missing(step)) show(current + 1);
  });
  back.addEventListener("click", function () {
    if (!previousRow(visibleSteps()[current])) show(current - 1, true);
  });

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
      var pieces = [step.querySelector(".question-text")].concat(
        Array.prototype.slice.call(step.querySelectorAll(".answers legend, .answers label:not(.visually-hidden)"))
          .filter(function (element) { return element.getClientRects().length; }));  // a kiosk matrix: its row only
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
    // Kiosk, and a phone whose service worker is ready: the answers are first put aside on
    // the device (outbox.js); if the server cannot be reached they stay there, to be sent
    // when the network returns.
    var outbox = canKeep() && !(event.submitter && event.submitter.name === "switch_lang");
    var reached = true;
    (outbox ? window.voixOutbox.remember(form).catch(function () {}) : Promise.resolve())
      .then(function () { return fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" }); })
      .then(function (r) { return r.ok ? r.json().catch(function () { return null; }) : null; }, function () { reached = false; })
      .then(function (data) { if (data) form.querySelector('[name="csrf_token"]').value = data.csrf_token; })
      .then(function () { return !reached && outbox && window.voixOutbox.keepAndRestart(form); })
      .catch(function () { return false; })
      .then(function (kept) {
        if (kept) return;
        if (!reached) return keepInThePage();  // not kept on the device: kept in the page
        sending = true;
        form.submit();
      });
  });

  function canKeep() { return !!(window.voixOutbox && window.voixOutbox.canKeep && window.voixOutbox.canKeep()); }

  // A phone without an outbox (its worker is not ready yet, or no IndexedDB) that cannot
  // reach the server: nothing is sent, and nothing is lost either; the answers stay in
  // the page, to be sent again.
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
      if (!(isKiosk || phoneKeepsThisSurvey()) || switchChecked || !form.dataset.tokenUrl) return;
      // Kiosk (or a phone that keeps this survey): the server may be out of reach. Ask
      // first; if it cannot answer, the page in the new language comes from the device
      // (sw.js, sw-phone.js) and the answers go with it.
      event.preventDefault();
      reachable().then(function (token) {
        if (token === null) return switchOffline(button.value);
        if (token) form.querySelector('[name="csrf_token"]').value = token;
        switchChecked = true;
        button.click();
      });
    });
  });

  function phoneKeepsThisSurvey() { return canKeep() && document.documentElement.dataset.offlineReady === "true"; }

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
