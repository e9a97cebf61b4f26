// The A/B test form: each variant shows only the field the chosen kind of test changes
// (the others keep their values, and are ignored on saving).
(function () {
  "use strict";
  const form = document.getElementById("ab-form");
  if (!form) {
    return;
  }

  function show() {
    const chosen = form.querySelector("input[name=kind]:checked");
    const kind = chosen ? chosen.value : "subject";
    form.querySelectorAll("[data-tests]").forEach(function (element) {
      element.hidden = element.dataset.tests !== kind;
    });
  }

  form.querySelectorAll("input[name=kind]").forEach(function (radio) {
    radio.addEventListener("change", show);
  });
  show();
})();
