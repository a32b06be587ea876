// Competition setup: rows added and removed in the rubric editor, and the live sum of maxima.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  window.VentureRows = window.VentureRows || function (root) {
    // Tables with data-rows="<prefix>": clone the last row with the next index; remove rows.
    root.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function () {
        var table = root.querySelector('[data-rows="' + button.getAttribute("data-add-row") + '"]');
        var rows = table.querySelectorAll("tbody [data-row]");
        var last = rows[rows.length - 1];
        var clone = last.cloneNode(true);
        var next = rows.length;
        clone.querySelectorAll("input, select, textarea, label").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) { el.setAttribute(attr, value.replace(/-\d+-/, "-" + next + "-")); }
          });
          if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio")) { el.checked = false; }
          else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
          else if (el.tagName !== "LABEL") { el.value = ""; }
          el.classList.remove("is-invalid");
        });
        clone.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
        last.parentNode.appendChild(clone);
        renumber(table);
        var first = clone.querySelector("input, select, textarea");
        if (first) { first.focus(); }
        table.dispatchEvent(new Event("rows-changed", { bubbles: true }));
      });
    });
    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) { return; }
      var row = button.closest("[data-row]");
      var table = row.closest("[data-rows]");
      var rows = table.querySelectorAll("tbody [data-row]");
      if (rows.length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input, textarea").forEach(function (el) {
          if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; }
        });
        row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
      }
      renumber(table);
      table.dispatchEvent(new Event("rows-changed", { bubbles: true }));
    });
    function renumber(table) {
      // Keep indices consecutive so the server reads every row.
      table.querySelectorAll("tbody [data-row]").forEach(function (row, i) {
        row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) { el.setAttribute(attr, value.replace(/-\d+-/, "-" + i + "-")); }
          });
        });
        var number = row.querySelector(".row-number");
        if (number) { number.textContent = i + 1; }
      });
    }
  };

  var form = document.querySelector("[data-rubric-form]");
  if (!form) { return; }
  window.VentureRows(form);
  var output = form.querySelector("[data-sum]");
  var message = form.querySelector("[data-sum-message]");
  function update() {
    var tenths = 0;
    form.querySelectorAll("[data-max]").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) { tenths += Math.round(value * 10); }
    });
    var sum = tenths / 10;
    output.textContent = sum.toFixed(2);
    var ok = tenths === 1000;
    output.classList.toggle("text-danger", !ok);
    output.classList.toggle("text-success", ok);
    message.textContent = ok ? message.getAttribute("data-ok")
      : message.getAttribute("data-bad").replace("{sum}", String(sum));
    message.classList.toggle("text-danger", !ok);
  }
  form.addEventListener("input", update);
  form.addEventListener("rows-changed", update);
  update();
})();
