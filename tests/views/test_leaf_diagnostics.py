"""Diagnostics at the leaf, once per defect, with did-you-mean; no follow-on errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import gtm


def _errors(r_stdout: str) -> list[dict[str, object]]:
    return [d for d in json.loads(r_stdout)["diagnostics"] if d["severity"] == "error"]


def _sub(ws: Path, file: str, old: str, new: str, count: int = 1) -> None:
    p = ws / "specs" / file
    text = p.read_text()
    assert old in text, (file, old)
    p.write_text(text.replace(old, new, count))


def test_unknown_property_in_the_fifth_rule_is_reported_at_its_property(example_ws: Path) -> None:
    _sub(example_ws, "scoring.yaml", "hs_email_optout", "hs_email_optot")
    r = gtm("plan")
    assert r.exit_code == 1
    # the offline check (before any environment is read) finds it, at the same leaf
    assert ('specs/scoring.yaml:10:54: error[GTM307]: contacts property "hs_email_optot" is not in a fresh '
            "HubSpot portal") in r.stderr
    assert 'did you mean "hs_email_optout"?' in r.stderr
    assert r.stderr.count("error[") == 1


def test_unknown_icp_industry_is_one_diagnostic_at_the_value(example_ws: Path) -> None:
    _sub(example_ws, "icp.yaml", "WAREHOUSING", "WAREHOUSNG")
    r = gtm("plan", "--format", "json")
    errors = _errors(r.stdout)
    assert len(errors) == 1, errors
    e = errors[0]
    assert e["code"] == "GTM412" and e["range"]["file"] == "specs/icp.yaml"  # type: ignore[index]
    assert (e["range"]["line"], e["range"]["col"]) == (6, 78)  # type: ignore[index]
    assert 'did you mean "WAREHOUSING"?' in str(e["hint"])


def test_unknown_option_in_a_condition_list_points_at_the_value(example_ws: Path) -> None:
    _sub(example_ws, "sequences.yaml", "salesqualifiedlead", "salesqualifiedlaed")
    r = gtm("plan", "--format", "json")
    errors = _errors(r.stdout)
    assert [e["code"] for e in errors] == ["GTM412"]
    text = (example_ws / "specs" / "sequences.yaml").read_text().splitlines()
    rng = errors[0]["range"]
    line = text[rng["line"] - 1]  # type: ignore[index]
    assert line[rng["col"] - 1:].startswith("salesqualifiedlaed")  # type: ignore[index]
    assert 'did you mean "salesqualifiedlead"' in str(errors[0]["hint"])


def test_unknown_property_in_exit_when_is_at_the_leaf(example_ws: Path) -> None:
    _sub(example_ws, "sequences.yaml", "hs_sales_email_last_replied", "hs_sales_email_last_repled")
    r = gtm("plan", "--format", "json")
    errors = _errors(r.stdout)
    assert errors and all(e["code"] == "GTM307" for e in errors)
    text = (example_ws / "specs" / "sequences.yaml").read_text().splitlines()
    for e in errors:
        rng = e["range"]
        assert text[rng["line"] - 1][rng["col"] - 1:].startswith("hs_sales_email_last_repled")  # type: ignore[index]
    assert len(errors) == 1  # used in two sequences' exit_when: one defect, one diagnostic


def test_a_tab_in_slas_gives_one_error(example_ws: Path) -> None:
    p = example_ws / "specs" / "slas.yaml"
    p.write_text(p.read_text().replace("\nowner:", "\n\towner:", 1))
    r = gtm("validate", "--format", "json")
    assert [e["code"] for e in _errors(r.stdout)] == ["GTM003"]


def test_an_indentation_error_in_pipeline_gives_one_error(example_ws: Path) -> None:
    _sub(example_ws, "pipeline.yaml", "\nstages:", "\n stages:")
    r = gtm("validate", "--format", "json")
    errors = _errors(r.stdout)
    assert len(errors) == 1 and errors[0]["range"]["file"] == "specs/pipeline.yaml", errors  # type: ignore[index]


def test_kind_in_the_wrong_case_gives_one_error_with_did_you_mean(example_ws: Path) -> None:
    _sub(example_ws, "icp.yaml", "kind: ICP", "kind: Icp")
    r = gtm("validate", "--format", "json")
    errors = _errors(r.stdout)
    assert [e["code"] for e in errors] == ["GTM012"], errors
    assert errors[0]["hint"] == 'did you mean "ICP"?'


def test_an_unreadable_file_without_a_kind_suppresses_every_reference(example_ws: Path) -> None:
    (example_ws / "specs" / "slas.yaml").write_text("\x00\x01 not yaml: [\n")
    r = gtm("validate", "--format", "json")
    errors = _errors(r.stdout)
    assert len(errors) == 1 and errors[0]["range"]["file"] == "specs/slas.yaml", errors  # type: ignore[index]


def test_a_condition_hubspot_cannot_express_is_reported_at_the_exit_when_leaf(tmp_path: Path,
                                                                              monkeypatch: object) -> None:
    from providers.hubspot.emulator.server import EmulatorServer
    from tests.hubspot.conftest import TOKEN, TOKEN_ENV, write_workspace

    with EmulatorServer(token=TOKEN, seed=True) as emu:
        ws = tmp_path / "ws"
        write_workspace(ws, emu.base_url)
        _sub(ws, "sequences.yaml", "{property: lifecyclestage, in: [salesqualifiedlead, opportunity]}",
             "{property: hs_sales_email_last_replied, gt: 5}")
        monkeypatch.setenv(TOKEN_ENV, TOKEN)  # type: ignore[attr-defined]
        monkeypatch.chdir(ws)  # type: ignore[attr-defined]
        r = gtm("plan", "--format", "json")
    errors = [e for e in _errors(r.stdout) if e["code"] == "GTM501"]
    assert len(errors) == 1, r.stdout
    rng = errors[0]["range"]
    text = (ws / "specs" / "sequences.yaml").read_text().splitlines()
    line = text[rng["line"] - 1]  # type: ignore[index]
    assert "exit_when" in "\n".join(text[max(0, rng["line"] - 3):rng["line"]])  # type: ignore[index]
    assert line[rng["col"] - 1:].startswith("5}")  # type: ignore[index]


def test_unknown_tier_or_band_in_a_list_is_at_the_value(example_ws: Path) -> None:
    """A tier id in a `{tier: [...]}` list and a band in an `in:` list on gtm_lead_band: at the
    id itself (not the whole list), once, with the did-you-mean."""
    _sub(example_ws, "sequences.yaml", "{tier: [tier-2, tier-3]}", "{tier: [tier-2, tier-4]}")
    _sub(example_ws, "slas.yaml", "{property: gtm_lead_band, eq: warm}",
         "{property: gtm_lead_band, in: [warm, hott]}")
    r = gtm("validate", "--format", "json")
    errors = _errors(r.stdout)
    assert [e["code"] for e in errors] == ["GTM303", "GTM306"], errors
    for e, file, token, guess in ((errors[0], "sequences.yaml", "tier-4", "tier-3"),
                                  (errors[1], "slas.yaml", "hott", "hot")):
        rng = e["range"]
        line = (example_ws / "specs" / file).read_text().splitlines()[rng["line"] - 1]  # type: ignore[index]
        assert line[rng["col"] - 1:rng["end_col"] - 1] == token, (line, rng)  # type: ignore[index]
        assert f'did you mean "{guess}"' in " ".join(e["notes"]), e  # type: ignore[arg-type]
