// The API tokens page: copy a newly created token to the clipboard.
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
