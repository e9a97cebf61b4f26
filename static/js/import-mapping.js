// Import mapping: choosing "New custom field…" in a column's select opens the form for a new
// field below the table, set for that column and named after it.
(function () {
  "use strict";

  const form = document.getElementById("mapping-form");
  const box = document.getElementById("new-field");
  if (!form || !box) return;
  const label = document.getElementById("id_new_field-label");
  const column = document.getElementById("id_new_field-column");
  const NEW_FIELD = "+new"; // As pregon.contacts.forms.NEW_FIELD.

  form.addEventListener("change", (event) => {
    const select = event.target;
    if (!select.name || !select.name.startsWith("column_") || select.value !== NEW_FIELD) return;
    const index = select.name.slice("column_".length);
    column.value = index;
    if (!label.value) label.value = document.querySelector(`label[for="${select.id}"]`).textContent.trim();
    box.open = true;
    label.focus();
    label.select();
  });
})();
