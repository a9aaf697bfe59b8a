"""Typed spec models, one module per kind, and the kind registry."""

from __future__ import annotations

from pydantic import BaseModel

from compiler.models.alert import AlertRule
from compiler.models.icp import ICP
from compiler.models.pipeline import Pipeline
from compiler.models.properties import Properties
from compiler.models.scoring import LeadScoring
from compiler.models.sequence import Sequence
from compiler.models.sla import SLA
from compiler.models.spectest import Test
from compiler.models.tiers import Tiers
from compiler.models.utm import UTMConvention

KINDS: dict[str, type[BaseModel]] = {
    "ICP": ICP,
    "Tiers": Tiers,
    "Pipeline": Pipeline,
    "LeadScoring": LeadScoring,
    "SLA": SLA,
    "UTMConvention": UTMConvention,
    "Sequence": Sequence,
    "AlertRule": AlertRule,
    "Properties": Properties,
    "Test": Test,
}

__all__ = [
    "ICP",
    "KINDS",
    "SLA",
    "AlertRule",
    "LeadScoring",
    "Pipeline",
    "Properties",
    "Sequence",
    "Test",
    "Tiers",
    "UTMConvention",
]
