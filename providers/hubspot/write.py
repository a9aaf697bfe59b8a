"""Carrying out one wave of same-type changes against HubSpot.

Property creates and archives go through the batch endpoints (one call per object and 100
properties); everything else is one call per resource, run concurrently.  A create that fails
without a clear answer (5xx, connection lost) is checked by reading before it is tried again,
so a retry never makes a duplicate.

A score written in place into band formulas (a create or an update of its calculation) rewrites
those bands' formulas too; each such rewrite is reported with the score's change
(:class:`providers.base.FollowOn`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from compiler.ir import make_address
from compiler.plan import Change
from providers.base import FollowOn, LiveState, ProviderError, Report
from providers.hubspot import formula_read
from providers.hubspot import normalize as nz

if TYPE_CHECKING:
    from providers.hubspot.provider import HubSpotProvider

CREATE_ATTEMPTS = 3


def property_body(name: str, a: dict[str, Any], create: bool, formula: str | None = None) -> dict[str, Any]:
    """A PropertyCreate/PropertyUpdate body; a calculated property's description ends with the
    metadata :mod:`providers.hubspot.formula_read` reads its formula back with."""
    body: dict[str, Any] = {
        "label": a["label"],
        "description": (a.get("description") or "") + formula_read.meta_suffix(a.get("calculation")),
        "groupName": a["group"],
        "type": a["type"],
        "fieldType": a["field_type"],
        "options": [{"label": o["label"], "value": o["value"], "displayOrder": o["display_order"],
                     "hidden": bool(o.get("hidden", False))} for o in a.get("options") or []],
    }
    formula = formula or a.get("formula")
    if formula:
        body["calculationFormula"] = formula
    if create:
        body["name"] = name
    return body


class Writer:
    def __init__(self, provider: HubSpotProvider, live: LiveState) -> None:
        self.p = provider
        self.live = live
        self._in_wave: set[str] = set()
        #: the follow-on writes of each change done so far in this wave, by the change's address
        self._also: dict[str, tuple[FollowOn, ...]] = {}
        self.crm = provider.client.crm

    # -- dispatch ----------------------------------------------------------------------------
    def apply(self, changes: list[Change], report: Report) -> None:
        if not changes:
            return
        self._in_wave = {c.address for c in changes}
        rtype = changes[0].resource.type
        if rtype == "property":
            creates = [c for c in changes if c.action == "create"]
            deletes = [c for c in changes if c.action == "delete"]
            others = [c for c in changes if c.action not in ("create", "delete")]
            if deletes:
                self._batched(deletes, self._archive_properties, report)
            if creates:
                self._batched(creates, self._create_properties, report, then=self._bands_after_create)
            self._each(others, report)
            return
        self._each(changes, report)

    def _each(self, changes: list[Change], report: Report) -> None:
        def run(c: Change) -> None:
            try:
                self._one(c)
                report(c, None, self._also.pop(c.address, ()))
            except ProviderError as e:
                report(c, e.message, self._also.pop(c.address, ()))

        self.p._parallel([partial(run, c) for c in changes])

    def _batched(self, changes: list[Change], fn: Callable[[str, list[Change]], dict[str, str | None]],
                 report: Report, then: Callable[[Change], tuple[FollowOn, ...]] | None = None) -> None:
        """``fn`` per object and chunk of 100; ``then`` runs after each change that succeeded."""
        by_obj: dict[str, list[Change]] = defaultdict(list)
        for c in changes:
            by_obj[str(c.resource.object)].append(c)
        def job(obj: str, chunk: list[Change]) -> tuple[list[Change], dict[str, str | None]]:
            return chunk, fn(obj, chunk)

        jobs = [partial(job, obj, cs[i:i + 100]) for obj, cs in by_obj.items() for i in range(0, len(cs), 100)]
        for chunk, results in self.p._parallel(jobs):
            for c in chunk:
                err = results.get(c.resource.name)
                also: tuple[FollowOn, ...] = ()
                if err is None and then is not None:
                    try:
                        also = then(c)
                    except ProviderError as e:
                        err = e.message
                report(c, err, also)

    # -- properties --------------------------------------------------------------------------
    def _create_properties(self, obj: str, chunk: list[Change]) -> dict[str, str | None]:
        pending = {c.resource.name: c for c in chunk}
        results: dict[str, str | None] = {}
        api = self.crm.properties.batch_api
        for attempt in range(CREATE_ATTEMPTS):
            inputs = [property_body(n, c.resource.attributes, True, self.p.formula_for(c.resource))
                      for n, c in pending.items()]
            try:
                data = self.p._json(f"create {obj} properties", api.create, obj, {"inputs": inputs}) or {}
            except ProviderError as e:
                if e.status is not None and e.status < 500:
                    return {**results, **{n: e.message for n in pending}}
                data = {}
                last = e.message
            else:
                last = ""
                for r in data.get("results") or []:
                    if r.get("name") in pending:
                        results[r["name"]] = None
                        self.p.note_created_property(obj, r["name"], str(r.get("type")))
                        pending.pop(r["name"])
                for err in data.get("errors") or []:
                    names = [n for n in pending if n in str(err.get("message", "")) or
                             n in str(err.get("context", {}))]
                    duplicate = (str(err.get("status")) == "409" or "EXISTS" in str(err.get("subCategory", ""))
                                 or "already exist" in str(err.get("message", "")).lower())
                    for n in names:
                        if duplicate:
                            continue  # maybe created by an earlier attempt: the read below decides
                        results[n] = str(err.get("message") or "create failed")
                        pending.pop(n)
            if not pending:
                return results
            # never retry blindly: read which of the pending ones exist now
            existing = self._existing_properties(obj, list(pending))
            for n in existing:
                results[n] = None
                pending.pop(n)
            if not pending:
                return results
            time.sleep(0.2 * (attempt + 1))
        return {**results, **{n: f"create did not complete after {CREATE_ATTEMPTS} attempts {last}".strip()
                              for n in pending}}

    def _existing_properties(self, obj: str, names: list[str]) -> set[str]:
        body = {"archived": False, "inputs": [{"name": n} for n in names]}
        data = self.p._read_retry(partial(self.p._json, f"read {obj} properties", self.crm.properties.batch_api.read,
                                          obj, body)) or {}
        return {r["name"] for r in data.get("results") or [] if not r.get("archived")}

    def _archive_properties(self, obj: str, chunk: list[Change]) -> dict[str, str | None]:
        body = {"inputs": [{"name": c.resource.name} for c in chunk]}
        try:
            self.p._call(f"archive {obj} properties", self.crm.properties.batch_api.archive, obj, body)
        except ProviderError as e:
            return {c.resource.name: e.message for c in chunk}
        return {c.resource.name: None for c in chunk}

    # -- single resources -------------------------------------------------------------------
    def _one(self, c: Change) -> None:
        r = c.resource
        fn = getattr(self, f"_{r.type}_{'create' if c.action == 'replace' else c.action}")
        if c.action == "replace":
            getattr(self, f"_{r.type}_delete")(c)
        fn(c)

    def _found(self, what: str, fn: Callable[..., Any], *args: Any) -> bool:
        """Does the object exist?  (A 404 means no; other errors propagate.)"""
        try:
            self.p._json(what, fn, *args)
            return True
        except ProviderError as e:
            if e.status == 404:
                return False
            raise

    def _verified_create(self, what: str, create: Callable[[], Any], exists: Callable[[], bool]) -> None:
        """Create; on an unclear failure, read first and retry only when the object is still missing."""
        for attempt in range(CREATE_ATTEMPTS):
            try:
                create()
                return
            except ProviderError as e:
                if e.status == 409 and exists():
                    return
                if e.status is not None and e.status < 500 and e.status != 429:
                    raise
                if exists():
                    return
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))

    def _property_update(self, c: Change) -> None:
        r = c.resource
        assert c.after is not None
        self.p._json(f"update {r.address}", self.crm.properties.core_api.update, r.object, r.name,
                     property_body(r.name, c.after.attributes, False, self.p.formula_for(c.after)))
        calc = c.after.attributes.get("calculation")
        if isinstance(calc, dict) and calc != (c.before.attributes.get("calculation") if c.before else None):
            self._also[c.address] = self._rewrite_bands_over(str(r.object), r.name, calc)

    def _bands_after_create(self, c: Change) -> tuple[FollowOn, ...]:
        """A score created (again) under live bands that carry an older calculation rewrites them."""
        calc = c.resource.attributes.get("calculation")
        if not isinstance(calc, dict):
            return ()
        return self._rewrite_bands_over(str(c.resource.object), c.resource.name, calc)

    def _rewrite_bands_over(self, obj: str, source: str, calc: dict[str, Any]) -> tuple[FollowOn, ...]:
        """Rewrite the formula of each live band that writes ``source``'s calculation in place, when
        it carries another one (a plan shows the score's change once, at the score:
        :func:`compiler.diff.fold_inlined_sources`), unless the band has a change of its own in this
        wave (that one sends the whole formula).  The rewrites made, for the apply report."""
        from compiler.backends.hubspot_formula import calculation_to_formula
        from providers.hubspot.provider import _sources_of

        done: list[FollowOn] = []
        for band in self.live.resources:
            bcalc = band.attributes.get("calculation")
            if (band.type != "property" or band.object != obj or band.address in self._in_wave
                    or not isinstance(bcalc, dict) or bcalc.get("kind") != "bands"
                    or str(bcalc.get("source")) != source or not isinstance(bcalc.get("source_calculation"), dict)
                    or bcalc.get("source_calculation") == calc):
                continue
            new = {**bcalc, "source_calculation": calc}
            formula, diags = calculation_to_formula(new, self.p._type_lookup(obj), self.p._option_lookup(obj, []),
                                                    _sources_of(new))
            if formula is None or any(d.is_error for d in diags):
                continue
            attrs = {**band.attributes, "calculation": new}
            self.p._json(f"update {band.address} (its score changed)", self.crm.properties.core_api.update,
                         obj, band.name, property_body(band.name, attrs, False, formula))
            source_address = make_address("property", obj, source)
            done.append(FollowOn(band.address, "update",
                                 f"formula rewritten over the new calculation of {source_address} (it carries "
                                 "the score in place)"))
        return tuple(done)

    def _property_create(self, c: Change) -> None:
        r = c.resource
        api = self.crm.properties.core_api
        self._verified_create(
            f"create {r.address}",
            lambda: self.p._json(f"create {r.address}", api.create, r.object,
                                 property_body(r.name, r.attributes, True, self.p.formula_for(r))),
            lambda: bool(self._existing_properties(str(r.object), [r.name])))
        self._also[c.address] = self._bands_after_create(c)  # a replace: created again

    def _property_delete(self, c: Change) -> None:
        r = c.resource
        self.p._call(f"archive {r.address}", self.crm.properties.core_api.archive, r.object, r.name)

    def _property_group_create(self, c: Change) -> None:
        r = c.resource
        api = self.crm.properties.groups_api

        self._verified_create(f"create {r.address}", lambda: self.p._json(
            f"create {r.address}", api.create, r.object, {"name": r.name, "label": r.attributes["label"]}),
            partial(self._found, f"read {r.address}", api.get_by_name, r.object, r.name))

    def _property_group_update(self, c: Change) -> None:
        r = c.resource
        assert c.after is not None
        self.p._json(f"update {r.address}", self.crm.properties.groups_api.update, r.object, r.name,
                     {"label": c.after.attributes["label"]})

    def _property_group_delete(self, c: Change) -> None:
        r = c.resource
        self.p._call(f"delete {r.address}", self.crm.properties.groups_api.archive, r.object, r.name)

    # -- pipelines ------------------------------------------------------------------------------
    def _pipeline_body(self, r: Any, with_id: bool) -> dict[str, Any]:
        a = r.attributes
        body: dict[str, Any] = {"label": a["label"], "displayOrder": a["display_order"],
                                "stages": [nz.stage_input(s) for s in a["stages"]]}
        if with_id:
            body["pipelineId"] = r.name
        return body

    def _pipeline_create(self, c: Change) -> None:
        r = c.resource
        api = self.crm.pipelines.pipelines_api

        self._verified_create(f"create {r.address}", lambda: self.p._json(
            f"create {r.address}", api.create, r.object, self._pipeline_body(r, True)),
            partial(self._found, f"read {r.address}", api.get_by_id, r.object, r.name))

    def _pipeline_update(self, c: Change) -> None:
        r = c.resource
        assert c.after is not None
        self.p._json(f"update {r.address}", self.crm.pipelines.pipelines_api.replace, r.object, r.name,
                     self._pipeline_body(c.after, False), validate_deal_stage_usages_before_delete=True,
                     validate_references_before_delete=True)

    def _pipeline_delete(self, c: Change) -> None:
        r = c.resource
        self.p._call(f"delete {r.address}", self.crm.pipelines.pipelines_api.archive, r.object, r.name,
                     validate_deal_stage_usages_before_delete=True, validate_references_before_delete=True)

    # -- lists ------------------------------------------------------------------------------
    def _filter_branch(self, r: Any) -> dict[str, Any]:
        from compiler.backends.hubspot_filters import TIME_ZONE, condition_to_filter_branch
        from compiler.conditions.ast import from_data

        # the plan's zone (realize noted the portal's wherever a date filter counts days from today)
        fb, diags = condition_to_filter_branch(from_data(r.attributes["filter"]),
                                               self.p._type_lookup(str(r.object)),
                                               str(r.attributes.get("time_zone") or TIME_ZONE))
        if fb is None:
            raise ProviderError(f"{r.address}: {diags[0].summary if diags else 'cannot express the filter'}")
        return fb

    def _list_id(self, name: str) -> str:
        lid = self.p._list_ids.get(name)
        if lid is None:
            for x in self.live.resources:
                if x.type == "list" and x.name == name and x.live_id:
                    return x.live_id
            raise ProviderError(f"list {name} not found in the portal")
        return lid

    def _list_create(self, c: Change) -> None:
        r = c.resource
        api = self.crm.lists.lists_api
        body = {"name": r.name, "objectTypeId": nz.OBJECT_TYPE_IDS[str(r.object)],
                "processingType": r.attributes.get("processing") or "DYNAMIC", "filterBranch": self._filter_branch(r)}

        def exists() -> bool:
            try:
                data = self.p._json(f"read {r.address}", api.get_by_name, r.name, nz.OBJECT_TYPE_IDS[str(r.object)])
            except ProviderError as e:
                if e.status == 404:
                    return False
                raise
            self.p._list_ids[r.name] = str((data or {}).get("list", {}).get("listId"))
            return True

        def create() -> None:
            data = self.p._json(f"create {r.address}", api.create, body) or {}
            self.p._list_ids[r.name] = str((data.get("list") or {}).get("listId"))

        self._verified_create(f"create {r.address}", create, exists)

    def _list_update(self, c: Change) -> None:
        assert c.after is not None
        r = c.after
        self.p._json(f"update {r.address}", self.crm.lists.lists_api.update_list_filters, self._list_id(r.name),
                     {"filterBranch": self._filter_branch(r)})

    def _list_delete(self, c: Change) -> None:
        r = c.resource
        self.p._call(f"delete {r.address}", self.crm.lists.lists_api.remove, self._list_id(r.name))

    # -- workflows --------------------------------------------------------------------------
    def _flow_body(self, r: Any) -> dict[str, Any]:
        """The create body (POST schema fields only; the PUT body is cut down by ``put_body``)."""
        from compiler.backends.hubspot_filters import TIME_ZONE
        from compiler.backends.hubspot_flows import workflow_to_flow

        body, diags = workflow_to_flow(r.name, r.attributes, self.p._type_lookup(str(r.object)),
                                       resolve=self.p.resolve, env_name=self.p.env_name,
                                       zone=str(r.attributes.get("time_zone") or TIME_ZONE))
        errs = [d for d in diags if d.is_error]
        if errs:
            raise ProviderError(f"{r.address}: {errs[0].summary}")
        return body

    def _flow_id(self, name: str) -> str:
        fid = self.p._flow_ids.get(name)
        if fid is None:
            for x in self.live.resources:
                if x.type == "workflow" and x.name == name and x.live_id:
                    return x.live_id
            raise ProviderError(f"workflow {name} not found in the portal")
        return fid

    def _find_flow(self, name: str) -> str | None:
        after: str | None = None
        while True:
            qs: dict[str, Any] = {"limit": 100}
            if after:
                qs["after"] = after
            page = self.p._raw("list workflows", "GET", "/automation/v4/flows", qs=qs) or {}
            for f in page.get("results") or []:
                if f.get("name") == name:
                    return str(f["id"])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return None

    def _workflow_create(self, c: Change) -> None:
        r = c.resource
        body = self._flow_body(r)

        def create() -> None:
            data = self.p._raw(f"create {r.address}", "POST", "/automation/v4/flows", body=body) or {}
            self.p._flow_ids[r.name] = str(data.get("id"))

        def exists() -> bool:
            fid = self._find_flow(r.name)
            if fid:
                self.p._flow_ids[r.name] = fid
            return fid is not None

        self._verified_create(f"create {r.address}", create, exists)

    def _workflow_update(self, c: Change) -> None:
        """PUT the flow with the live ``revisionId``.  A PUT whose answer was lost is retried (it is
        idempotent) and then refused as stale, because the first one landed and bumped the revision: on a
        stale-revision refusal or a lost answer the flow is read again, and an update is done when the
        live flow holds what was sent.  Anything else is GTM625 (someone changed the flow meanwhile)."""
        from compiler.backends.hubspot_flows import put_body

        assert c.after is not None
        r = c.after
        fid = self._flow_id(r.name)
        path = f"/automation/v4/flows/{fid}"
        current = self.p._raw(f"read {r.address}", "GET", path) or {}
        # gtm never switches a flow on or off: keep whatever a person chose in HubSpot
        body = put_body(self._flow_body(r), str(current.get("revisionId")), bool(current.get("isEnabled", False)))
        try:
            self.p._raw(f"update {r.address}", "PUT", path, body=body)
        except ProviderError as e:
            if not (e.status is None or _stale_revision(e)):
                raise
            try:
                live = self.p._raw(f"read {r.address}", "GET", path) or {}
            except ProviderError:
                raise e from None
            if flow_holds(live, body):
                return  # the update landed; only its answer was lost
            if e.status is None:
                raise
            raise ProviderError(
                f"update {r.address}: HubSpot refused the update as stale (revisionId {body['revisionId']}; the "
                f"flow is at revision {live.get('revisionId')}) and the live flow differs from what gtm sent: it "
                "was changed in HubSpot while gtm applied (GTM625); run `gtm plan` again to review the change",
                status=e.status, code="GTM625") from None

    def _workflow_delete(self, c: Change) -> None:
        r = c.resource
        self.p._raw(f"delete {r.address}", "DELETE", f"/automation/v4/flows/{self._flow_id(r.name)}")


def _stale_revision(e: ProviderError) -> bool:
    """HubSpot's refusal of a PUT whose ``revisionId`` is not the flow's current one (409; a 400 that
    names the revision, as the status is not documented)."""
    return e.status == 409 or (e.status == 400 and "revision" in e.message.lower())


def flow_holds(live: dict[str, Any], sent: dict[str, Any]) -> bool:
    """Does the live flow hold what a PUT sent?  Both normalised (HubSpot's defaults filled in, server
    fields and the revision left out), compared on the fields the PUT carried."""
    from compiler.backends.hubspot_flows import normalize_flow

    have, want = normalize_flow(live), normalize_flow(sent)
    keys = set(sent) - {"revisionId"}
    return all(have.get(k) == want.get(k) for k in keys)
