"""`gtm --version`/`--help` import almost nothing, and the lazy registry tells the truth."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gtm.commands import REGISTRY, load_command


def test_version_and_help_import_no_compiler_or_provider() -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from gtm.cli import cli\n"
        "r = CliRunner().invoke(cli, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'compiler', 'providers', 'deepdiff', 'pydantic',"
        " 'hubspot'} or m.startswith('gtm.commands.'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_registry_help_is_the_commands_own_first_line(name: str) -> None:
    cmd = load_command(name)
    assert cmd.name == name
    assert REGISTRY[name].help == (cmd.help or "").strip().splitlines()[0]
