"""The time limit of one input: the work on an input that runs over it is stopped, the batch goes on.

`importers.pipeline.prepare` arms a `Deadline` around reading, cleaning and extracting one input. One
watchdog thread per process (`_Watchdog`) stops whichever input is past its deadline, by SIGALRM on the
main thread or by an asynchronous exception on any other (the browser's imports): no process, thread or
timer per file. A module of its own because it is process machinery (signals, threads, fork), not
knowledge of the inputs or of the database.
"""
from __future__ import annotations

import os
import signal
import threading
import time

# Wall-clock seconds that one input may take to be read, cleaned and extracted (`--time-limit`). Articles
# take milliseconds; 5 MB of prose with extraction took 95 s (2 cores); quadratic inputs ran for minutes.
DEFAULT_TIME_LIMIT = 120.0


class TimeLimitExceeded(BaseException):
    """Raised inside the work on an input whose time is up. A BaseException, so that the readers' and the
    extraction's `except Exception` cannot take it for an error of the file and carry on."""


class Deadline:
    """The time limit of one input, enforced by the process's watchdog thread (`_Watchdog`).

    On the main thread (the command line, each pool worker) the watchdog sends SIGALRM to that thread: the
    handler raises between two Python instructions, inside a regular expression's matching loop (which
    checks for signals) and in a blocking read (interrupted). On any other thread (an import started by the
    browser) signals cannot be used: the watchdog raises the exception in that thread asynchronously, at its
    next Python instruction. Code that runs in C without returning (a parser in C) is stopped when it returns.
    Checking costs nothing per file beyond taking a lock twice: no process, no thread, no timer per file."""

    __slots__ = ("seconds", "at", "ident", "by_signal", "expired")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ident = threading.get_ident()
        self.by_signal = _can_signal()
        self.expired = False
        self.at = 0.0

    def arm(self) -> None:
        self.at = time.monotonic() + self.seconds
        if self.by_signal:
            _ALARM[0] = self
        _watchdog().arm(self)

    def disarm(self) -> None:
        if self.by_signal:
            _ALARM[0] = None  # first: a signal still on its way finds nothing to stop
        _watchdog().disarm(self)


def _on_alarm(signum, frame) -> None:
    job = _ALARM[0]
    if job is not None and job.expired:
        _ALARM[0] = None
        raise TimeLimitExceeded


def _can_signal() -> bool:
    """True on the main thread when SIGALRM is ours to use (installing the handler the first time)."""
    if not hasattr(signal, "pthread_kill") or threading.current_thread() is not threading.main_thread():
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler is _on_alarm:
        return True
    if handler == signal.SIG_DFL:
        signal.signal(signal.SIGALRM, _on_alarm)
        return True
    return False  # someone else's alarm: leave it alone


def _async_raise(ident: int, exc: type[BaseException] | None) -> None:
    """Raise exc in thread `ident` at its next Python instruction (exc None: cancel a pending one)."""
    import ctypes

    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    set_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
    set_exc(ident, exc if exc is not None else ctypes.py_object())


class _Watchdog:
    """One thread per process that stops each input whose deadline has passed (see `Deadline`), for every
    thread that imports (the browser may run two imports at once). It sleeps until the nearest deadline:
    arming the next input wakes it only when that deadline is nearer (not in a steady run)."""

    def __init__(self):
        self.cond = threading.Condition(threading.Lock())
        self.jobs: dict[int, Deadline] = {}  # by thread
        self.until: float | None = None  # what the thread sleeps until (None: until it is woken)
        threading.Thread(target=self._run, name="incidex-time-limit", daemon=True).start()

    def arm(self, job: Deadline) -> None:
        with self.cond:
            self.jobs[job.ident] = job
            if self.until is None or job.at < self.until:
                self.cond.notify()

    def disarm(self, job: Deadline) -> None:
        with self.cond:
            if self.jobs.get(job.ident) is job:
                del self.jobs[job.ident]
            elif job.expired and not job.by_signal:
                _async_raise(job.ident, None)  # sent but maybe not raised yet: it never will be now

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for ident, job in [(i, j) for i, j in self.jobs.items() if j.at <= now]:
                    del self.jobs[ident]
                    job.expired = True
                    if job.by_signal:
                        signal.pthread_kill(ident, signal.SIGALRM)
                    else:
                        _async_raise(ident, TimeLimitExceeded)
                self.until = min((j.at for j in self.jobs.values()), default=None)
                self.cond.wait(None if self.until is None else self.until - now)


_ALARM: list[Deadline | None] = [None]  # the main thread's input, for the SIGALRM handler
_WATCHDOG: list = [None, threading.Lock()]


def _watchdog() -> _Watchdog:
    dog = _WATCHDOG[0]
    if dog is None:
        with _WATCHDOG[1]:
            if _WATCHDOG[0] is None:
                _WATCHDOG[0] = _Watchdog()
            dog = _WATCHDOG[0]
    return dog


def _after_fork() -> None:
    """A forked pool worker has none of its parent's threads: it starts its own watchdog when it needs one."""
    _WATCHDOG[0], _WATCHDOG[1] = None, threading.Lock()
    _ALARM[0] = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
