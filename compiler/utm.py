"""Checking and building links against the UTMConvention (``gtm utm check`` / ``gtm utm build``)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from compiler import safe_regex
from compiler.models.utm import UTM_PARAMS, UTMConvention


@dataclass(frozen=True)
class UtmProblem:
    param: str
    message: str


def check_params(conv: UTMConvention, params: dict[str, str]) -> list[UtmProblem]:
    """Problems with one link's UTM parameters (empty when the link follows the convention)."""
    out: list[UtmProblem] = []
    for p in params:
        if p.startswith("utm_") and p not in UTM_PARAMS:
            out.append(UtmProblem(p, f"{p} is not a UTM parameter ({', '.join(UTM_PARAMS)})"))
    for p, rule in conv.params.items():
        v = params.get(p)
        if v is None or v == "":
            if rule.required:
                out.append(UtmProblem(p, f"{p} is required"))
            continue
        if conv.case == "lower" and v != v.lower():
            out.append(UtmProblem(p, f'{p}="{v}" must be lower case'))
        if rule.allowed is not None and v not in rule.allowed:
            out.append(UtmProblem(p, f'{p}="{v}" is not allowed (allowed: {", ".join(rule.allowed)})'))
        if rule.pattern is not None and not safe_regex.search(rule.pattern, v):
            out.append(UtmProblem(p, f'{p}="{v}" does not match {rule.pattern}'))
    for p, values in conv.required_for.items():
        if params.get(p) in values:
            for q in conv.params:
                if not params.get(q):
                    out.append(UtmProblem(q, f"{q} is required when {p} is {params[p]}"))
    return out


def check_url(conv: UTMConvention, url: str) -> list[UtmProblem]:
    query = urlsplit(url).query
    return check_params(conv, dict(parse_qsl(query, keep_blank_values=True)))


def build_url(base: str, params: dict[str, str]) -> str:
    """``base`` with the UTM parameters set (existing query parameters kept, UTM ones replaced)."""
    parts = urlsplit(base)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    utm = [(k, params[k]) for k in UTM_PARAMS if params.get(k)]
    return urlunsplit(parts._replace(query=urlencode(kept + utm)))
