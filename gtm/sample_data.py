"""Deterministic synthetic CRM records for the local provider and the emulator (``gtm sample-data``).

The distributions are shaped like a mid-market B2B portal: most companies sit outside the ICP,
firm sizes are log-normal, page views and conversions are skewed (most contacts did little),
a few percent unsubscribed, deal amounts log-normal and stages weighted towards the early ones.
The same ``seed`` gives the same records, so counts in tests and docs are reproducible.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

INDUSTRIES: tuple[tuple[str, float], ...] = (
    ("LOGISTICS_AND_SUPPLY_CHAIN", 0.18), ("TRANSPORTATION_TRUCKING_RAILROAD", 0.12), ("WAREHOUSING", 0.08),
    ("RETAIL", 0.14), ("COMPUTER_SOFTWARE", 0.16), ("MACHINERY", 0.10), ("FOOD_BEVERAGES", 0.08),
    ("AUTOMOTIVE", 0.06), ("BANKING", 0.04), ("HOSPITAL_HEALTH_CARE", 0.04))
COUNTRIES: tuple[tuple[str, float], ...] = (
    ("US", 0.34), ("IN", 0.18), ("GB", 0.14), ("AE", 0.08), ("DE", 0.12), ("FR", 0.06), ("BR", 0.04),
    ("SG", 0.04))
TITLES: tuple[tuple[str, float], ...] = (
    ("VP Operations", 0.06), ("Head of Operations", 0.04), ("COO", 0.03), ("Logistics Manager", 0.09),
    ("Transport Manager", 0.05), ("IT Director", 0.05), ("Head of IT", 0.03), ("CIO", 0.02),
    ("Procurement Manager", 0.08), ("Marketing Manager", 0.10), ("Software Engineer", 0.12),
    ("Finance Director", 0.06), ("Sales Representative", 0.10), ("Office Manager", 0.07), ("Intern", 0.10))
TECH: tuple[tuple[str, float], ...] = (("sap", 0.22), ("oracle-tms", 0.10), ("", 0.68))
CONVERSIONS: tuple[tuple[str, float], ...] = (
    ("", 0.55), ("Ebook download", 0.16), ("Webinar registration", 0.12), ("Newsletter signup", 0.09),
    ("Demo request", 0.06), ("Pricing demo call", 0.02))
LIFECYCLE: tuple[tuple[str, float], ...] = (
    ("subscriber", 0.30), ("lead", 0.45), ("marketingqualifiedlead", 0.10), ("salesqualifiedlead", 0.06),
    ("opportunity", 0.05), ("customer", 0.04))
EMPLOYEE_BANDS: tuple[tuple[int, str], ...] = (
    (5, "1-5"), (25, "5-25"), (50, "25-50"), (100, "50-100"), (500, "100-500"), (1000, "500-1000"))


@dataclass(frozen=True)
class Stage:
    """A deal stage records may sit in: its id, pipeline and whether it is closed."""

    id: str
    pipeline: str
    closed: bool


def _pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table], k=1)[0]


def employee_band(n: int) -> str:
    for top, band in EMPLOYEE_BANDS:
        if n <= top:
            return band
    return "1000+"


def companies(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(f"companies-{seed}")
    out = []
    for i in range(1, n + 1):
        size = max(2, min(200_000, int(math.exp(rng.gauss(math.log(250), 1.3)))))
        rec: dict[str, Any] = {"name": f"Sample Co {i}", "domain": f"sample{i}.example",
                               "industry": _pick(rng, INDUSTRIES), "numberofemployees": str(size),
                               "country": _pick(rng, COUNTRIES)}
        tech = _pick(rng, TECH)
        if tech:
            rec["web_technologies"] = tech
        out.append(rec)
    return out


def contacts(n: int, company_list: list[dict[str, Any]], seed: int = 7) -> list[dict[str, Any]]:
    """Contacts, each working at one of ``company_list`` (industry, country and size copied from it)."""
    rng = random.Random(f"contacts-{seed}")
    out = []
    for i in range(1, n + 1):
        co = company_list[rng.randrange(len(company_list))] if company_list else {}
        views = int(rng.expovariate(1 / 2.5))
        conversion = _pick(rng, CONVERSIONS)
        rec: dict[str, Any] = {
            "email": f"person{i}@{co.get('domain', 'example.com')}", "firstname": f"Sample{i}",
            "jobtitle": _pick(rng, TITLES), "industry": co.get("industry", ""), "country": co.get("country", ""),
            "numemployees": employee_band(int(co.get("numberofemployees") or 10)),
            "hs_analytics_num_page_views": str(views),
            "num_conversion_events": str((1 if conversion else 0) + (int(rng.expovariate(1.5)) if conversion else 0)),
            "hs_email_optout": "true" if rng.random() < 0.04 else "false",
            "lifecyclestage": _pick(rng, LIFECYCLE),
        }
        if conversion:
            rec["recent_conversion_event_name"] = conversion
        out.append(rec)
    return out


def deals(n: int, stages: list[Stage], seed: int = 7) -> list[dict[str, Any]]:
    """Deals spread over ``stages`` (early stages weighted more), log-normal amounts."""
    rng = random.Random(f"deals-{seed}")
    if not stages:
        return []
    weights = [1.0 / (1 + i) for i in range(len(stages))]
    out = []
    for i in range(1, n + 1):
        st = rng.choices(stages, weights=weights, k=1)[0]
        amount = round(math.exp(rng.gauss(math.log(25_000), 1.0)), -2)
        out.append({"dealname": f"Sample deal {i}", "amount": str(int(amount)), "pipeline": st.pipeline,
                    "dealstage": st.id, "hs_is_closed": "true" if st.closed else "false",
                    "num_associated_contacts": str(min(6, int(rng.expovariate(0.8))))})
    return out
