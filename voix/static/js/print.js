// "Print the report": one click to the browser's print dialog (A4, print stylesheet).
// The button stays hidden without JavaScript; the browser's own Print still works.
document.querySelectorAll(".js-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
