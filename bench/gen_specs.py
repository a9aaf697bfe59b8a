"""Generate a large, valid spec tree (about 30,000 lines) for benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path


def generate(root: Path, scale: float = 1.0) -> int:
    specs = root / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    (root / "gtm.yaml").write_text("version: 1\nname: bench\nenvironments:\n"
                                   "  local: {provider: local, path: .gtm/local.db}\ndefault_environment: local\n")
    n_icp, n_persona, n_pipe, n_rules = int(20 * scale), 10, int(40 * scale), int(3000 * scale)
    n_sla, n_seq, n_alert = int(500 * scale), int(1000 * scale), int(1200 * scale)
    personas: list[str] = []
    lines = 0

    def write(name: str, text: str) -> None:
        nonlocal lines
        (specs / name).write_text(text)
        lines += text.count("\n")

    docs = []
    for i in range(n_icp):
        ps = []
        for j in range(n_persona):
            pid = f"persona-{i}-{j}"
            personas.append(pid)
            role = ["economic_buyer", "champion", "technical_buyer"][j % 3]
            ps.append(f"  - id: {pid}\n    role: {role}\n    titles: [title {i} {j}, head {i} {j}]\n"
                      f"    pains: [pain a, pain b]\n    triggers: [trigger]\n    objections: [objection]\n")
        docs.append(f"kind: ICP\nid: icp-{i}\nfirmographics:\n  industries: [LOGISTICS_AND_SUPPLY_CHAIN, RETAIL]\n"
                    f"  employees: {{min: {10 + i}, max: 5000}}\n  countries: [US, GB]\n"
                    "buying_committee: [economic_buyer, champion, technical_buyer]\npersonas:\n" + "".join(ps))
    write("icp.yaml", "---\n".join(docs))
    tiers = "".join(f"  - {{id: tier-{i}, personalization: account, when: {{all: [{{icp: icp-{i % n_icp}}}, "
                    f"{{property: numberofemployees, gte: {1000 - i}}}]}}}}\n"
                    for i in range(50))
    write("tiers.yaml", "kind: Tiers\nobject: companies\ntiers:\n" + tiers)
    pipes = []
    for p in range(n_pipe):
        st = "".join(f"  - {{id: s{k}, label: Stage {k}, probability: {k / 10:.1f}, max_days: {10 + k},\n"
                     f"     entry: [e{k}], exit: [x{k}]}}\n" for k in range(1, 10))
        st += "  - {id: won, label: Won, probability: 1.0, closed: won, entry: [a], exit: [b]}\n"
        st += "  - {id: lost, label: Lost, probability: 0.0, closed: lost, entry: [a], exit: [b]}\n"
        pipes.append(f"kind: Pipeline\nid: pipe-{p}\nlabel: Pipeline {p}\nstages:\n{st}")
    write("pipelines.yaml", "---\n".join(pipes))
    rules = "".join(f"  - {{id: rule-{r}, points: {(r % 7) - 2}, when: {{property: hs_analytics_num_page_views, "
                    f"gte: {r % 50}}}}}\n" for r in range(n_rules))
    write("scoring.yaml", "kind: LeadScoring\nrules:\n" + rules + "bands:\n"
          "  - {id: hot, min: 30, route: sales, sla: sla-0}\n  - {id: warm, min: 20, max: 29, route: sdr, sla: sla-1}\n"
          "  - {id: cold, max: 19, route: marketing}\nmql: {min_score: 30}\n")
    slas = [f"kind: SLA\nid: sla-{i}\nobject: contacts\nwhen: {{property: gtm_lead_band, eq: hot}}\nowner: sales\n"
            f"respond_within: {1 + i % 8}h\non_breach:\n  - {{notify: owner_manager}}\n  - {{after: 1d, set: "
            f"{{hs_lead_status: BAD_TIMING}}}}\n" for i in range(n_sla)]
    write("slas.yaml", "---\n".join(slas))
    seqs = [f"kind: Sequence\nid: seq-{i}\naudience: {{all: [{{persona: {personas[i % len(personas)]}}}, "
            f"{{tier: [tier-{i % 50}]}}]}}\nstart_trust: 2\nsteps:\n"
            f"  - {{after: 0d, channel: email, ask: read, email: e{i}a}}\n"
            f"  - {{after: 3d, channel: email, ask: reply, email: e{i}b}}\n"
            f"  - {{after: 7d, channel: email, ask: meeting, email: e{i}c}}\n"
            f"exit_when: {{property: hs_sales_email_last_replied, known: true}}\n" for i in range(n_seq)]
    write("sequences.yaml", "---\n".join(seqs))
    alerts = [f"kind: AlertRule\nid: alert-{i}\nobject: deals\nwhen:\n  all:\n"
              f"    - {{property: amount, gte: {i * 100}}}\n"
              f"    - {{property: hs_is_closed, eq: false}}\nseverity: warning\nnotify: [owner]\n"
              for i in range(n_alert)]
    write("alerts.yaml", "---\n".join(alerts))
    write("utm.yaml", "kind: UTMConvention\nparams:\n  utm_source: {allowed: [google, linkedin]}\n"
          "  utm_medium: {allowed: [cpc, email]}\n  utm_campaign: {pattern: '^[a-z0-9-]+$'}\n")
    return lines


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()
    print(f"{generate(a.out, a.scale)} lines written under {a.out}/specs")
