"""The starter files ``gtm init`` writes: a workspace and one small spec per kind."""

from __future__ import annotations

FILES: dict[str, str] = {
    "gtm.yaml": """# yaml-language-server: $schema=schemas/Workspace.json
version: 1
name: {name}
specs: specs
environments:
  local:      {provider: local, path: .gtm/local.db}
  sandbox:    {provider: hubspot, token_env: HUBSPOT_SANDBOX_TOKEN}
  production: {provider: hubspot, token_env: HUBSPOT_TOKEN, protected: true}
# A HubSpot environment maps the specs' names to its portal's ids before it can plan
# (docs/mappings.md), for example:
#  production:
#    provider: hubspot
#    token_env: HUBSPOT_TOKEN
#    protected: true
#    mappings:
#      emails: {benchmark: 123, follow-up: 124, checklist: 125}   # marketing email ids
#      owners: {sales: 456}                                       # SLA task assignees -> owner ids
#      users:  {owner_manager: 789}                               # notification recipients -> user ids
default_environment: local
""",
    ".gitignore": ".gtm/\n",
    "specs/icp.yaml": """kind: ICP
id: core-market
firmographics:
  industries: [COMPUTER_SOFTWARE]
  employees: {min: 50, max: 1000}
buying_committee: [economic_buyer, champion]
personas:
  - id: head-of-revops
    role: economic_buyer
    titles: [head of revenue operations, vp revops]
    pains: [manual reporting]
    triggers: [new cro hired]
    objections: [migration risk]
  - id: ops-manager
    role: champion
    titles: [sales operations manager]
    pains: [messy crm data]
    triggers: [crm migration]
    objections: [time to learn]
""",
    "specs/tiers.yaml": """kind: Tiers
object: companies
tiers:
  - {id: tier-1, personalization: account, when: {icp: core-market}}
  - {id: tier-2, personalization: vertical, when: {property: industry, eq: COMPUTER_SOFTWARE}}
""",
    "specs/pipeline.yaml": """kind: Pipeline
id: sales
label: Sales
stages:
  - {id: discovery, label: Discovery, probability: 0.2, max_days: 14, entry: [meeting held], exit: [pain confirmed]}
  - {id: proposal, label: Proposal, probability: 0.6, max_days: 21, entry: [pain confirmed], exit: [proposal accepted]}
  - {id: won, label: Won, probability: 1.0, closed: won, entry: [contract signed], exit: [handed over]}
  - {id: lost, label: Lost, probability: 0.0, closed: lost, entry: [disqualified], exit: [reason recorded]}
""",
    "specs/scoring.yaml": """kind: LeadScoring
rules:
  - {id: engaged, points: 20, when: {property: hs_analytics_num_page_views, gte: 5}}
  - {id: persona, points: 20, when: {persona: any}}
bands:
  - {id: hot, min: 30, route: sales, sla: hot}
  - {id: cold, max: 29, route: marketing}
mql: {min_score: 30}
""",
    "specs/sla.yaml": """kind: SLA
id: hot
when: {property: gtm_lead_band, eq: hot}
owner: sales
respond_within: 4h
on_breach: [{notify: owner_manager}]
""",
    "specs/utm.yaml": """kind: UTMConvention
params:
  utm_source: {allowed: [google, linkedin]}
  utm_medium: {allowed: [cpc, email]}
  utm_campaign: {pattern: '^[a-z0-9-]+$'}
""",
    "specs/sequences.yaml": """kind: Sequence
id: revops-intro
audience: {persona: head-of-revops}
start_trust: 1
steps:
  - {after: 0d, channel: email, ask: read, email: benchmark}
  - {after: 4d, channel: email, ask: connect, email: follow-up}
exit_when: {property: hs_sales_email_last_replied, known: true}
---
kind: Sequence
id: ops-intro
audience: {persona: ops-manager}
start_trust: 1
steps:
  - {after: 0d, channel: email, ask: read, email: checklist}
exit_when: {property: hs_sales_email_last_replied, known: true}
""",
    "specs/tests/scoring.yaml": """# Spec tests: example records and what the specs must do with them. Run `gtm test`.
kind: Test
id: starter
cases:
  - id: engaged-revops-lead-is-hot
    record: {jobtitle: Head of Revenue Operations, hs_analytics_num_page_views: 7}
    expect: {score: 40, band: hot, route: sales, mql: true, slas: [hot], sequences: [revops-intro]}
  - id: casual-visitor-stays-cold
    record: {hs_analytics_num_page_views: 2}
    expect: {score: 0, band: cold, route: marketing, mql: false, slas: []}
  - id: software-company-in-range-is-tier-1
    object: companies
    record: {industry: COMPUTER_SOFTWARE, numberofemployees: 200}
    expect: {tier: tier-1}
  - id: small-software-company-is-tier-2
    object: companies
    record: {industry: COMPUTER_SOFTWARE, numberofemployees: 10}
    expect: {tier: tier-2}
""",
    "specs/alerts.yaml": """kind: AlertRule
id: stale-deal
object: deals
when: {stage_days_over_max: true}
notify: [owner]
""",
}
