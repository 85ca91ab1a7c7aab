"""How fast the coding page opens and codes, measured in Chromium.

    python bench/coding_page.py [--runs 3]

For a 20,000-word transcript with 1,000 codings (issue 4's target: under one second
each) and, so that growth is seen, a 2,000-word one with 100 codings, this prints:

- open: from navigating to /coding?document=ID until every turn of the component is
  drawn and Streamlit has finished the run;
- select: from releasing the mouse over a passage until the page shows it as selected
  (the component reports it, Streamlit reruns);
- code: from clicking a code until the new coding's highlight is drawn (the write, the
  rerun, the component redrawing the document);
- scroll: the longest frame while the text is scrolled through from top to bottom.

Figures are medians of --runs, with the 20,000-word figure as a ratio of the
2,000-word one. It starts `streamlit run workbench.py` itself on a free port, on a
project made by bench/generate.py, and drives Debian's Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from qualbench import codebook, coding, documents, store  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402
from tests.browser.support import select_passage, sign_in  # noqa: E402

SCROLL = """async () => {
  const el = document.querySelector('.qb-scroll');
  el.scrollTop = 0;
  let worst = 0, last = performance.now();
  while (el.scrollTop + el.clientHeight < el.scrollHeight - 2) {
    el.scrollTop += 120;
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now(); worst = Math.max(worst, now - last); last = now;
  }
  return worst;
}"""


def _idle(tab) -> None:
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def measure(tab, server, *, words: int, runs: int) -> dict[str, float]:
    db = store.open_project(server.db_path, create=False)
    doc = documents.list_documents(db).iloc[0]
    doc_id, text = int(doc["id"]), documents.resolve(db, int(doc["id"]))["text"]
    turn_rows = documents.turns(db, doc_id)
    turns = len(turn_rows)
    code = codebook.codes(db)[0]
    db.close()
    figures: dict[str, list[float]] = {"open": [], "select": [], "code": [], "scroll": []}
    for run in range(runs):
        t0 = time.perf_counter()
        tab.goto(f"{server.url}/coding?document={doc_id}")
        tab.wait_for_function(f"() => document.querySelectorAll('.qb-turn').length === {turns}", timeout=60_000)
        _idle(tab)
        figures["open"].append(time.perf_counter() - t0)
        sign_in(tab, "Bench Coder")  # a new page load is a new Streamlit session
        # about ten words inside a turn in the middle of the document, another turn each run
        turn = turn_rows[turns // 2 + run]
        at = text.index(" ", turn["start"] + 5) + 1
        needle = text[at:text.index(" ", at + 60)]
        select_passage(tab, needle)
        t0 = time.perf_counter()
        tab.get_by_text(f"({at}–{at + len(needle)})").first.wait_for(timeout=60_000)
        figures["select"].append(time.perf_counter() - t0)
        before = int(tab.locator(".qb-doc").get_attribute("data-codings"))
        t0 = time.perf_counter()
        tab.locator(f".st-key-apply_{code['id']} button").first.click()
        tab.wait_for_function(f"() => document.querySelector('.qb-doc').dataset.codings === '{before + 1}'", timeout=60_000)
        figures["code"].append(time.perf_counter() - t0)
        _idle(tab)
        figures["scroll"].append(tab.evaluate(SCROLL) / 1000)
    return {k: statistics.median(v) for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [(2_000, 100), (20_000, 1_000)]
    results = {}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for words, codings in sizes:
            path = Path(tmp) / f"coding_{words}.db"
            generate(path, documents=1, words=words, codes=40, codings=codings, coders=3)
            server = AppServer(path)
            try:
                tab = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
                results[words] = measure(tab, server, words=words, runs=args.runs)
            finally:
                server.stop()
        browser.close()
    small, large = results[2_000], results[20_000]
    print(f"{'':8}{'2,000 words / 100 codings':>28}{'20,000 words / 1,000 codings':>31}{'ratio':>8}")
    for name in ("open", "select", "code", "scroll"):
        label = name if name != "scroll" else "scroll*"
        print(f"{label:8}{small[name]:>26.3f} s{large[name]:>29.3f} s{large[name] / small[name]:>8.1f}")
    print("* the longest frame while scrolling through the whole text")


if __name__ == "__main__":
    main()
