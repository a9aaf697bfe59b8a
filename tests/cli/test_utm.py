"""`gtm utm check` and `gtm utm build` against the example UTMConvention."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import gtm

GOOD = "https://northwind.example/demo?utm_source=google&utm_medium=cpc&utm_campaign=fy26-q1-detention"


def test_check_good_and_bad_links(example_ws: Path) -> None:
    r = gtm("utm", "check", GOOD)
    assert r.exit_code == 0 and r.stdout.startswith("✓ ")
    r = gtm("utm", "check", GOOD, "https://x.example/?utm_source=Google&utm_medium=cpc&utm_campaign=spring",
            "https://x.example/?utm_medium=paid-social")
    assert r.exit_code == 1
    out = r.stdout
    assert 'utm_source="Google" must be lower case' in out
    assert 'utm_source="Google" is not allowed' in out
    assert 'utm_campaign="spring" does not match' in out
    assert "utm_source is required when utm_medium is paid-social" in out
    assert "1 of 3 link(s) follow the UTM convention." in out


def test_check_from_a_file(example_ws: Path) -> None:
    (example_ws / "links.txt").write_text(f"# campaign links\n{GOOD}\n")
    assert gtm("utm", "check", "--file", "links.txt").exit_code == 0


def test_build(example_ws: Path) -> None:
    r = gtm("utm", "build", "https://northwind.example/demo?ref=1", "--source", "linkedin", "--medium",
            "paid-social", "--campaign", "fy26-q2-peak")
    assert r.exit_code == 0
    assert r.stdout.strip() == ("https://northwind.example/demo?ref=1&utm_source=linkedin&utm_medium=paid-social"
                                "&utm_campaign=fy26-q2-peak")
    r = gtm("utm", "build", "https://x.example", "--source", "tiktok", "--medium", "cpc", "--campaign", "fy26-q2-a")
    assert r.exit_code == 1 and 'utm_source="tiktok" is not allowed' in r.stderr
