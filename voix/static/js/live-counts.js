// Keeps a wave's response counts up to date while residents answer (every 20 s).
(function () {
  "use strict";
  var box = document.querySelector("[data-counts-url]");
  if (!box) return;
  var total = document.querySelector("[data-live-total]"), rows = box.querySelector("[data-live-rows]");
  function cell(tag, text, className) {
    var element = document.createElement(tag);
    element.textContent = text;
    if (className) element.className = className;
    if (tag === "th") element.scope = "row";
    return element;
  }
  function refresh() {
    fetch(box.dataset.countsUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        total.textContent = data.total;
        if (!data.by_quartier.length) return;
        rows.replaceChildren.apply(rows, data.by_quartier.map(function (row) {
          var tr = document.createElement("tr");
          tr.append(cell("th", row.quartier || box.dataset.notGiven), cell("td", row.responses, "number"));
          return tr;
        }));
      })
      .catch(function () {});
  }
  setInterval(refresh, 20000);
})();
