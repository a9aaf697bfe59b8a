"""Apply a plan: destroy gate, journal, record moves, waves of changes, progress."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import click

from compiler.diagnostics import Diagnostic, error
from compiler.plan import Change, Plan
from gtm.deadline import DeadlineExceeded
from gtm.journal import Journal
from gtm.planning import Session
from providers.base import FollowOn, ProviderError


@dataclass
class ApplyResult:
    ok: bool
    applied: list[Change] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    journal: Journal | None = None  # per change: pending, running, done or failed (with detail)


def destroy_gate(plan: Plan, allow_destroy: bool) -> list[Diagnostic]:
    blocked = plan.needs_allow_destroy
    if not blocked or allow_destroy:
        return []
    notes = tuple(f"{c.address}: {'; '.join(c.reasons)}"
                  + (f" ({c.impact.detail})" if c.impact and c.impact.detail else "") for c in blocked)
    return [error("GTM603", f"{len(blocked)} change(s) need --allow-destroy; nothing was applied", notes=notes,
                  hint="review the plan, then re-run with --allow-destroy")]


def _progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_apply(s: Session, plan: Plan, allow_destroy: bool) -> ApplyResult:
    """Apply ``plan``; the caller holds the environment's lock (see :mod:`gtm.locking`)."""
    gate = destroy_gate(plan, allow_destroy)
    if gate:
        return ApplyResult(False, [], gate)
    journal = Journal.for_env(s.project.root, s.env_name)
    try:
        journal.begin([(c.address, c.action) for c in plan.changes])
    except OSError as e:
        return ApplyResult(False, [], [error(
            "GTM614", f"cannot write the apply journal {journal.path}: {e.strerror or e}; nothing was applied",
            hint="make .gtm/journal writable (gtm records every apply there before it changes anything)")])
    index = {id(c): i for i, c in enumerate(plan.changes)}
    applied: list[Change] = []
    failed: list[tuple[Change, str]] = []

    def report(ch: Change, err: str | None, also: tuple[FollowOn, ...] = ()) -> None:
        i = index[id(ch)]
        extra = [f.to_dict() for f in also]
        if err is None:
            journal.mark(i, "done", also=extra)
            applied.append(ch)
            if _progress():
                click.echo(f"  {ch.action:8} {ch.address} done", err=True)
        else:
            journal.mark(i, "failed", err, also=extra)
            failed.append((ch, err))

    try:
        for wave in waves(plan.changes):
            try:
                for ch in wave:
                    for m in ch.moves:
                        rec = ch.resource.object or "deals"
                        n = s.provider.move_records(rec, m.property, m.from_value, m.to_value)
                        journal.mark(index[id(ch)], "running", f"moved {n} {rec} {m.from_value} → {m.to_value}")
                s.provider.apply_changes(wave, s.live, report)
            except ProviderError as e:
                for ch in wave:
                    if journal.entries[index[id(ch)]]["status"] not in ("done", "failed"):
                        report(ch, e.message)
            if failed:
                ch, msg = failed[0]
                journal.finish("failed", msg)
                return ApplyResult(False, applied, [_stopped(ch, msg, journal, len(failed))], journal)
        journal.finish("complete")
        return ApplyResult(True, applied, [], journal)
    except (KeyboardInterrupt, DeadlineExceeded) as e:
        journal.finish("interrupted", "interrupted" if isinstance(e, KeyboardInterrupt) else str(e))
        raise


def waves(changes: list[Change]) -> list[list[Change]]:
    """Split the ordered changes into waves whose members do not depend on each other, so a provider
    may batch them or run them concurrently: consecutive changes of one resource type and direction
    (creates/updates vs deletes), layered by their dependencies (a calculated property that reads
    another one comes after it; for deletes, before it)."""
    groups: list[list[Change]] = []
    for c in changes:
        key = (c.resource.type, c.action == "delete")
        if groups and (groups[-1][0].resource.type, groups[-1][0].action == "delete") == key:
            groups[-1].append(c)
        else:
            groups.append([c])
    out: list[list[Change]] = []
    for g in groups:
        out.extend(_layers(g, deleting=g[0].action == "delete"))
    return out


def _layers(group: list[Change], deleting: bool) -> list[list[Change]]:
    addrs = {c.address for c in group}
    deps = {c.address: {d for d in (c.after or c.before or c.resource).depends_on if d in addrs} for c in group}
    if deleting:  # delete what depends on a resource before the resource itself
        rdeps: dict[str, set[str]] = {a: set() for a in addrs}
        for a, ds in deps.items():
            for d in ds:
                rdeps[d].add(a)
        deps = rdeps
    layers: list[list[Change]] = []
    done: set[str] = set()
    rest = list(group)
    while rest:
        layer = [c for c in rest if deps[c.address] <= done] or rest  # a cycle cannot happen; never stall
        layers.append(layer)
        done |= {c.address for c in layer}
        rest = [c for c in rest if c.address not in done]
    return layers


def _stopped(ch: Change, msg: str, journal: Journal, n_failed: int = 1) -> Diagnostic:
    done = journal.done()
    rest = journal.not_done()
    notes = [f"done ({len(done)}): " + (", ".join(e["address"] for e in done[:20]) or "nothing")]
    notes.append(f"not done ({len(rest)}): " + ", ".join(e["address"] for e in rest[:20]))
    notes.append(f"journal: {journal.path}")
    more = f" (and {n_failed - 1} more failed)" if n_failed > 1 else ""
    return error("GTM608", f"apply stopped at {ch.address}: {msg}{more}", address=ch.address, notes=tuple(notes),
                 hint="fix the cause and run `gtm apply` again; it plans from the live CRM and finishes the rest")
