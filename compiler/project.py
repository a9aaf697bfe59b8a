"""Load a workspace: ``gtm.yaml`` plus the spec tree, parsed and checked.

This is the front half of the pipeline (load → parse → check).  It never raises on bad
input; everything becomes a diagnostic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from compiler.checks import run_checks
from compiler.conditions.parse import parse_condition
from compiler.diagnostics import Diagnostic, Diagnostics, SourceRange, error, warning
from compiler.ownership_rules import ownership_problems
from compiler.parse import parse_document, suggest, validation_diagnostics
from compiler.portal import all_extras, check_conditions, check_workspace
from compiler.source import Document, load_file
from compiler.specset import SpecSet, condition_paths
from compiler.workspace import Workspace

WORKSPACE_FILE = "gtm.yaml"
SPEC_SUFFIXES = (".yaml", ".yml")
MAX_SPEC_FILES = 5000
MAX_TREE_ENTRIES = 50_000  # files and directories walked under the spec directory (spec files or not)
ENV_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # fullmatch: no \n sneaks past a `$`


@dataclass
class Project:
    root: Path
    workspace: Workspace | None
    workspace_doc: Document | None
    specs: SpecSet
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def display_path(path: Path, root: Path) -> str:
    """A path as users see it in diagnostics: relative to the current directory when possible."""
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


def load_workspace(root: Path) -> tuple[Workspace | None, Document | None, list[Diagnostic]]:
    path = root / WORKSPACE_FILE
    disp = display_path(path, root)
    if not path.exists():
        return None, None, [error("GTM201", f"no {WORKSPACE_FILE} in {display_path(root, root) or '.'}",
                                  SourceRange(disp, 1, 1), hint="run `gtm init` to create one")]
    res = load_file(path, disp)
    if res.diagnostics:
        return None, None, res.diagnostics
    if len(res.documents) != 1:
        return None, None, [error("GTM203", f"{WORKSPACE_FILE} must hold exactly one document",
                                  res.documents[1].start if len(res.documents) > 1 else None)]
    doc = res.documents[0]
    if not isinstance(doc.data, dict):
        return None, doc, [error("GTM010", f"{WORKSPACE_FILE} must be a mapping", doc.at(()))]
    try:
        ws = Workspace.model_validate(doc.data)
    except ValidationError as e:
        diags = validation_diagnostics(doc, doc.data, e, Workspace)
        return None, doc, [d if not d.summary.startswith(("environments", "portal")) else
                           Diagnostic(_environment_code(d), d.severity, d.summary,
                                      d.range, d.address, d.notes, d.hint)
                           for d in diags]
    problems: list[Diagnostic] = []
    for env_name in ws.environments:
        if not ENV_NAME_RE.fullmatch(env_name) or ".." in env_name:
            problems.append(error(
                "GTM231", f"environment name {env_name!r} must be letters, digits, '-', '_' or '.' (at most 64)",
                doc.at(("environments", env_name), key=True),
                hint="gtm names files after the environment (.gtm/journal/<env>.jsonl); rename it, e.g. sandbox"))
    for fld, why in ownership_problems(ws.ownership):
        problems.append(error("GTM230", f"ownership.{fld}: {why}", doc.at(("ownership", fld)),
                              hint='gtm deletes what it owns; pick a marker no one else uses, such as "GTM · "'
                                   if fld == "label_prefix" else "pick a short word of your own, such as gtm"))
    if ws.default_environment not in ws.environments:
        s = suggest(ws.default_environment, list(ws.environments))
        problems.append(error("GTM202", f'default_environment "{ws.default_environment}" is not defined',
                           doc.at(("default_environment",)),
                           hint=f'did you mean "{s}"?' if s else "define it under environments"))
    for i, c in enumerate(ws.checks):
        for fld in ("where", "require"):
            raw = doc.data["checks"][i].get(fld)
            if raw is not None:
                _, cd = parse_condition(raw, doc, ("checks", i, fld))
                problems.extend(cd)
        del c
    problems.extend(check_workspace(ws, doc))
    return ws, doc, problems


def _environment_code(d: Diagnostic) -> str:
    """GTM220 for a bad value under ``mappings``, GTM211 under ``portal``, GTM203 for other bad environment
    values."""
    if d.code not in ("GTM103", "GTM104"):
        return d.code
    where = d.summary.split(":", 1)[0]
    if where.startswith("portal") or ".portal" in where:
        return "GTM211"
    return "GTM220" if ".mappings" in d.summary.split(":", 1)[0] else ("GTM203" if d.code == "GTM104" else d.code)


def spec_files(spec_dir: Path) -> list[Path]:
    """Every spec file under ``spec_dir`` (see :func:`find_spec_files` for what is skipped and why)."""
    return find_spec_files(spec_dir, spec_dir)[0]


def find_spec_files(spec_dir: Path, root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """Spec files (``.yaml``/``.yml`` in any letter case) under ``spec_dir``, sorted; hidden entries
    (``.git``) are skipped.  Nothing is dropped without a word: an unreadable directory, an entry
    that is not a regular file, or more than ``MAX_SPEC_FILES`` files is a diagnostic."""
    files: list[Path] = []
    diags: list[Diagnostic] = []

    def unreadable(e: OSError) -> None:
        where = display_path(Path(e.filename), root) if e.filename else display_path(spec_dir, root)
        diags.append(error("GTM018", f"cannot read directory {where}: {e.strerror or e}; its specs are not loaded",
                           SourceRange(where, 1, 1), hint="fix its permissions, or move it out of the spec tree"))

    seen = 0
    for dirpath, dirnames, filenames in os.walk(spec_dir, onerror=unreadable, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        seen += len(dirnames) + len(filenames)
        if seen > MAX_TREE_ENTRIES:  # `specs: /` would walk the whole file system (and /proc)
            where = display_path(spec_dir, root)
            return [], [*diags, error(
                "GTM017", f"{where} holds more than {MAX_TREE_ENTRIES:,} files and directories; gtm stopped "
                          "reading it and never plans from part of a spec tree", SourceRange(where, 1, 1),
                hint="point `specs:` in gtm.yaml at the directory that holds only the spec files")]
        base = Path(dirpath)
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in SPEC_SUFFIXES:
                continue
            p = base / name
            if not p.is_file():
                where = display_path(p, root)
                diags.append(warning("GTM019", f"{where} is not a regular file; skipped", SourceRange(where, 1, 1)))
                continue
            files.append(p)
        for d in dirnames:
            p = base / d
            if p.is_symlink() and p.resolve().is_dir():
                where = display_path(p, root)
                diags.append(warning("GTM019", f"{where} is a link to a directory; gtm does not follow it",
                                     SourceRange(where, 1, 1)))
    files.sort()
    if len(files) > MAX_SPEC_FILES:
        where = display_path(spec_dir, root)
        diags.append(error("GTM017", f"{where} holds {len(files):,} spec files; the limit is {MAX_SPEC_FILES:,}, "
                                     "and gtm never plans from part of a spec tree", SourceRange(where, 1, 1),
                           hint="merge small specs into fewer files"))
    return files, diags


def load_specs(spec_dir: Path, root: Path) -> tuple[SpecSet, list[str], list[Diagnostic]]:
    ss = SpecSet()
    diags: list[Diagnostic] = []
    disp_dir = display_path(spec_dir, root)
    if spec_dir.exists() and not spec_dir.is_dir():
        return ss, [], [error("GTM014", f"spec directory {disp_dir} is not a directory",
                              SourceRange(disp_dir, 1, 1), hint="set `specs:` in gtm.yaml to the directory of specs")]
    if not spec_dir.is_dir():
        return ss, [], [error("GTM014", f"spec directory {disp_dir} does not exist",
                              SourceRange(disp_dir, 1, 1), hint="create it or set `specs:` in gtm.yaml")]
    files, diags = find_spec_files(spec_dir, root)
    if any(d.code == "GTM017" for d in diags):
        return ss, [], diags
    if not files:
        return ss, [], [*diags, error("GTM014", f"no .yaml files under {disp_dir}", SourceRange(disp_dir, 1, 1))]
    shown: list[str] = []
    for f in files:
        disp = display_path(f, root)
        shown.append(disp)
        res = load_file(f, disp)
        diags.extend(res.diagnostics)
        if any(d.is_error for d in res.diagnostics):
            try:
                ss.reject_text(f.read_text(encoding="utf-8", errors="replace")[:1_000_000])
            except OSError:
                ss.unreadable.add("*")
        for doc in res.documents:
            spec, pd = parse_document(doc)
            diags.extend(pd)
            if spec is None:
                ss.reject(doc.data)
                continue
            ss.specs.append(spec)
    for spec in ss.specs:
        for path, raw in condition_paths(spec):
            cond, cd = parse_condition(raw, spec.doc, path)
            diags.extend(cd)
            if cond is not None:
                ss.conditions[(spec.doc.file, spec.doc.index, path)] = cond
    return ss, shown, diags


def load_project(root: Path, spec_dir: Path | None = None, check: bool = True) -> Project:
    """Load and check a workspace rooted at ``root``."""
    diags = Diagnostics()
    ws, wdoc, wd = load_workspace(root)
    diags.extend(wd)
    if spec_dir is None:
        spec_dir = root / (ws.specs if ws is not None else "specs")
    ss, files, sd = load_specs(spec_dir, root)
    if ws is not None:
        ss.prefix = ws.ownership.prefix
    diags.extend(sd)
    if check and not any(d.is_error for d in sd):
        diags.extend(run_checks(ss))
    elif check:
        # still run cross-file checks on what parsed, so one run shows as much as possible
        diags.extend(run_checks(ss))
    if check and (ws is not None or not wd):
        own = (ws.ownership.prefix if ws is not None else "gtm") + "_"
        diags.extend(check_conditions(ss, all_extras(ws), own))
    return Project(root, ws, wdoc, ss, diags, files)
