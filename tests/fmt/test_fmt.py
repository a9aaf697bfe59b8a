"""``gtm fmt``: canonical layout, comments kept, idempotent, ``--check`` exit codes for CI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from compiler.fmt import WIDTH, dump_documents, format_text
from tests.conftest import REPO, gtm

SPEC_TREES = sorted({p.parent for p in REPO.glob("tests/**/specs/*.yaml")} | {REPO / "specs"})

MESSY = """\
# leading comment
id: leads   # the id
kind: ICP
personas:
- id: vp-ops
  titles: [vp operations, 'head of ops']
  role: economic_buyer
# a comment between keys
description:    Mid-market shippers
firmographics: {industries: [LOGISTICS_AND_SUPPLY_CHAIN, TRANSPORTATION_TRUCKING_RAILROAD, WAREHOUSING, RETAIL, \
AUTOMOTIVE, MACHINERY]}
"""


def _files(tree: Path) -> list[Path]:
    return sorted(tree.rglob("*.yaml"))


@pytest.mark.parametrize("tree", SPEC_TREES, ids=lambda p: str(p.relative_to(REPO)))
def test_idempotent_and_meaning_kept_on_every_spec_tree(tree: Path) -> None:
    from compiler.source import load_file

    for f in _files(tree):
        if load_file(f, str(f)).diagnostics:  # deliberately broken fixtures: refused, as validate does
            assert "invalid" in str(f), f
            continue
        src = f.read_text()
        once = format_text(src)
        assert once.error is None, (f, once.error)
        twice = format_text(once.text)
        assert twice.error is None and not twice.changed, f"fmt is not idempotent on {f}"
        assert list(yaml.safe_load_all(once.text)) == list(yaml.safe_load_all(src)), f
        if "invalid" not in str(f):  # (a 60-level condition cannot fit 120 columns)
            assert all(len(line) <= WIDTH for line in once.text.splitlines()), f


def test_example_specs_are_already_canonical() -> None:
    for f in _files(REPO / "specs"):
        assert not format_text(f.read_text()).changed, f"{f} is not in the canonical layout"


def test_messy_file_is_made_canonical_with_every_comment_kept() -> None:
    res = format_text(MESSY)
    assert res.changed and res.error is None
    out = res.text
    lines = out.splitlines()
    assert lines[0] == "# leading comment"
    assert lines[1] == "kind: ICP"                      # kind first, then the schema's order
    assert lines[2].startswith("id: leads") and lines[2].endswith("# the id")
    assert out.index("description:") < out.index("firmographics:") < out.index("personas:")
    assert "  - id: vp-ops\n    role: economic_buyer\n    titles: [vp operations, 'head of ops']" in out
    assert "    titles: [vp operations, 'head of ops']\n# a comment between keys\ndescription" not in out
    assert out.index("# a comment between keys") > out.index("titles:")  # stays after the block it followed
    assert "description: Mid-market shippers" in out    # stray padding removed
    wrapped = next(ln for ln in lines if "firmographics" in ln)
    assert len(wrapped) <= WIDTH
    assert yaml.safe_load(out) == yaml.safe_load(MESSY)
    again = format_text(out)
    assert again.error is None and again.changed is False


def test_long_flow_collection_wraps_aligned_after_the_bracket() -> None:
    src = "kind: X\nwhen: {all: [" + ", ".join(f"{{property: p{i}, gte: {i}}}" for i in range(12)) + "]}\n"
    out = format_text(src).text
    lines = out.splitlines()
    assert len(lines) > 2 and all(len(ln) <= WIDTH for ln in lines)
    col = lines[1].index("[") + 1
    assert all(ln.startswith(" " * col + "{") for ln in lines[2:])
    assert yaml.safe_load(out) == yaml.safe_load(src)


def test_hand_aligned_values_and_flow_wrapping_are_kept() -> None:
    src = ("kind: UTMConvention\nparams:\n  utm_source:   {allowed: [google]}\n"
           "  utm_campaign: {pattern: '^fy'}\nstages:\n  - {id: a, label: A,\n     entry: [x]}\n")
    assert not format_text(src).changed


def test_yaml_error_is_refused_with_a_position() -> None:
    res = format_text("kind: X\nbad: [1, 2\n")
    assert res.error and not res.changed and res.line >= 2


def test_dump_documents_uses_flow_for_short_leaves_and_block_otherwise() -> None:
    text = dump_documents([{"kind": "Properties", "object": "contacts",
                            "properties": [{"name": "region", "label": "Region: EMEA", "type": "enumeration",
                                            "options": [{"value": "emea", "label": "EMEA"}]}]}], header="imported")
    assert text.startswith("# imported\nkind: Properties\n")
    assert "  - name: region\n" in text and "      - {value: emea, label: EMEA}\n" in text
    assert yaml.safe_load(text.split("\n", 1)[1])["properties"][0]["label"] == "Region: EMEA"
    again = format_text(text)
    assert again.error is None and not again.changed


def test_cli_check_write_and_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "specs", ws / "specs")
    shutil.copy(REPO / "gtm.yaml", ws / "gtm.yaml")
    monkeypatch.chdir(ws)
    assert gtm("fmt", "--check").exit_code == 0
    (ws / "specs" / "messy.yaml").write_text(MESSY)
    r = gtm("fmt", "--check")
    assert r.exit_code == 1 and "would reformat specs/messy.yaml" in r.stdout
    assert (ws / "specs" / "messy.yaml").read_text() == MESSY          # --check writes nothing
    r = gtm("fmt", "--diff")
    assert r.exit_code == 0 and "+kind: ICP" in r.stdout and (ws / "specs" / "messy.yaml").read_text() == MESSY
    r = gtm("fmt")
    assert r.exit_code == 0 and "formatted specs/messy.yaml" in r.stdout
    assert (ws / "specs" / "messy.yaml").read_text() == format_text(MESSY).text
    assert gtm("fmt", "--check").exit_code == 0
    (ws / "specs" / "broken.yaml").write_text("kind: X\nbad: [1, 2\n")
    r = gtm("fmt", "--check", "specs/broken.yaml")
    assert r.exit_code == 1 and "GTM001" in r.stderr and "specs/broken.yaml:" in r.stderr


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    from gtm.commands import REGISTRY

    assert {h["id"] for h in hooks} >= {"gtm-fmt", "gtm-validate"}
    for h in hooks:
        assert h["entry"].split()[1] in REGISTRY
