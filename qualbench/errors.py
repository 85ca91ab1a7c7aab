"""The one way the core says "bad input": QualbenchError and its subclasses.

Every message is written for a researcher, not a programmer: it names the file,
document or code concerned and says what is wrong and, where it can, what to do.
The UI shows it with ``st.error``; the CLI prints it on one line and exits 1.
"""


class QualbenchError(Exception):
    """Bad input or an impossible request; the message is shown as it is."""


class NotAQualbenchDatabase(QualbenchError):
    """The file exists but is not a Qualbench project database; it was left unchanged."""


class ImportProblem(QualbenchError):
    """A document could not be imported (wrong format, empty, too large, unreadable)."""


class CodebookProblem(QualbenchError):
    """A codebook file or change is invalid. ``problems`` lists the problems found.

    However a file is made, what reaches the researcher stays readable: the first
    ``MAX_PROBLEMS`` problems, each cut to ``MAX_PROBLEM_CHARS``, then "… and N more
    problems"; the message is cut to ``MAX_MESSAGE_CHARS``.
    """

    MAX_PROBLEMS = 20
    MAX_PROBLEM_CHARS = 300
    MAX_MESSAGE_CHARS = 8000

    def __init__(self, message: str, problems: list[str] | None = None):
        problems = list(problems or [message])
        shown = [_cut(str(p), self.MAX_PROBLEM_CHARS) for p in problems[: self.MAX_PROBLEMS]]
        if len(problems) > self.MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - self.MAX_PROBLEMS} more problems")
        self.problems = shown
        super().__init__(_cut(str(message), self.MAX_MESSAGE_CHARS))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NotFound(QualbenchError):
    """A document, code, coder, coding or view named by the user does not exist."""


class StoreProblem(QualbenchError):
    """The project file could not be read or written (busy, disk full, read-only, damaged).

    Made from an ``sqlite3.Error`` by :func:`qualbench.store.explain`; nothing more was changed.
    """


class StaleCoding(QualbenchError):
    """An action on a coding as a page showed it, but the coding has changed or gone since."""


class UndoRefused(QualbenchError):
    """Undo would reverse a change that someone has changed again since (or that clashes with a later one)."""
