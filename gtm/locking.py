"""The apply lock, held on the provider side from before ``gtm apply`` plans until it finishes.

Taking the lock first means the plan a person confirms is the plan that runs: no other apply can
move the portal in between.  A lock left by a process that died *on this host* is broken
automatically (the pid is checked); any other stale lock needs ``gtm unlock``.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import click

from compiler.diagnostics import Diagnostic, error
from providers.base import LockHeld, Provider, ProviderError

RELEASE_ATTEMPTS = 3


class LockError(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.summary)
        self.diagnostic = diagnostic


@dataclass
class Held:
    id: str
    released: bool = False


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises various errors in containers
        return "unknown"


def _dead_here(holder: dict[str, object]) -> bool:
    if holder.get("host") != socket.gethostname():
        return False
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _held_message(env: str, h: dict[str, object]) -> Diagnostic:
    who = f"{h.get('user', '?')} on {h.get('host', '?')} (pid {h.get('pid', '?')})"
    return error("GTM605", f'another apply holds the lock on environment "{env}": {who}',
                 hint=f"wait for it to finish; if it died, run `gtm unlock -e {env}` to break the stale lock")


@contextlib.contextmanager
def apply_lock(provider: Provider, env: str) -> Iterator[Held]:
    """Hold the environment's apply lock for the body; raise :class:`LockError` if it is taken."""
    held = Held(uuid.uuid4().hex)
    holder = {"id": held.id, "environment": env, "user": _user(), "command": "gtm apply"}
    try:
        try:
            provider.acquire_lock(holder)
        except LockHeld as e:
            if not _dead_here(e.holder):
                raise LockError(_held_message(env, e.holder)) from None
            stale = e.holder.get("id")
            try:
                broken = provider.break_lock(stale if isinstance(stale, str) else None)
            except ProviderError as be:
                if be.status != 404:
                    raise
                broken = None
            # None: another process broke the same stale lock first; the acquire below decides who holds
            # it, and the loser gets GTM605 naming the winner
            if broken is not None:
                click.echo(f"Note: broke a stale apply lock left by pid {e.holder.get('pid')} on this host, "
                           "which is no longer running.", err=True)
            provider.acquire_lock(holder)
    except LockHeld as e:
        raise LockError(_held_message(env, e.holder)) from None
    except ProviderError as e:
        raise LockError(error(e.code, e.message)) from None
    try:
        yield held
    finally:
        _release(provider, env, held)


def _release(provider: Provider, env: str, held: Held) -> None:
    last = ""
    for attempt in range(RELEASE_ATTEMPTS):
        try:
            provider.release_lock(held.id)
            held.released = True
            return
        except ProviderError as e:
            last = e.message
            time.sleep(0.5 * (attempt + 1))
    click.echo(f'warning: could not release the apply lock on "{env}" ({last}); '
               f"run `gtm unlock -e {env}` once you are sure no apply is running", err=True)
