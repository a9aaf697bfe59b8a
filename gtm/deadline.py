"""A whole-command deadline for every command that talks to a provider (``plan``, ``apply``, ``gate``,
``unlock``, ``import``, ``sample-data``).

Every HubSpot request has its own connect and read timeouts, but a server that answers slowly
(or trickles bytes) can still stretch a command without end.  :func:`deadline` arms a one-shot
timer; when it fires, :class:`DeadlineExceeded` is raised in the main thread wherever it is, and
the ``finally`` blocks on the way out (journal, apply lock) still run.  It derives from
``BaseException`` so that the ``except Exception`` in provider plumbing cannot swallow it.  The
time a person spends answering a confirmation prompt does not count (:meth:`Deadline.paused`).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

FIRED = {"deadline": False}  # set once a deadline fired in this process (gtm.cli exits without waiting)


class DeadlineExceeded(BaseException):
    """The command ran past its deadline."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"deadline of {seconds:g} s passed")
        self.seconds = seconds


class Deadline:
    """An armed deadline; ``remaining`` seconds, or None when none is set."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds if seconds else None

    @property
    def remaining(self) -> float | None:
        return None if self.ends is None else max(0.0, self.ends - time.monotonic())

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the clock for the body (a person reading the plan and answering a prompt)."""
        left = self.remaining
        if left is None or not _usable():
            yield
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            yield
        finally:
            self.ends = time.monotonic() + max(left, 0.001)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[Deadline]:
    """Raise :class:`DeadlineExceeded` in the body once ``seconds`` have passed (None: no deadline)."""
    d = Deadline(seconds)
    if not seconds or not _usable():
        yield d
        return

    def on_alarm(_signum: int, _frame: Any) -> None:
        FIRED["deadline"] = True
        raise DeadlineExceeded(float(seconds))

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield d
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def deadline_message(e: DeadlineExceeded, command: str, env_name: str) -> str:
    return (f"gtm {command} stopped: it ran past its deadline of {e.seconds:g} s on environment \"{env_name}\"")


@contextlib.contextmanager
def provider_deadline(command: str, env_name: str, env: Any, cli_seconds: float | None = None) -> Iterator[Deadline]:
    """:func:`deadline` for a command that reports a :class:`ProviderError`: past the deadline the body
    stops with a ProviderError GTM623 (a server trickling bytes slower than the read timeout would
    otherwise keep ``unlock`` or ``import`` waiting for ever)."""
    from providers.base import ProviderError

    try:
        with deadline(limit_for(env, cli_seconds)) as d:
            yield d
    except DeadlineExceeded as e:
        raise ProviderError(f"{deadline_message(e, command, env_name)}; raise `deadline_s` for this environment "
                            "in gtm.yaml if the portal is slow", code="GTM623") from None


def limit_for(env: Any, cli_seconds: float | None) -> float | None:
    """The deadline in force: ``--deadline`` when given, else the environment's ``deadline_s``."""
    return cli_seconds if cli_seconds else getattr(env, "deadline_s", None)


def deadline_option(f: Any) -> Any:
    import click

    return click.option("--deadline", "deadline_s", type=click.FloatRange(min=0.1, max=86400), default=None,
                        metavar="SECONDS", help="Stop with an error (lock released) after SECONDS "
                                                "(default: the environment's deadline_s, 1800).")(f)
