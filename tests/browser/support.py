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
