"""`gtm show`, `-C`, workspace discovery, colour switches, `apply --format json`, errors last, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, gtm

FORMATS = ("text", "markdown", "json", "github")


def _edit(ws: Path) -> None:
    p = ws / "specs" / "scoring.yaml"
    p.write_text(p.read_text().replace("points: 15", "points: 25"))
    q = ws / "specs" / "pipeline.yaml"
    q.write_text(q.read_text().replace("max_days: 14", "max_days: 10"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_prints_exactly_what_plan_printed(example_ws: Path, fmt: str) -> None:
    assert gtm("apply", "--auto-approve").exit_code == 0
    _edit(example_ws)
    planned = gtm("plan", "--format", fmt, "--out", "saved.json")
    assert planned.exit_code == 0, planned.output
    shown = gtm("show", "saved.json", "--format", fmt)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout == planned.stdout
    assert "gtm_lead_score" in shown.stdout or fmt == "github"
    if fmt == "text":
        assert "Saved the plan to saved.json" in planned.stderr  # the note goes to stderr, not the plan
        assert "hs_v2_date_entered_current_stage older_than_days 10" in shown.stdout


def test_show_reads_a_json_plan_and_refuses_garbage(example_ws: Path) -> None:
    js = gtm("plan", "--format", "json")
    Path("plan.json").write_text(js.stdout)
    text = gtm("plan")
    assert gtm("show", "plan.json").stdout == text.stdout
    Path("junk.json").write_text("[1, 2]")
    r = gtm("show", "junk.json")
    assert r.exit_code == 1 and "error[GTM610]" in r.stderr and "is not a gtm plan" in r.stderr
    r = gtm("show", "missing.json")
    assert r.exit_code == 1 and "error[GTM610]" in r.stderr


def test_global_chdir_and_discovery_from_a_subdirectory(example_ws: Path, tmp_path: Path) -> None:
    os.chdir(example_ws / "specs")
    r = gtm("validate")
    assert r.exit_code == 0, r.output
    assert "gtm init" not in r.output
    assert gtm("plan", "--detailed-exitcode").exit_code == 2
    os.chdir(tmp_path)
    r = gtm("-C", str(example_ws / "specs"), "plan", "--detailed-exitcode")
    assert r.exit_code == 2, r.output
    assert "Plan: 29 to add" in r.stdout
    r = gtm("-C", str(tmp_path / "nope"), "validate")
    assert r.exit_code == 2 and "cannot change to" in r.stderr


def test_fmt_finds_the_workspace_from_a_subdirectory(example_ws: Path) -> None:
    os.chdir(example_ws / "specs")
    r = gtm("fmt", "--check")
    assert r.exit_code == 0, r.output
    assert "already canonical" in r.output and "GTM014" not in r.output
    p = example_ws / "specs" / "scoring.yaml"
    p.write_text(p.read_text().replace("object: contacts", "object:   contacts", 1))
    r = gtm("fmt", "--check")
    assert r.exit_code == 1 and "would reformat scoring.yaml" in r.output, r.output


def test_outside_any_workspace_one_diagnostic_says_so(tmp_path: Path) -> None:
    """No gtm.yaml here or above (and no specs/): one GTM201 in every format, no follow-on
    "spec directory does not exist"."""
    empty = tmp_path / "empty" / "sub"
    empty.mkdir(parents=True)
    os.chdir(empty)
    for cmd in ("validate", "plan"):
        r = gtm(cmd)
        assert r.exit_code == 1, r.output
        assert r.stderr.count("error[") == 1 and "GTM014" not in r.stderr, r.stderr
        assert "no gtm.yaml in . or any directory above it" in r.stderr
        assert "gtm init" in r.stderr
    data = json.loads(gtm("plan", "--format", "json").stdout)
    diags = data["diagnostics"] if isinstance(data, dict) else data
    assert [d["code"] for d in diags] == ["GTM201"], diags


def test_init_refuses_to_nest_a_workspace(example_ws: Path) -> None:
    r = gtm("init", "specs/inner")
    assert r.exit_code == 1 and "is inside the workspace" in r.stderr
    assert not (example_ws / "specs" / "inner" / "gtm.yaml").exists()


def test_errors_come_last_and_no_plan_body(example_ws: Path) -> None:
    p = example_ws / "specs" / "alerts.yaml"
    # a gtm-prefixed name passes the offline checks; only the plan knows gtm does not create it
    p.write_text(p.read_text().replace("num_associated_contacts", "gtm_num_asociated_contacts"))
    r = gtm("plan")
    assert r.exit_code == 1
    assert "will be created" not in r.stdout
    assert "The plan cannot be applied: 1 error" in r.stdout and "29 to add" in r.stdout
    assert r.stderr.rstrip().endswith("nothing can be applied.")
    assert r.stderr.index("GTM503") < r.stderr.index("num_asociated_contacts")  # warnings, then errors
    md = gtm("plan", "--format", "markdown")
    assert "```diff" not in md.stdout and "num_asociated_contacts" in md.stdout


def test_specs_that_do_not_load_give_a_markdown_comment_with_the_one_diagnostic(example_ws: Path) -> None:
    """`plan --format markdown` is a PR comment even when no plan can be made: the marker, the
    verdict and the diagnostic at its file:line:col with the did-you-mean (not an empty stdout)."""
    p = example_ws / "specs" / "icp.yaml"
    p.write_text(p.read_text().replace("kind: ICP", "kind: Icp", 1))
    md = gtm("plan", "--format", "markdown")
    assert md.exit_code == 1
    assert md.stdout.startswith("<!-- gtm-plan -->\n## gtm plan\n"), md.stdout
    assert "No plan: 1 error" in md.stdout
    bullets = [ln for ln in md.stdout.splitlines() if ln.startswith("- ")]
    assert len(bullets) == 1 and "`specs/icp.yaml:" in bullets[0] and "**GTM012**" in bullets[0], md.stdout
    assert 'did you mean "ICP"?' in md.stdout


def _colour_run(*args: str, env: dict[str, str] | None = None) -> str:
    """Run gtm with stdout on a pseudo-terminal; return what it printed."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", "from gtm.cli import main; main()", *args],
                            stdout=slave, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_and_off_by_flag_or_env(example_ws: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    os.environ.pop("NO_COLOR", None)
    assert "\x1b[32m+" in _colour_run("plan")
    assert "\x1b[" not in _colour_run("plan", "--no-color")
    assert "\x1b[" not in _colour_run("--no-color", "plan")
    assert "\x1b[" not in _colour_run("plan", env={"NO_COLOR": "1"})
    assert "\x1b[" not in gtm("plan").stdout  # not a terminal
    os.environ.update(env)


def test_apply_format_json_reports_each_change(example_ws: Path) -> None:
    r = gtm("apply", "--format", "json")
    assert r.exit_code == 1
    refused = json.loads(r.stdout)
    assert refused["status"] == "failed" and refused["diagnostics"][-1]["code"] == "GTM603"
    r = gtm("apply", "--format", "json", "--auto-approve")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["status"] == "applied" and report["summary"]["add"] == 29
    assert len(report["changes"]) == 29 and {c["status"] for c in report["changes"]} == {"done"}
    again = json.loads(gtm("apply", "--format", "json", "--auto-approve").stdout)
    assert again["status"] == "no-changes" and again["changes"] == []


def test_ctrl_c_during_apply_exits_130_and_the_journal_says_interrupted(tmp_path: Path) -> None:
    from providers.hubspot.emulator.server import EmulatorServer
    from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace

    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "ws"
        write_workspace(ws, emu.base_url)
        # slow answers keep the apply in flight for seconds, so the signal lands mid-apply
        # however slowly a loaded machine runs the test
        emu.configure(latency_ms=400)
        env = {**os.environ, TOKEN_ENV: TOKEN, "PYTHONPATH": str(REPO)}
        proc = subprocess.Popen([sys.executable, "-c", "from gtm.cli import main; main()", "apply",
                                 "--auto-approve"], cwd=ws, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        journal = ws / ".gtm" / "journal" / "emu.jsonl"
        deadline = time.monotonic() + 60
        while not journal.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert journal.exists(), "apply never started"
        # from here every answer takes 3 s: the apply cannot finish before the signal, however
        # loaded the machine (the 400 ms above only keep planning short)
        emu.configure(latency_ms=3000)
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        emu.configure(latency_ms=0)
    assert proc.returncode == 130, out + err
    assert "interrupted" in err and "Traceback" not in err
    events = [json.loads(line) for line in journal.read_text().splitlines()]
    finishes = [e for e in events if e["event"] == "finish"]
    # requests already in flight are not waited for; their marks may follow the finish record
    assert len(finishes) == 1 and finishes[0]["status"] == "interrupted", finishes
    assert all(e["event"] == "mark" for e in events[events.index(finishes[0]) + 1:])
