"""Helpers for browser tests: wait for Streamlit, take screenshots to look at."""

from pathlib import Path

SHOTS = Path(__file__).resolve().parent / "screenshots"


def wait_for_app(tab) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    tab.wait_for_selector('[data-testid="stApp"]')
    # the sidebar's own widgets exist only once workbench.py has run; before that Streamlit shows
    # its auto-discovered page list
    tab.wait_for_function(
        """() => document.querySelector('[data-testid="stSidebarUserContent"] [data-testid="stSelectbox"]')
                 && !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=30_000)
    tab.wait_for_timeout(400)
    tab.wait_for_function("""() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=30_000)


def screenshot(tab, name: str) -> Path:
    """Save a full-page PNG under tests/browser/screenshots/ (not tracked) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


def choose(tab, label: str, option: str) -> None:
    """Pick the first option containing ``option`` in the selectbox labelled ``label``: type to filter, then click it."""
    wait_for_app(tab)
    for attempt in range(3):  # a rerun that lands while typing redraws the box; try again
        box = tab.get_by_label(label)
        box.click()
        box.fill(option)
        match = tab.get_by_role("option").filter(has_text=option).first
        try:
            match.wait_for(timeout=5_000)
        except Exception:
            if attempt == 2:
                raise
            tab.keyboard.press("Escape")
            wait_for_app(tab)
            continue
        match.click()
        break
    wait_for_app(tab)


# Where the passage ``needle`` starts and ends on screen, in the coding component: the
# middle of its first character's left edge and of its last character's right edge.
_PASSAGE_ENDS = """(needle) => {
  const root = document.querySelector('.qb-doc');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = '';
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (!n.parentElement.classList.contains('qb-seg')) continue;
    nodes.push([n, all.length]); all += n.data;
  }
  const at = all.indexOf(needle);
  if (at < 0) return null;
  const locate = (u) => { for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= u) return [nodes[i][0], u - nodes[i][1]]; };
  const lastChar = [...needle].pop();
  const [n1, o1] = locate(at), [n2, o2] = locate(at + needle.length - lastChar.length);
  n1.parentElement.scrollIntoView({block: 'center'});
  const r1 = document.createRange(); r1.setStart(n1, o1); r1.setEnd(n1, o1 + [...n1.data.slice(o1)][0].length);
  const r2 = document.createRange(); r2.setStart(n2, o2); r2.setEnd(n2, o2 + lastChar.length);
  const a = r1.getClientRects()[0], rs = r2.getClientRects(), b = rs[rs.length - 1];
  return [a.left + 1, a.top + a.height / 2, b.right - 1, b.top + b.height / 2];
}"""


def select_passage(tab, needle: str) -> None:
    """Select ``needle`` in the coding component with the mouse, as a researcher drags over it."""
    assert tab.evaluate(_PASSAGE_ENDS, needle), f"{needle!r} is not in the text"
    tab.wait_for_timeout(200)  # let the scroll settle
    x1, y1, x2, y2 = tab.evaluate(_PASSAGE_ENDS, needle)
    tab.mouse.move(x1, y1)
    tab.mouse.down()
    tab.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    tab.mouse.move(x2, y2, steps=4)
    tab.mouse.up()


def passage_start(tab, needle: str) -> tuple[float, float]:
    """The screen point just left of ``needle``'s first character (to place the caret by a click)."""
    x1, y1, _, _ = tab.evaluate(_PASSAGE_ENDS, needle)
    return x1 - 0.5, y1


def sign_in(tab, name: str) -> None:
    """Say who is coding, in the sidebar."""
    choose(tab, "Who is coding?", "Someone else")
    tab.get_by_label("Your name").fill(name)
    tab.get_by_label("Your name").press("Enter")
    wait_for_app(tab)


def download(tab, button: str, folder) -> Path:
    """Click the download button named ``button`` and save what the browser receives into ``folder``."""
    with tab.expect_download(timeout=60_000) as info:
        tab.get_by_role("button", name=button).click()
    target = Path(folder) / info.value.suggested_filename
    info.value.save_as(target)
    return target
