"""Reliability probes on the local provider: unbounded inputs, catastrophic patterns, tampered
saved plans.  Each probe once hung, raised a traceback or was accepted; data-driven so that a new
probe is one more row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, Run, gtm


def _subprocess(ws: Path, *args: str, limit: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    t = time.monotonic()
    r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", *args], cwd=ws,
                       env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=limit)
    return r, time.monotonic() - t


# -- patterns --------------------------------------------------------------------------------------
def test_catastrophic_utm_pattern_runs_in_linear_time(example_ws: Path) -> None:
    p = example_ws / "specs" / "utm.yaml"
    p.write_text(p.read_text().replace(r"'^fy\d{2}-q[1-4]-[a-z0-9-]+$'", "'^(a+)+$'"))
    assert gtm("validate").exit_code == 0
    link = "https://x.example/?utm_source=google&utm_medium=cpc&utm_campaign=" + "a" * 5000 + "!"
    r, took = _subprocess(example_ws, "utm", "check", link)
    assert r.returncode == 1 and "does not match ^(a+)+$" in r.stdout
    assert took < 20, "Python's backtracking engine would take longer than the age of the universe"


# -- unbounded inputs ------------------------------------------------------------------------------
UNBOUNDED: list[tuple[str, list[str], str]] = [
    ("utm-file-dev-zero", ["utm", "check", "--file", "/dev/zero"], "error[GTM015]"),
    ("explain-dev-zero", ["explain", "@/dev/zero"], "error[GTM015]"),
    ("apply-dev-zero", ["apply", "/dev/zero"], "error[GTM015]"),
    ("show-dev-zero", ["show", "/dev/zero"], "error[GTM015]"),
]


@pytest.mark.parametrize(("name", "args", "want"), UNBOUNDED, ids=[u[0] for u in UNBOUNDED])
def test_endless_input_is_refused_fast(example_ws: Path, name: str, args: list[str], want: str) -> None:
    r, took = _subprocess(example_ws, *args)
    assert r.returncode == 1 and want in r.stderr, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert took < 20


@pytest.mark.parametrize("args", [["plan"], ["plan", "--format", "json"], ["validate", "--format", "json"],
                                  ["apply", "--auto-approve"]])
def test_output_that_cannot_be_written_is_one_error_line(example_ws: Path, args: list[str]) -> None:
    """stdout on a full disk (/dev/full) raised OSError out of click.echo: a traceback."""
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-c", "from gtm.cli import main; main()", *args], cwd=example_ws,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "could not write its output" in r.stderr and "No space left on device" in r.stderr


def test_workspace_file_that_is_a_device_is_refused(example_ws: Path) -> None:
    (example_ws / "gtm.yaml").unlink()
    (example_ws / "gtm.yaml").symlink_to("/dev/zero")
    r, took = _subprocess(example_ws, "validate")
    assert r.returncode == 1 and "error[GTM008]" in r.stderr and took < 20


@pytest.mark.parametrize("record", ['{"hs_analytics_num_page_views": 1e309}', '{"x": [-1e400]}'])
def test_record_with_a_number_too_large_is_refused(example_ws: Path, record: str) -> None:
    """`1e309` is no NaN literal, but Python reads it as Infinity: explain printed and compared it."""
    r = gtm("explain", record)
    assert r.exit_code == 1 and "too large" in r.stderr and "Infinity" not in r.output, r.output


def test_deeply_nested_record_is_a_diagnostic(example_ws: Path) -> None:
    (example_ws / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    r = gtm("explain", "@deep.json")
    assert r.exit_code == 1 and "GTM016" in r.stderr


# -- saved plans -----------------------------------------------------------------------------------
Tamper = Callable[[dict[str, Any]], Any]


def _set(key: str, value: Any) -> Tamper:
    def f(d: dict[str, Any]) -> dict[str, Any]:
        d[key] = value
        return d
    return f


def _drop_action(d: dict[str, Any]) -> dict[str, Any]:
    d["changes"][0].pop("action")
    return d


def _relabel(d: dict[str, Any]) -> dict[str, Any]:
    ch = next(c for c in d["changes"] if c["after"] and "label" in c["after"])
    ch["after"]["label"] = "not what the specs say"
    return d


SAVED_PLAN_PROBES: list[tuple[str, Tamper | str, str]] = [
    ("environment-list", _set("environment", ["local"]), "GTM610"),
    ("changes-ints", _set("changes", [1, 2, 3]), "GTM610"),
    ("changes-not-list", _set("changes", "all"), "GTM610"),
    ("change-without-action", _drop_action, "GTM610"),
    ("fingerprints-list", _set("live_fingerprints", [1]), "GTM610"),
    ("not-an-object", lambda d: [d], "GTM610"),
    ("deep-nesting", "[" * 100_000 + "]" * 100_000, "GTM610"),
    ("nan", lambda d: json.loads(json.dumps(d).replace('"summary": {', '"x": NaN, "summary": {', 1)), "GTM610"),
    ("binary", "\x00\x01\x02\xff", "GTM610"),
    ("number-too-large", lambda d: json.loads(json.dumps(d).replace('"summary": {', '"x": 1e999, "summary": {', 1)),
     "GTM610"),
    ("edited-content", _relabel, "GTM607"),
]


@pytest.mark.parametrize(("name", "tamper", "code"), SAVED_PLAN_PROBES, ids=[p[0] for p in SAVED_PLAN_PROBES])
def test_tampered_saved_plan_is_refused(example_ws: Path, name: str, tamper: Tamper | str, code: str) -> None:
    assert gtm("plan", "--out", "plan.json").exit_code == 0
    if isinstance(tamper, str):
        (example_ws / "plan.json").write_bytes(tamper.encode("utf-8", "surrogateescape"))
    else:
        data = json.loads((example_ws / "plan.json").read_text())
        (example_ws / "plan.json").write_text(json.dumps(tamper(data)))
    r = gtm("apply", "plan.json")
    assert r.exit_code == 1 and f"error[{code}]" in r.stderr, r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing was applied"
    # `gtm show` reads the same file: it renders it or refuses it (GTM610), never a traceback
    shown = gtm("show", "plan.json")  # gtm() fails the test on an uncaught exception
    assert shown.exit_code == 0 if code == "GTM607" else (shown.exit_code == 1 and "error[GTM610]" in shown.stderr)


SHOW_PROBES: list[tuple[str, Tamper]] = [
    ("after-not-an-object", lambda d: {**d, "changes": [{**d["changes"][0], "after": 5}]}),
    ("attributes-not-a-list", lambda d: {**d, "changes": [{**d["changes"][0], "attributes": 7}]}),
    ("source-not-an-object", lambda d: {**d, "changes": [{**d["changes"][0], "source": "x"}]}),
    ("impact-a-list", lambda d: {**d, "changes": [{**d["changes"][0], "impact": [1]}]}),
    ("diagnostics-ints", _set("diagnostics", [1, 2])),
]


@pytest.mark.parametrize("source", ["saved", "json-output"])
@pytest.mark.parametrize(("name", "tamper"), SHOW_PROBES, ids=[p[0] for p in SHOW_PROBES])
def test_show_refuses_a_plan_of_the_wrong_shape(example_ws: Path, name: str, tamper: Tamper, source: str) -> None:
    """`gtm show` renders a saved plan or `plan --format json` output without re-planning; a file of the
    wrong shape is GTM610 (these raised AttributeError or TypeError from the renderer)."""
    if source == "saved":
        assert gtm("plan", "--out", "plan.json").exit_code == 0
        data = json.loads((example_ws / "plan.json").read_text())
    else:
        data = json.loads(gtm("plan", "--format", "json").stdout)
    (example_ws / "plan.json").write_text(json.dumps(tamper(data)))
    r = gtm("show", "plan.json")
    assert r.exit_code == 1 and "error[GTM610]" in r.stderr, r.output
    assert r.stdout == "", "nothing half-rendered"


# -- silent loss of input --------------------------------------------------------------------------
def test_spec_files_past_the_cap_are_an_error_not_dropped(example_ws: Path) -> None:
    from compiler.project import MAX_SPEC_FILES

    assert gtm("apply", "--auto-approve").exit_code == 0
    have = len(list((example_ws / "specs").rglob("*.yaml")))
    extra = example_ws / "specs" / "zz-many"
    extra.mkdir()
    for i in range(MAX_SPEC_FILES):
        (extra / f"icp-{i:05d}.yaml").write_text(f"kind: ICP\nid: icp-{i:05d}\n")
    r = gtm("validate")
    assert r.exit_code == 1 and "error[GTM017]" in r.stderr and f"{MAX_SPEC_FILES + have:,} spec files" in r.stderr
    r = gtm("plan", "--format", "json")
    assert r.exit_code == 1 and "GTM017" in r.stdout
    assert gtm("apply", "--auto-approve", "--allow-destroy").exit_code == 1
    import shutil

    shutil.rmtree(extra)
    assert gtm("plan", "--detailed-exitcode").exit_code == 0, "nothing was destroyed"


def test_unreadable_spec_directory_is_reported(example_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, for whom every directory is readable; the OS refusal is reproduced at scandir."""
    sub = example_ws / "specs" / "private"
    sub.mkdir()
    (sub / "more.yaml").write_text("kind: ICP\nid: hidden\n")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == sub:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    r = gtm("validate")
    assert "error[GTM018]" in r.stderr and "specs/private" in r.stderr and r.exit_code == 1


