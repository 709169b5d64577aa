"""What the browser tests measure of a screen: what sticks out sideways, and the phone size."""

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
