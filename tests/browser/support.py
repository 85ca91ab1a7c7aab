"""Helpers for browser tests: wait for Streamlit, take screenshots to look at."""

from pathlib import Path

SHOTS = Path(__file__).resolve().parent / "screenshots"


def wait_for_app(tab) -> None:
    """Wait until Streamlit has finished running the script (no 'running' indicator)."""
    tab.wait_for_selector('[data-testid="stApp"]')
    tab.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && document.querySelector('[data-testid="stMainBlockContainer"]')""", timeout=30_000)
    tab.wait_for_timeout(300)


def screenshot(tab, name: str) -> Path:
    """Save a full-page PNG under tests/browser/screenshots/ (not tracked) to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
