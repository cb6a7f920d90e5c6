// Display conditions in the browser: the same rules as surveys/conditions.py, on the same
// JSON trees (never eval). One table of cases, tests/fixtures/surveys/condition_cases.json,
// is run against both. `read` turns what a form holds into the answer the server would
// store, so that both sides compare the same values.
(function () {
  "use strict";

  function isEmpty(value) {
    if (typeof value === "string") return value.trim() === "";
    return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
  }

  function toNumber(value) {
    if (typeof value === "boolean" || value === null || value === undefined) return null;
    if (typeof value === "number") return value;
    var text = String(value).trim();
    // Python's float(): digits with an optional sign, point and exponent; nothing else.
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
    return parseFloat(text);
  }

  function equal(given, expected) {
    if (isEmpty(given)) return false;
    if (typeof given === "boolean" || typeof expected === "boolean") return given === expected;
    if (typeof given === "number" && typeof expected === "number") return given === expected;
    return String(given).trim() === String(expected).trim();
  }

  function compare(op, given, expected) {
    var left = toNumber(given), right = toNumber(expected);
    if (left === null || right === null) {
      // Dates are ISO strings: their order is the text's order.
      if (typeof given !== "string" || typeof expected !== "string" || toNumber(given) !== null) return false;
      left = given; right = expected;
    }
    if (op === "<") return left < right;
    if (op === "<=") return left <= right;
    if (op === ">") return left > right;
    return left >= right;
  }

  function evaluate(node, answers) {
    if (!node) return true;
    var op = node.op;
    if (op === "and") return node.args.every(function (arg) { return evaluate(arg, answers); });
    if (op === "or") return node.args.some(function (arg) { return evaluate(arg, answers); });
    if (op === "not") return !evaluate(node.args[0], answers);
    var given = Object.prototype.hasOwnProperty.call(answers, node.question) ? answers[node.question] : null;
    if (Object.prototype.hasOwnProperty.call(node, "row")) {  // a matrix's answer is {row: value}
      given = isRows(given) && Object.prototype.hasOwnProperty.call(given, node.row) ? given[node.row] : null;
    }
    if (op === "answered") return !isEmpty(given);
    if (op === "!=") return !equal(given, node.value);
    if (isEmpty(given)) return false;
    if (op === "selected") return Array.isArray(given) && given.indexOf(node.value) >= 0;
    if (op === "=") return equal(given, node.value);
    return compare(op, given, node.value);
  }

  function isRows(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // A row of a matrix, or an item of several numbers or texts, reads as this type.
  var ROW_TYPES = { matrix_single: "single_choice", matrix_multiple: "multiple_choice",
                    multiple_number: "number", multiple_short_text: "short_text" };

  // The answer a question's fields hold, as surveys/answers.py would clean it; null when
  // there is none or it would be refused (the server then keeps nothing either). For a
  // matrix or several numbers or texts, `values` is {row: [field values]}: the answer is
  // {row: value}, rows left empty left out.
  function read(type, values) {
    if (isRows(values)) {
      var rows = {}, any = false;
      Object.keys(values).forEach(function (row) {
        var value = read(ROW_TYPES[type] || "short_text", values[row]);
        if (value !== null) { rows[row] = value; any = true; }
      });
      return any ? rows : null;
    }
    values = (values || []).filter(function (v) { return String(v).trim() !== ""; });
    if (!values.length) return null;
    var first = String(values[0]).trim();
    if (type === "multiple_choice" || type === "ranking") return values;
    if (type === "yes_no") {
      var said = { yes: true, true: true, "1": true, no: false, false: false, "0": false }[first];
      return said === undefined ? null : said;
    }
    if (type === "agreement" && first === "dk") return "dk";
    if (type === "agreement" || type === "smiley") {
      var level = /^[1-5]$/.test(first) ? parseInt(first, 10) : null;
      return level;
    }
    if (type === "number") {
      var number = toNumber(first.replace(",", "."));
      return number === null || !isFinite(number) ? null : number;
    }
    if (type === "date") return /^\d{4}-\d{2}-\d{2}$/.test(first) ? first : null;
    return first;  // text: trimmed, as the server keeps it
  }

  window.voixConditions = { evaluate: evaluate, read: read, isEmpty: isEmpty };
})();