def test_upper_case_suffix_is_loaded(example_ws: Path) -> None:
    (example_ws / "specs" / "EXTRA.YAML").write_text("kind: ICP\nid: extra\nunknown_key: 1\n")
    r = gtm("validate")
    assert r.exit_code == 1 and "specs/EXTRA.YAML:3:1: error[GTM101]" in r.stderr


def test_targeted_apply_needs_allow_destroy_to_delete(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    (example_ws / "specs" / "sequences.yaml").unlink()
    r = gtm("apply", "--auto-approve", "--target", "workflow.gtm-seq-vp-ops-nurture")
    assert r.exit_code == 1 and "GTM603" in r.stderr and "--target apply" in r.stderr
    assert gtm("plan", "--target", "workflow.gtm-seq-vp-ops-nurture", "--detailed-exitcode").exit_code == 2
    r = gtm("apply", "--auto-approve", "--allow-destroy", "--target", "workflow.gtm-seq-vp-ops-nurture")
    assert r.exit_code == 0, r.output


# -- local state -----------------------------------------------------------------------------------
def _db(ws: Path) -> Any:
    import sqlite3

    return sqlite3.connect(str(ws / ".gtm" / "local.db"), isolation_level=None)


def test_corrupt_local_database_is_a_diagnostic(example_ws: Path) -> None:
    (example_ws / ".gtm").mkdir()
    (example_ws / ".gtm" / "local.db").write_bytes(b"this is not a database" * 200)
    for args in (["plan"], ["apply", "--auto-approve"], ["unlock", "--yes"]):
        r = gtm(*args)
        assert r.exit_code == 1 and "GTM624" in r.output and "move the file aside" in r.output, r.output


def test_damaged_resource_row_is_a_diagnostic(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _db(example_ws).execute("UPDATE resources SET attributes='{not json' WHERE address LIKE 'workflow.%'")
    r = gtm("plan")
    assert r.exit_code == 1 and "error[GTM624]" in r.stderr


def test_malformed_lock_row_is_a_held_lock_that_unlock_clears(example_ws: Path) -> None:
    assert gtm("plan").exit_code == 0
    _db(example_ws).execute("INSERT INTO locks(name, holder) VALUES ('apply', '[not, an, object')")
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "error[GTM605]" in r.stderr
    assert gtm("unlock", "--yes").exit_code == 0
    assert gtm("apply", "--auto-approve").exit_code == 0


JOURNALS: list[tuple[str, bytes]] = [
    ("binary", bytes(range(256)) * 4),
    ("not-objects", b"1\n[]\n\"x\"\nnull\n"),
    ("bad-fields", b'{"event":"begin","entries":5}\n{"event":"mark","i":"0","status":3}\n{"event":"finish"}\n'),
    ("marks-out-of-range", b'{"event":"begin","entries":[{"address":"a"}]}\n{"event":"mark","i":99}\n'
                           b'{"event":"mark","i":true,"status":"done"}\n'),
    ("deep", b"[" * 100_000 + b"]" * 100_000 + b"\n"),
]


@pytest.mark.parametrize(("name", "content"), JOURNALS, ids=[j[0] for j in JOURNALS])
def test_damaged_journal_never_blocks_an_apply(example_ws: Path, name: str, content: bytes) -> None:
    journal = example_ws / ".gtm" / "journal" / "local.jsonl"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(content)
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0, r.output
    assert b'"event":"finish"' in journal.read_bytes(), "a fresh journal replaced the damaged one"


def test_unwritable_journal_stops_before_any_change(example_ws: Path) -> None:
    (example_ws / ".gtm").mkdir()
    (example_ws / ".gtm" / "journal").write_text("a file where the journal directory should be")
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1 and "error[GTM614]" in r.stderr and "nothing was applied" in r.stderr
    (example_ws / ".gtm" / "journal").unlink()
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing changed"


@pytest.mark.parametrize("kind", ["named-pipe", "device"])
def test_journal_that_is_not_a_regular_file_stops_before_any_change(example_ws: Path, kind: str) -> None:
    """A named pipe at the journal's path hung every apply (opening it waits for a writer); a link to
    /dev/zero was read up to the limit and written into.  Both are GTM614 before any change."""
    j = example_ws / ".gtm" / "journal" / "local.jsonl"
    j.parent.mkdir(parents=True)
    if kind == "named-pipe":
        os.mkfifo(j)
    else:
        j.symlink_to("/dev/zero")
    r, _ = _subprocess(example_ws, "apply", "--auto-approve")
    assert r.returncode == 1 and "error[GTM614]" in r.stderr and "not a regular file" in r.stderr, r.stderr
    assert "nothing was applied" in r.stderr and "Traceback" not in r.stderr
    j.unlink()
    assert gtm("plan", "--detailed-exitcode").exit_code == 2, "nothing changed"
    assert gtm("apply", "--auto-approve").exit_code == 0, "recovery: remove the file"


def test_spec_tree_walk_is_bounded(example_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`specs: /` walked the whole file system (GTM017 counted only spec files, found at the end)."""
    import compiler.project

    monkeypatch.setattr(compiler.project, "MAX_TREE_ENTRIES", 200)
    junk = example_ws / "specs" / "node_modules"
    junk.mkdir()
    for i in range(250):
        (junk / f"f{i}.js").write_text("")
    r = gtm("validate")
    assert r.exit_code == 1 and "error[GTM017]" in r.stderr and "more than 200 files and directories" in r.stderr
    assert gtm("plan").exit_code == 1


def test_spec_directory_that_is_a_file_says_so(example_ws: Path) -> None:
    (example_ws / "elsewhere").write_text("kind: ICP\nid: x\n")
    ws_file = example_ws / "gtm.yaml"
    ws_file.write_text(ws_file.read_text().replace("specs: specs", "specs: elsewhere"))
    r = gtm("validate")
    assert r.exit_code == 1 and "error[GTM014]" in r.stderr and "is not a directory" in r.stderr, r.stderr


# -- a locked or read-only local database: a diagnostic with the way out, then recovery ----------
def _hold_exclusive_lock(db: Path) -> subprocess.Popen[str]:
    """Another program (a real second process) holding the database locked, as a DB browser with an
    open write transaction does: in exclusive locking mode not even readers get in."""
    code = ("import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA locking_mode=EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
            "c.execute(\"UPDATE meta SET value=value WHERE key='schema_version'\")\n"
            "print('held', flush=True); sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_locked_local_database_is_a_diagnostic_then_recovers(example_ws: Path) -> None:
    ws_file = example_ws / "gtm.yaml"
    ws_file.write_text(ws_file.read_text().replace("path: .gtm/local.db}", "path: .gtm/local.db, lock_wait_s: 0.3}"))
    assert gtm("plan").exit_code == 0
    holder = _hold_exclusive_lock(example_ws / ".gtm" / "local.db")
    try:
        for args in (["plan"], ["apply", "--auto-approve"], ["unlock", "--yes"]):
            started = time.monotonic()
            r = gtm(*args)
            assert r.exit_code == 1 and "error[GTM624]" in r.stderr, (args, r.output)
            assert "another program holds it locked (gtm waited 0.3 s)" in r.stderr and "lock_wait_s" in r.stderr
            assert time.monotonic() - started < 20, "waited lock_wait_s, not SQLite's default"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert gtm("apply", "--auto-approve").exit_code == 0, "once the other program lets go, gtm works again"


def _read_only_runner(ws: Path) -> tuple[str, Callable[..., Run]]:
    """Run gtm against ``ws/.gtm`` made read-only by a real mechanism: file permissions for a normal
    user; as root (whom permissions do not stop) a read-only bind mount in a private mount namespace."""
    gtm_dir = ws / ".gtm"
    if os.geteuid() != 0:
        for p in gtm_dir.iterdir():
            p.chmod(0o444)
        gtm_dir.chmod(0o555)
        return "permissions", gtm
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            f"mount --bind -o ro '{gtm_dir}' '{gtm_dir}' && ! touch '{gtm_dir}/probe'"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root without a way to make a directory read-only: {probe.stderr.strip()}")

    def run(*args: str) -> Run:
        script = (f"mount --bind -o ro '{gtm_dir}' '{gtm_dir}' && exec \"$0\" -c "
                  "'from gtm.cli import main; main()' \"$@\"")
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, sys.executable, *args],
                           cwd=ws, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                           timeout=120)
        return Run(r.returncode, r.stdout, r.stderr)

    return "read-only mount", run


def test_read_only_local_database_is_a_diagnostic_then_recovers(example_ws: Path) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    (example_ws / "specs" / "slas.yaml").write_text(
        (example_ws / "specs" / "slas.yaml").read_text().replace("respond_within: 2h", "respond_within: 3h", 1))
    how, run = _read_only_runner(example_ws)
    try:
        for args in (["plan"], ["apply", "--auto-approve"]):
            r = run(*args)
            assert r.exit_code == 1 and "error[GTM624]" in r.stderr and "Traceback" not in r.stderr, (how, r.output)
            assert "read-only" in r.stderr and "make both writable" in r.stderr, (how, r.stderr)
            assert "move the file aside" not in r.stderr, "a read-only database is not a damaged one"
    finally:
        for p in [example_ws / ".gtm", *(example_ws / ".gtm").iterdir()]:
            p.chmod(0o755 if p.is_dir() else 0o644)
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 0 and "1 changed" in r.stdout, "writable again: the apply goes through"


def test_breaking_a_stale_lock_leaves_a_lock_taken_meanwhile(example_ws: Path) -> None:
    """``break_lock(holder_id)`` removes only the stale holder's lock: one re-taken in between stays."""
    from providers.local import LocalProvider

    assert gtm("plan").exit_code == 0
    p = LocalProvider(example_ws / ".gtm" / "local.db")
    p.acquire_lock({"id": "winner", "user": "rival"})
    assert p.break_lock("stale") is None
    assert gtm("apply", "--auto-approve").exit_code == 1, "the winner still holds the lock"
    broken = p.break_lock("winner")
    assert broken is not None and broken["id"] == "winner"
    p.close()
