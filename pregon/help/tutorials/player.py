"""A tutorial's steps played in a Playwright page as a person would: a visible cursor that
travels to what it clicks, and typing at a human pace.

The recorder plays them at that pace, between its narration; the scripts' test plays them
at full speed (``human=False``) to prove they still match the screens.
"""

from pathlib import Path

from pregon.help.tutorials.script import Step

# Files the ``upload`` action may pick (a spreadsheet to import…).
FILES = Path(__file__).parent / "scripts" / "files"
# A headless browser draws no mouse pointer: this arrow, above everything, follows the
# mouse. Playwright runs init scripts itself, outside the page's Content-Security-Policy.
CURSOR_SCRIPT = """
window.addEventListener("DOMContentLoaded", () => {
  const arrow = document.createElement("div");
  arrow.id = "tutorial-cursor";
  arrow.innerHTML = '<svg width="28" height="28" viewBox="0 0 28 28">'
    + '<path d="M3 2 L3 22 L9 16 L13 25 L17 23 L13 15 L21 15 Z" fill="#111" stroke="#fff"'
    + ' stroke-width="1.5"/></svg>';
  Object.assign(arrow.style, {position: "fixed", left: "0px", top: "0px", zIndex: 2147483647,
    pointerEvents: "none", transform: "translate(-3px, -2px)"});
  document.documentElement.appendChild(arrow);
  const saved = sessionStorage.getItem("tutorial-cursor");
  if (saved) {
    const [x, y] = JSON.parse(saved);
    arrow.style.left = x + "px";
    arrow.style.top = y + "px";
  }
  document.addEventListener("mousemove", (event) => {
    arrow.style.left = event.clientX + "px";
    arrow.style.top = event.clientY + "px";
    sessionStorage.setItem("tutorial-cursor", JSON.stringify([event.clientX, event.clientY]));
  }, true);
});
"""
# Milliseconds between keys when typing, and mouse steps when travelling, at human pace.
KEY_DELAY = 70
MOUSE_STEPS = 25


def prepare(page: object) -> None:
    """Show the cursor on every page ``page`` loads from now on."""
    page.add_init_script(CURSOR_SCRIPT)


def perform(page: object, step: Step, base_url: str, human: bool = True) -> None:
    """Do what ``step`` says in ``page``; Playwright's errors say what was not found."""
    if step.action == "say":
        return
    if step.action == "goto":
        page.goto(base_url + step.target)
        return
    target = page.locator(step.target).first
    target.wait_for(state="visible")
    if step.action == "wait":
        return
    target.scroll_into_view_if_needed()
    if human:
        _travel_to(page, target)
    if step.action == "click":
        target.click()
    elif step.action == "fill":
        target.fill("")
        target.press_sequentially(step.value, delay=KEY_DELAY if human else 0)
    elif step.action == "select":
        target.select_option(label=step.value)
    elif step.action == "check":
        target.check()
    elif step.action == "hover":
        target.hover()
    elif step.action == "press":
        target.press(step.value)
    elif step.action == "upload":
        target.set_input_files(FILES / step.value)


def _travel_to(page: object, target: object) -> None:
    box = target.bounding_box()
    if box:
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y, steps=MOUSE_STEPS)
