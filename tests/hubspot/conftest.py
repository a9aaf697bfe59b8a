"""Fixtures for end-to-end tests of the HubSpot provider against the emulator on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.hubspot.emulator.server import EmulatorServer
from tests.conftest import REPO

TOKEN = "pat-na1-e2e-0000-secret-token-value"
TOKEN_ENV = "GTM_E2E_TOKEN"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(token=TOKEN, seed=True) as emu:
        yield emu


#: the example and test trees' names mapped to the emulator's seeded directory
#: (providers/hubspot/emulator/directory.py: owners 101-103, users 9001-9003, teams 301/302, emails 7001-7012)
EMULATOR_MAPPINGS = """\
    mappings:
      emails: {detention-benchmark: 7001, peer-story: 7002, pilot-offer: 7003, carrier-scorecard: 7004,
               dispatch-teardown: 7005, pilot-invite: 7006, integration-guide: 7007, security-pack: 7008,
               benchmark: 7009, checklist: 7010, follow-up: 7011}
      owners: {sales: 101, sdr: 102}
      users: {owner_manager: 9003}
      teams: {team: 301}
"""


def write_workspace(ws: Path, base_url: str, protected: bool = False, specs: Path | None = None,
                    mappings: str = EMULATOR_MAPPINGS) -> None:
    ws.mkdir(parents=True, exist_ok=True)
    prot = "\n    protected: true" if protected else ""
    (ws / "gtm.yaml").write_text(
        "version: 1\nname: e2e\nenvironments:\n"
        f"  emu:\n    provider: hubspot\n    token_env: {TOKEN_ENV}\n    base_url: '{base_url}'{prot}\n"
        f"{mappings}"
        "  local: {provider: local}\n"
        "default_environment: emu\n")
    if not (ws / "specs").exists():
        shutil.copytree(specs or REPO / "specs", ws / "specs")


@pytest.fixture
def hs_ws(tmp_path: Path, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The example specs in a workspace whose default environment is the emulator."""
    ws = tmp_path / "ws"
    write_workspace(ws, emulator.base_url)
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.chdir(ws)
    yield ws


def client(emu: EmulatorServer):  # type: ignore[no-untyped-def]
    from hubspot import HubSpot

    return HubSpot(access_token=TOKEN, host=emu.base_url, base_url=emu.base_url)
