"""What the browser tests measure of a screen: what sticks out sideways, and the phone size;
and the key screens they save for a reviewer."""

from pathlib import Path

# Elements that stick out to the right of the viewport, to name the culprit of a scroll bar.
WIDE_ELEMENTS = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 10)
  .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
    + " right=" + Math.round(el.getBoundingClientRect().right))"""

PHONE = {"viewport": {"width": 320, "height": 640}}


def assert_no_sideways_scroll(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways: {page.evaluate(WIDE_ELEMENTS)}"
    )


# Where `make test-browser` leaves the key screens of each journey for a reviewer to look at
# (issue 19); var/ is ignored by git.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def save_key_screen(page, name):
    """Save a full-page screenshot of `page` as it looks 320 px wide, as
    var/screenshots/<name>.png, then put the page back at its own width.

    Call it at the screens a reviewer should see of a journey ("signup-lost-link-code");
    the name says the journey first, so the folder reads in order."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    resize = size is not None and size["width"] != PHONE["viewport"]["width"]
    if resize:
        page.set_viewport_size(PHONE["viewport"])
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    if resize:
        page.set_viewport_size(size)
