// Read aloud with the browser's own voices (nothing leaves the device). A button with
// data-read-aloud="selector" reads every element the selector finds, in order, each in
// its own language: an element (or its ancestor) with lang says it, else the page's.
(function () {
  if (!("speechSynthesis" in window)) return;  // the button stays hidden
  document.querySelectorAll("button[data-read-aloud]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.speechSynthesis.cancel();
      document.querySelectorAll(button.dataset.readAloud).forEach(function (element) {
        var text = element.innerText.replace(/\s+/g, " ").trim();
        if (!text) return;
        var marked = element.closest("[lang]");
        var utterance = new SpeechSynthesisUtterance(text);
        utterance.lang = marked ? marked.getAttribute("lang") : document.documentElement.lang;
        window.speechSynthesis.speak(utterance);
      });
    });
  });
})();
