// Secrets shown once (API tokens, backup codes): copy them to the clipboard, or print them.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copyTarget);
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      // Plain http:// pages on the network have no clipboard API: fall back to the old
      // command, and if that fails too, the text stays selected for Ctrl+C.
      if (!document.execCommand("copy")) return;
    }
    button.textContent = button.dataset.copiedLabel;
  });
});

document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
