"""A server-like process for tests/process: it keeps connections to a project open, as the
workbench server does for its browser sessions, and obeys one command per line on stdin.

    open                 open one more connection (a new browser session) and read through it
    read                 read the number of codings through every connection held
    close                close the newest extra connection (a session that ended)
    code D C S E CODER   code through the first, long-held connection; prints the coding's id
    count CODER          that coder's codings, read through the first connection
    wal                  whether the project's -wal file exists

Each answer is one line; "ready" is printed once the first connection is open.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from qualbench import coding, store  # noqa: E402


def main(path: str) -> None:
    first = store.open_project(path, create=False)
    extra = []
    print("ready", flush=True)
    for line in sys.stdin:
        word, *rest = line.split("\t")
        rest = [r.strip() for r in rest]
        word = word.strip()
        if word == "open":
            extra.append(store.open_project(path, create=False))
            answer = str(extra[-1].execute("SELECT count(*) FROM codings").fetchone()[0])
        elif word == "read":
            answer = " ".join(str(db.execute("SELECT count(*) FROM codings").fetchone()[0]) for db in [first, *extra])
        elif word == "close":
            extra.pop().close()
            answer = "closed"
        elif word == "code":
            document, code, start, end, coder = rest
            answer = str(coding.apply(first, int(document), code, int(start), int(end), coder=coder))
        elif word == "count":
            answer = str(first.execute("SELECT count(*) FROM codings WHERE coder = ?", [rest[0]]).fetchone()[0])
        elif word == "wal":
            answer = str(os.path.exists(f"{path}-wal"))
        else:
            answer = f"unknown command {word!r}"
        print(answer, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
