"""One of N writers for tests/process: waits for a start file, then codes its ranges one by one
through ``coding.apply``, each a transaction of its own, as a CLI command or a script would.

    python writer.py DB CODER RANGES.json START_FILE

RANGES.json holds [[document_id, code, start, end], ...]. Prints the number of codings made.
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qualbench import coding, store  # noqa: E402


def main(path: str, coder: str, ranges_file: str, start_file: str) -> None:
    ranges = json.loads(Path(ranges_file).read_text())
    db = store.open_project(path, create=False)
    while not Path(start_file).exists():  # all writers start at once
        time.sleep(0.005)
    made = 0
    for document_id, code, start, end in ranges:
        coding.apply(db, document_id, code, start, end, coder=coder)
        made += 1
        print(made, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
