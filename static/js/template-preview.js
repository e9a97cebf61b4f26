"use strict";
// Preview width buttons: show the message as a computer, a tablet or a phone would.
(function () {
  const group = document.querySelector("[data-preview-widths]");
  const frame = document.getElementById("preview-frame");
  if (!group || !frame) return;
  group.addEventListener("click", (event) => {
    const button = event.target.closest("[data-width]");
    if (!button) return;
    frame.style.width = button.dataset.width;
    for (const other of group.querySelectorAll("[data-width]")) {
      other.classList.toggle("active", other === button);
      other.setAttribute("aria-pressed", String(other === button));
    }
  });
})();
