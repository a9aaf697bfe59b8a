"""GitHub Actions annotations (``::error file=…,line=…::…``) for diagnostics and gate reports.

GitHub shows these on the changed lines of a pull request.  Each line is rendered by
:func:`compiler.diagnostics.github_annotation`, so the text matches every other view.
"""

from __future__ import annotations

from collections.abc import Iterable

from compiler.diagnostics import Diagnostic, github_annotation
from compiler.gates.report import GateReport


def annotations_for_diagnostics(diags: Iterable[Diagnostic]) -> list[str]:
    """One workflow command per diagnostic, in file/line order."""
    return [github_annotation(d) for d in sorted(diags, key=Diagnostic.sort_key)]


def annotations_for_gate(report: GateReport) -> list[str]:
    """Spec errors and every failure of every failed check, as annotations."""
    diags = [d for d in report.validation if d.is_error]
    for r in report.failed:
        diags.extend(r.diagnostics)
    return annotations_for_diagnostics(diags)
