"""Real-browser fixtures: the workbench served by Streamlit on loopback, driven by Debian's Chromium.

Chromium is launched from /usr/bin/chromium (installed by the test command from
Debian's packages); Playwright never downloads a browser.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run workbench.py`` (or ``script``, with more ``args``) on a free loopback port with its own project file."""

    def __init__(self, db_path: Path, *, script: str = "workbench.py", args: tuple[str, ...] = ()):
        self.db_path = db_path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(db_path.with_suffix(".log"), "w")
        env = dict(os.environ, QUALBENCH_DB=str(db_path))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def app_server(sample_file, tmp_path_factory):
    """One server for the session on a copy of the sample project (tests that write use their own coder names)."""
    path = tmp_path_factory.mktemp("browser") / "workbench.db"
    shutil.copy(sample_file, path)
    server = AppServer(path)
    yield server
    server.stop()


@pytest.fixture
def fresh_server(sample_path):
    """A server of its own on a private copy of the sample project, for tests that change a lot."""
    server = AppServer(sample_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the README's test command, which installs Debian's chromium.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
