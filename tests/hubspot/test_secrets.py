"""Tokens never appear in output, plan files, journals or diagnostics; auth failures are one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import gtm
from tests.hubspot.conftest import TOKEN, TOKEN_ENV

WRONG = "pat-na1-WRONG-5ecret-d0-not-print"
FORMATS = ("text", "json", "markdown", "github")


def _fragments(secret: str) -> list[str]:
    """The secret and any 8-character piece of it."""
    return [secret] + [secret[i:i + 8] for i in range(0, len(secret) - 8, 4)]


def _assert_clean(text: str, secret: str) -> None:
    for frag in _fragments(secret):
        assert frag not in text, f"secret fragment {frag!r} leaked"


def test_wrong_token_is_one_clear_line_and_never_printed(hs_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, WRONG)
    for fmt in FORMATS:
        r = gtm("plan", "--format", fmt, "--out", "plan.json")
        assert r.exit_code == 1
        _assert_clean(r.output, WRONG)
        assert f"${TOKEN_ENV}" in r.output and "401" in r.output
    r = gtm("plan")
    lines = [ln for ln in r.stderr.splitlines() if "GTM606" in ln]
    assert len(lines) == 1 and 'environment "emu"' in lines[0] and "INVALID_AUTHENTICATION" in lines[0]
    r = gtm("apply", "--auto-approve")
    assert r.exit_code == 1
    _assert_clean(r.output, WRONG)
    assert not (hs_ws / "plan.json").exists()
    for f in (hs_ws / ".gtm").rglob("*") if (hs_ws / ".gtm").exists() else []:
        if f.is_file():
            _assert_clean(f.read_text(errors="replace"), WRONG)


def test_right_token_never_reaches_files_or_output(hs_ws: Path) -> None:
    outputs = [gtm("plan", "--format", fmt).output for fmt in FORMATS]
    outputs.append(gtm("plan", "--out", "plan.json").output)
    outputs.append(gtm("apply", "plan.json").output)
    outputs.append(gtm("gate", "--phase", "4", "-e", "emu").output)
    for out in outputs:
        _assert_clean(out, TOKEN)
    _assert_clean((hs_ws / "plan.json").read_text(), TOKEN)
    for f in (hs_ws / ".gtm").rglob("*"):
        if f.is_file():
            _assert_clean(f.read_text(errors="replace"), TOKEN)


def test_missing_token_variable_names_it(hs_ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    r = gtm("plan")
    assert r.exit_code == 1
    assert f"environment variable {TOKEN_ENV} is not set" in r.stderr and "error[GTM606]" in r.stderr
    assert "Traceback" not in r.output


def test_missing_scopes_are_listed(hs_ws: Path, emulator: EmulatorServer) -> None:
    emulator.configure(granted_scopes=["crm.schemas.contacts.read", "crm.schemas.companies.read",
                                       "crm.schemas.deals.read", "crm.objects.deals.read", "crm.lists.read",
                                       "tickets"])
    r = gtm("plan")
    assert r.exit_code == 1
    assert "403" in r.stderr and "automation" in r.stderr and f"${TOKEN_ENV}" in r.stderr
    _assert_clean(r.output, TOKEN)
