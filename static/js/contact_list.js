// Contact list: tick every row at once, and show only the inputs the chosen bulk action needs.
(function () {
  "use strict";
  const form = document.querySelector("[data-contact-bulk]");
  if (!form) return;

  const rows = document.querySelectorAll('input[name="contacts"][form="bulk-form"]');
  const selectAll = document.querySelector("[data-select-all]");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = selectAll.checked; });
    });
    rows.forEach(function (box) {
      box.addEventListener("change", function () {
        const ticked = Array.from(rows).filter(function (b) { return b.checked; }).length;
        selectAll.checked = ticked === rows.length;
        selectAll.indeterminate = ticked > 0 && ticked < rows.length;
      });
    });
  }

  const action = form.querySelector('[name="action"]');
  const dependent = form.querySelectorAll("[data-for-actions]");
  function showInputs() {
    dependent.forEach(function (block) {
      const wanted = block.dataset.forActions.split(" ").includes(action.value);
      block.hidden = !wanted;
      block.querySelectorAll("select, input").forEach(function (input) { input.required = wanted; });
    });
  }
  action.addEventListener("change", showInputs);
  showInputs();
})();
