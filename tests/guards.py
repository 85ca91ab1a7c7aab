"""A guard against hangs for tests of hostile input (not a timing assertion).

Tests do not assert how fast something is (benchmarks under bench/ measure that). A
hostile input that makes an importer run for minutes or exhaust memory is a failure of
another kind: ``no_hang`` stops such a test after a generous limit, far above what any
machine needs for the honest work, so that the suite reports it instead of hanging.
"""

import contextlib
import signal
import threading

HANG_SECONDS = 120


@contextlib.contextmanager
def no_hang(seconds: int = HANG_SECONDS):
    """Fail (TimeoutError) when the block runs longer than ``seconds``; only in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: the input was not refused in bounded work")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
