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
    """A codebook file or change is invalid. ``problems`` lists every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or [message]
        super().__init__(message)


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
