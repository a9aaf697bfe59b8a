"""``HubSpotProvider``: reads and writes HubSpot config through the official ``hubspot-api-client``.

Reads use one list call per object type (properties, groups), one each for deal and ticket pipelines, a
paged search plus one batched read for gtm's lists, and a paged listing plus one batch read
for gtm's flows.  Writes use batch endpoints where HubSpot has them (property create and
archive), run independent work concurrently inside the portal's rate limit, and never retry a
create blindly: after a failed create the provider reads, then decides.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from hubspot import HubSpot

from compiler.conditions.ast import from_data, resource_counts_days, to_data
from compiler.diagnostics import Diagnostic
from compiler.ir import Resource, make_address
from compiler.plan import Change
from compiler.workspace import HubSpotEnvironment, Mappings
from providers.base import LiveState, LockHeld, ProviderError, RecordSample, Report, apply_one
from providers.hubspot import formula_read
from providers.hubspot import normalize as nz
from providers.hubspot.http import (
    READ_TIMEOUT_S,
    Meter,
    RateLimiter,
    RawResponseError,
    Redactor,
    ResponseTooLarge,
    make_api_factory,
    make_retry,
    pooled_pool,
    send_pooled,
    send_raw,
    timeouts,
    to_provider_error,
)
from providers.hubspot.ownership import has_gtm_marker, same_name_flows

DEFAULT_BASE_URL = "https://api.hubapi.com"
OBJECTS: tuple[str, ...] = ("contacts", "companies", "deals", "tickets")
PIPELINE_OBJECTS: tuple[str, ...] = ("deals", "tickets")
BATCH = 100
LOCK_ATTEMPTS = 5
SEARCH_PAGE = 200  # HubSpot's largest search page
_FLOW_CONDITIONS = ("enrollment", "goal")
#: the field type of a calculation-formula property
CALCULATION_FIELD = "calculation_equation"
# record properties HubSpot computes itself (a client cannot set them)
READ_ONLY_RECORD_PROPS = frozenset({"hs_object_id", "hs_is_closed", "hs_is_closed_won", "num_associated_contacts",
                                    "createdate", "lastmodifieddate", "hs_lastmodifieddate"})


def _redact_value(v: Any, redact: Redactor) -> Any:
    if isinstance(v, str):
        return redact(v)
    if isinstance(v, dict):
        return {k: _redact_value(x, redact) for k, x in v.items()}
    if isinstance(v, list):
        return [_redact_value(x, redact) for x in v]
    return v


def _redacted(r: Resource, redact: Redactor) -> Resource:
    """``r`` with the token removed from every string among its attributes (the same object when none held it)."""
    clean = _redact_value(r.attributes, redact)
    if clean == r.attributes:
        return r
    return r.with_attributes(clean)


class HubSpotProvider:
    """A HubSpot portal, reached with a private-app token read from the environment."""

    name = "hubspot"

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *, token_env: str = "HUBSPOT_TOKEN",
                 env_name: str = "hubspot", max_concurrency: int = 4, prefix: str = "gtm",
                 mappings: Mappings | None = None, timeout_s: float = READ_TIMEOUT_S,
                 time_zone: str | None = None) -> None:
        from compiler.mappings import resolver

        self.token_env = token_env
        self.env_name = env_name
        #: the environment's ``mappings`` (email slugs, owners, users, teams → portal ids)
        self.mappings = mappings or Mappings()
        self.resolve = resolver(self.mappings)
        self.base_url = base_url.rstrip("/")
        self.prefix = prefix
        self.workers = max_concurrency
        self.redact = Redactor(token)
        self.limiter = RateLimiter()
        self.timeout_s = timeout_s
        self.timeout = timeouts(timeout_s)
        self.meter = Meter()
        self.pool = pooled_pool(max_concurrency)
        self.client = HubSpot(access_token=token, host=self.base_url, base_url=self.base_url,
                              retry=make_retry(),
                              api_factory=make_api_factory(self.limiter, self.meter, self.timeout))
        self._types: dict[str, dict[str, str]] = {}
        self._desired_types: dict[str, dict[str, str]] = {}
        self._options: dict[str, dict[str, tuple[str, ...]]] = {}
        #: per object, the live properties that are calculation formulas (read())
        self._calculated: dict[str, set[str]] = {}
        self._formulas: dict[str, str] = {}
        self._list_ids: dict[str, str] = {}
        self._flow_ids: dict[str, str] = {}
        # per live workflow: (the conditions as shown, their canonical OR-of-ANDs form); see _flow_resource
        self._flow_conditions: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._flow_diagnostics: list[Diagnostic] = []
        #: the raw filter branches of the lists and flows last read, by address (see _with_live_shapes)
        self._raw_branches: dict[str, dict[str, Any]] = {}
        #: the portal's time zone, read once and only when a plan has a date filter relative to today
        #: (given here, it is never read: an offline realize, a bench)
        self._time_zone: str | None = time_zone
        self._has_read = False
        #: each live list's filter as plans show it (readable_condition), by address
        self._list_filters: dict[str, Any] = {}

    @classmethod
    def from_environment(cls, env: HubSpotEnvironment, env_name: str) -> HubSpotProvider:
        token = os.environ.get(env.token_env, "").strip()
        if not token:
            raise ProviderError(
                f'environment variable {env.token_env} is not set: it must hold the HubSpot private-app token '
                f'for environment "{env_name}"', code="GTM606")
        if any(ch.isspace() or not ch.isprintable() for ch in token):
            raise ProviderError(
                f"environment variable {env.token_env} holds spaces, line breaks or control characters, so it "
                f'cannot be the private-app token of environment "{env_name}"; set it again', code="GTM606")
        return cls(token, env.base_url or DEFAULT_BASE_URL, token_env=env.token_env, env_name=env_name,
                   max_concurrency=env.max_concurrency, mappings=env.mappings, timeout_s=env.timeout_s)

    # -- plumbing ---------------------------------------------------------------------------
    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ProviderError:
            raise
        except Exception as e:  # the client raises per-module ApiException classes and urllib3 errors
            status = getattr(e, "status", None)
            if status is None:
                raise self._unreachable(what, e) from None
            raise to_provider_error(int(status), getattr(e, "body", None), what, self.redact, self.token_env,
                                    self.env_name) from None

    def _raw(self, what: str, method: str, path: str, body: Any = None, qs: dict[str, Any] | None = None,
             read_only: bool = False) -> Any:
        opts: dict[str, Any] = {"method": method, "path": path}
        if read_only:
            opts["read_only"] = True  # a POST that only reads may be retried on 5xx
        if body is not None:
            opts["body"] = body
        if qs:
            opts["qs"] = qs
        try:
            return send_raw(self.client, opts, self.limiter, self.meter, self.timeout)
        except RawResponseError as e:
            raise to_provider_error(e.status, e.body, what, self.redact, self.token_env, self.env_name) from None
        except Exception as e:
            raise self._unreachable(what, e) from None

    def _unreachable(self, what: str, e: BaseException) -> ProviderError:
        """A failure without an HTTP answer: a timeout says how long gtm waited (GTM622)."""
        if isinstance(e, ResponseTooLarge):
            return ProviderError(self.redact(
                f"{what}: HubSpot at {self.base_url} sent an answer larger than {e.limit:,} bytes; gtm stopped "
                "reading it (is base_url a HubSpot API?)"), code="GTM015")
        text = f"{type(e).__name__} {e}"
        if "timeout" in text.lower() or "timed out" in text.lower():
            return ProviderError(self.redact(
                f"{what}: HubSpot at {self.base_url} did not answer within {self.timeout_s:g} s "
                f"({type(e).__name__}); raise `timeout_s` for environment \"{self.env_name}\" in gtm.yaml "
                "if the portal is just slow"), retryable=True, code="GTM622")
        return ProviderError(self.redact(f"{what}: cannot reach HubSpot at {self.base_url} ({type(e).__name__})"),
                             retryable=True)

    def _read_retry(self, read: Callable[[], Any], attempts: int = 5) -> Any:
        """A read sent as a POST (a search): the client's retry never repeats a POST on 5xx (a create
        might have happened), but a read may be repeated, with backoff."""
        for attempt in range(attempts):
            try:
                return read()
            except ProviderError as e:
                if not e.retryable or attempt == attempts - 1:
                    raise
                time.sleep(min(0.2 * 2 ** attempt, 4.0))
        return None

    def _json(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a generated API method for its raw JSON (no model round trip)."""
        resp = self._call(what, fn, *args, _preload_content=False, **kwargs)
        status = getattr(resp, "status", 200)
        data = resp.data if hasattr(resp, "data") else b""
        if status >= 400:
            raise to_provider_error(status, data, what, self.redact, self.token_env, self.env_name)
        return json.loads(data) if data else None

    def _read_json(self, what: str, method: str, path: str, body: Any = None,
                   qs: dict[str, Any] | None = None) -> Any:
        """A read (a GET, or a POST that only reads) for its JSON, on the pooled transport."""
        opts: dict[str, Any] = {"method": method, "path": path}
        if body is not None:
            opts["body"] = body
        if qs:
            opts["qs"] = qs
        try:
            status, data = send_pooled(self.client, self.pool, opts, self.limiter, self.meter, self.timeout)
        except Exception as e:
            raise self._unreachable(what, e) from None
        if status >= 400:
            raise to_provider_error(status, data, what, self.redact, self.token_env, self.env_name)
        return json.loads(data) if data else None

    def _parallel(self, jobs: Iterable[Callable[[], Any]], meanwhile: Callable[[], None] | None = None
                  ) -> list[Any]:
        """Run ``jobs`` on the worker threads; ``meanwhile`` runs on this thread while they wait on HubSpot."""
        jobs = list(jobs)
        if len(jobs) <= 1 or self.workers <= 1:
            if meanwhile is not None:
                meanwhile()
            return [j() for j in jobs]
        ex = ThreadPoolExecutor(max_workers=self.workers)
        try:
            futures = [ex.submit(j) for j in jobs]
            if meanwhile is not None:
                meanwhile()
            out = [f.result() for f in futures]
        except BaseException:
            # a deadline or ^C: do not wait for requests in flight (each ends by its own timeout)
            ex.shutdown(wait=False, cancel_futures=True)
            raise
        ex.shutdown(wait=True)
        return out

    def stats(self) -> dict[str, Any]:
        return {**self.meter.snapshot(), "throttle_wait_s": round(self.limiter.waited, 3)}

    def time_zone(self) -> str:
        """The portal's time zone (an IANA name such as ``America/New_York``), whose midnight starts
        "today" for relative date filters: ``GET /account-info/v3/details`` → ``timeZone``, read on
        first use (one request per run, and none for a plan without such filters).  Before the
        portal has been read (an offline realize, which sends no request) it is UTC."""
        if self._time_zone is None and not self._has_read:
            from compiler.backends.hubspot_filters import TIME_ZONE

            return TIME_ZONE
        if self._time_zone is None:
            from compiler.conditions.evaluate import zone_info

            data = self._read_json("read the portal's account details (its time zone)", "GET",
                                   "/account-info/v3/details") or {}
            zone = str(data.get("timeZone") or "").strip()
            try:
                zone_info(zone or None)
            except ValueError:
                raise ProviderError(
                    f"HubSpot at {self.base_url} reports the time zone {zone!r}, which this machine's time zone "
                    "database does not know; update the tzdata package (pip install -U tzdata)") from None
            if not zone:
                raise ProviderError(f"HubSpot at {self.base_url} did not report the portal's time zone "
                                    "(GET /account-info/v3/details has no timeZone)")
            self._time_zone = zone
        return self._time_zone

    # -- reading ----------------------------------------------------------------------------
    def _owned_name(self, name: str) -> bool:
        return name.startswith(self.prefix + "-") or name.startswith(self.prefix + "_")

    def read(self) -> LiveState:
        jobs: list[Callable[[], list[Resource]]] = []
        for obj in OBJECTS:
            jobs.append(partial(self._read_groups, obj))
            jobs.append(partial(self._read_props, obj))
        for obj in PIPELINE_OBJECTS:
            jobs.append(partial(self._read_pipelines, obj))
        jobs.append(self._read_lists)
        jobs.append(self._read_flows)
        out: list[Resource] = []
        self._flow_diagnostics = []
        self._raw_branches = {}
        self._has_read = True
        for part in self._parallel(jobs, meanwhile=_load_realize_modules):
            out.extend(part)
        self._types = {}
        self._options = {}
        self._calculated = {}
        for r in out:
            if r.type == "property" and r.object:
                self._types.setdefault(r.object, {})[r.name] = str(r.attributes.get("type"))
                if r.attributes.get("field_type") == CALCULATION_FIELD:
                    self._calculated.setdefault(r.object, set()).add(r.name)
                if r.attributes.get("options"):
                    self._options.setdefault(r.object, {})[r.name] = tuple(
                        str(o["value"]) for o in r.attributes["options"])
        # live values are printed (plans, PR comments, saved plans, imported specs): a token a server
        # echoes into a label or a flow body is redacted like one in an error message
        out = [_redacted(self._with_live_shapes(r), self.redact) for r in out]
        return LiveState(out, list(self._flow_diagnostics))

    def _live_type_lookup(self, obj: str) -> Callable[[str], str | None]:
        """Property name -> type as the portal holds it (what its filters are checked against)."""
        from compiler.catalog import property_type

        live = self._types.get(obj, {})
        return lambda name: live.get(name) or property_type(obj, name)

    def _with_live_shapes(self, r: Resource) -> Resource:
        """A list or flow read back with what its conditions alone cannot show: a filter whose
        operation type does not fit the property's live type keeps it at its leaf
        (``live_operation``), and re-enrolment triggers other than gtm would send for the live
        enrolment are listed (``live_reenrollment_triggers``), so the plan rewrites both."""
        from compiler.backends.hubspot_filters import foreign_operations, mark_live_operations, property_filters

        raw = self._raw_branches.get(r.address)
        if raw is None or r.type not in ("list", "workflow"):
            return r
        types = self._live_type_lookup(str(r.attributes.get("object") or r.object))
        attrs = dict(r.attributes)
        if r.type == "list":
            marks = foreign_operations(property_filters(raw.get("filter")), types)
            attrs["filter"] = mark_live_operations(attrs.get("filter"), marks)
        else:
            from compiler.backends.hubspot_flows import stale_reenrollment_triggers, trigger_filters

            triggers = raw.get("triggers") or []
            enrol = property_filters(raw.get("enrollment")) + trigger_filters(triggers)
            attrs["enrollment"] = mark_live_operations(attrs.get("enrollment"), foreign_operations(enrol, types))
            goal = foreign_operations(property_filters(raw.get("goal")), types)
            attrs["goal"] = mark_live_operations(attrs.get("goal"), goal)
            stale = stale_reenrollment_triggers(raw.get("enrollment"), triggers) if attrs.get("reenroll") else None
            if stale is not None:
                attrs["live_reenrollment_triggers"] = stale
        return r.with_attributes(attrs) if attrs != r.attributes else r

    def _read_pipelines(self, obj: str) -> list[Resource]:
        data = self._read_json(f"read {obj} pipelines", "GET", f"/crm/v3/pipelines/{obj}")
        return [nz.pipeline(obj, p) for p in data["results"]]

    def _read_groups(self, obj: str) -> list[Resource]:
        data = self._read_json(f"read {obj} property groups", "GET", f"/crm/v3/properties/{obj}/groups")
        return [nz.group(obj, g) for g in data["results"] if g["name"] != nz.LOCK_GROUP]

    def _read_props(self, obj: str) -> list[Resource]:
        data = self._read_json(f"read {obj} properties", "GET", f"/crm/v3/properties/{obj}")
        return _read_calculations(obj, [nz.prop(obj, p) for p in data["results"]])

    def _read_lists(self) -> list[Resource]:
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            body = {"query": self.prefix + "-", "offset": offset, "count": 500, "processingTypes": ["DYNAMIC"]}
            page = self._read_retry(partial(self._read_json, "search lists", "POST", "/crm/v3/lists/search", body))
            found.extend(page.get("lists") or [])
            if not page.get("hasMore"):
                break
            offset = int(page.get("offset") or offset + 500)
        ids = [str(x["listId"]) for x in found if self._owned_name(str(x.get("name", "")))]
        out: list[Resource] = []
        self._list_ids = {}
        self._list_filters = {}
        for i in range(0, len(ids), BATCH):
            data = self._read_json("read lists", "GET", "/crm/v3/lists/",
                                   qs={"listIds": ids[i:i + BATCH], "includeFilters": "true"})
            for lst in data.get("lists") or []:
                out.append(self._list_resource(lst))
        return out

    def _list_resource(self, lst: dict[str, Any]) -> Resource:
        from compiler.backends.hubspot_filters import readable_condition

        # HubSpot keeps no spec form with a list: its filter reads back factored (readable_condition)
        obj = nz.OBJECT_NAMES.get(str(lst.get("objectTypeId")), str(lst.get("objectTypeId")))
        fb = lst.get("filterBranch")
        cond = to_data(readable_condition(fb)) if fb else None
        self._list_ids[lst["name"]] = str(lst["listId"])
        address = make_address("list", obj, lst["name"])
        self._raw_branches[address] = {"filter": fb}
        self._list_filters[address] = cond
        attrs: dict[str, Any] = {"object": obj, "processing": lst.get("processingType"), "filter": cond}
        zones = _live_zones(fb)
        if zones:
            attrs["time_zone"] = zones
        return Resource("list", obj, lst["name"], attrs, live_id=str(lst["listId"]))

    def _read_flows(self) -> list[Resource]:
        listing: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            qs: dict[str, Any] = {"limit": 100}
            if after:
                qs["after"] = after
            page = self._raw("list workflows", "GET", "/automation/v4/flows", qs=qs) or {}
            listing.extend(page.get("results") or [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                break
        ids = [str(f["id"]) for f in listing if self._owned_name(str(f.get("name", "")))]
        out: list[Resource] = []
        self._flow_ids = {}
        self._flow_conditions = {}
        for i in range(0, len(ids), BATCH):
            data = self._raw("read workflows", "POST", "/automation/v4/flows/batch/read",
                             body={"inputs": [{"flowId": f, "type": "FLOW_ID"} for f in ids[i:i + BATCH]]},
                             read_only=True) or {}
            for flow in data.get("results") or []:
                out.append(self._flow_resource(flow))
        self._flow_diagnostics = same_name_flows(out)
        return out

    def _flow_resource(self, flow: dict[str, Any]) -> Resource:
        from compiler.backends.hubspot_flows import flow_to_workflow_attrs, stored_spec

        # Conditions are shown in the structured form the compiler produced (stored with the flow
        # while its digest matches) and compared by their OR-of-ANDs form: HubSpot keeps only that.
        attrs = flow_to_workflow_attrs(flow)
        crit = flow.get("enrollmentCriteria") or {}
        zones = _live_zones(crit.get("listFilterBranch"), flow.get("goalFilterBranch"))
        if zones:
            attrs["time_zone"] = zones
        dnf = self._canonical_workflow(flow_to_workflow_attrs({**flow, "customProperties": {}}))
        stored = stored_spec(flow) is not None
        shown = {k: attrs.get(k) if stored else dnf.get(k) for k in _FLOW_CONDITIONS}
        attrs.update(shown)
        self._flow_conditions[make_address("workflow", None, str(flow["name"]))] = (
            shown, {k: dnf.get(k) for k in _FLOW_CONDITIONS})
        self._flow_ids[flow["name"]] = str(flow["id"])
        r = Resource("workflow", attrs.get("object"), flow["name"], attrs, live_id=str(flow["id"]),
                     marker=has_gtm_marker(flow))
        self._raw_branches[r.address] = {"enrollment": crit.get("listFilterBranch"),
                                         "goal": flow.get("goalFilterBranch"),
                                         "triggers": list(crit.get("reEnrollmentTriggersFilterBranches") or [])}
        return r

    # -- realising the IR in HubSpot's dialect ---------------------------------------------
    def _note_types(self, desired: list[Resource]) -> None:
        """Index the types of the properties this plan creates or keeps (built once per realize).

        Lists and flows created in the same apply as the properties they filter on must be
        sent with the operation type of the property's real type (``ENUMERATION`` for a new
        enumeration), not a type guessed from the value; the writer reads this index.
        """
        index: dict[str, dict[str, str]] = {}
        for r in desired:
            if r.type == "property" and r.object and r.attributes.get("type"):
                index.setdefault(str(r.object), {})[r.name] = str(r.attributes["type"])
        self._desired_types = index

    def note_created_property(self, obj: str, name: str, prop_type: str) -> None:
        """Remember the type of a property the writer just created or changed."""
        self._types.setdefault(obj, {})[name] = prop_type

    def _type_lookup(self, obj: str) -> Callable[[str], str | None]:
        """Property name -> HubSpot type on ``obj``: this plan's properties first, then the portal's."""
        from compiler.catalog import property_type

        desired = self._desired_types.get(obj, {})
        live = self._types.get(obj, {})

        def lookup(name: str) -> str | None:
            # a fresh portal's own properties when the portal has not been read (offline realize)
            return desired.get(name) or live.get(name) or property_type(obj, name)

        return lookup

    def _option_lookup(self, obj: str, desired: list[Resource]) -> Callable[[str], tuple[str, ...]]:
        """Enumeration option values: gtm's own properties, then the live portal, then the catalog."""
        from compiler.catalog import property_options

        known: dict[str, tuple[str, ...]] = dict(self._options.get(obj, {}))
        for r in desired:
            if r.type == "property" and r.object == obj and r.attributes.get("options"):
                known[r.name] = tuple(str(o.get("value")) for o in r.attributes["options"])

        def lookup(name: str) -> tuple[str, ...]:
            return known.get(name) or property_options(obj, name)

        return lookup

    @staticmethod
    def _with_source(calc: dict[str, Any], calcs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """A band calculation over a calculated source carries that source's calculation."""
        source = calcs.get(str(calc.get("source"))) if calc.get("kind") == "bands" else None
        if source is None or calc.get("source_calculation") is not None:
            return calc
        return {**calc, "source_calculation": source}

    def formula_for(self, r: Resource) -> str | None:
        """The ``calculationFormula`` to send for a calculated property resource."""
        from compiler.backends.hubspot_formula import calculation_to_formula

        calc = r.attributes.get("calculation")
        if not calc:
            return None
        if r.address in self._formulas:
            return self._formulas[r.address]
        obj = str(r.object)
        formula, _ = calculation_to_formula(calc, self._type_lookup(obj), self._option_lookup(obj, [r]),
                                            _sources_of(calc))
        return formula

    def _calculated_lookup(self, obj: str, own: dict[str, Any]) -> Callable[[str], bool]:
        """Is a property of ``obj`` a calculation formula: one of this plan's calculated properties,
        one the portal holds, or one of a fresh portal's (the catalog)?"""
        from compiler.catalog import property_def

        live = self._calculated.get(obj, set())

        def calculated(name: str) -> bool:
            if name in own or name in live:
                return True
            entry = property_def(obj, name)
            return entry is not None and entry.get("fieldType") == CALCULATION_FIELD

        return calculated

    @staticmethod
    def _calculations(obj: str, desired: list[Resource], skip: str) -> dict[str, dict[str, Any]]:
        """gtm's calculated properties on ``obj`` (a band formula writes its source in place)."""
        return {r.name: r.attributes["calculation"] for r in desired
                if r.type == "property" and r.object == obj and r.name != skip and r.attributes.get("calculation")}

    def _canonical(self, cond: Any, types: Callable[[str], str | None] | None = None) -> Any:
        from compiler.backends.hubspot_filters import condition_to_filter_branch, readable_condition

        if cond is None:
            return None
        fb, _ = condition_to_filter_branch(from_data(cond), types or (lambda _n: None))
        if fb is None:
            return cond
        return to_data(readable_condition(fb))

    def _canonical_workflow(self, attrs: dict[str, Any], types: Callable[[str], str | None] | None = None
                            ) -> dict[str, Any]:
        out = dict(attrs)
        for k in ("enrollment", "goal"):
            out[k] = self._canonical(out.get(k), types)
        return out

    def _same_conditions(self, address: str, attrs: dict[str, Any], types: Callable[[str], str | None]
                         ) -> dict[str, Any]:
        """The desired workflow with each condition in its compiled (structured) form, or in the live
        workflow's form where both mean the same OR-of-ANDs in HubSpot (then there is nothing to change)."""
        live = self._flow_conditions.get(address)
        if live is None:
            return attrs
        shown, dnf = live
        canon = self._canonical_workflow(attrs, types)
        out = dict(attrs)
        for k in _FLOW_CONDITIONS:
            if canon.get(k) == dnf.get(k):
                out[k] = shown.get(k)
        return out

    def _resolved_actions(self, actions: list[Any]) -> list[Any]:
        """Actions with the portal ids their names map to in this environment (``content_id``,
        ``owner_id``, ``recipient_id``), so that a changed mapping is a planned change."""
        out: list[Any] = []
        for a in actions:
            a = dict(a) if isinstance(a, dict) else a
            if isinstance(a, dict):
                kind = a.get("type")
                found: str | None = None
                if kind == "send_email":
                    found = self.resolve("email", str(a.get("email")))
                    key = "content_id"
                elif kind == "create_task" and str(a.get("assign_to") or "owner") != "owner":
                    found = self.resolve("assignee", str(a.get("assign_to")))
                    key = "owner_id"
                elif kind == "notify" and str(a.get("recipient") or "owner") != "owner":
                    found = self.resolve("recipient", str(a.get("recipient")))
                    key = "recipient_id"
                if found:
                    a[key] = found
            out.append(a)
        return out

    def _zone_for(self, rtype: str, attrs: dict[str, Any]) -> str:
        """The time zone of a list's or flow's date filters relative to today: the portal's, noted in
        ``attrs["time_zone"]`` (what the plan compares with the zone of the live filters) when the
        conditions have such a filter; ``UTC`` (and no request) otherwise."""
        from compiler.backends.hubspot_filters import TIME_ZONE

        if not resource_counts_days(rtype, attrs):
            return TIME_ZONE
        attrs["time_zone"] = self.time_zone()
        return attrs["time_zone"]

    def realize(self, desired: list[Resource]) -> tuple[list[Resource], list[Diagnostic]]:
        from compiler.backends.hubspot_filters import condition_to_filter_branch
        from compiler.backends.hubspot_flows import workflow_to_flow
        from compiler.backends.hubspot_formula import calculation_to_formula

        out: list[Resource] = []
        diags: list[Diagnostic] = []
        self._note_types(desired)
        # per-object indexes, built once: realize stays linear in the number of resources
        lookups: dict[str, Callable[[str], str | None]] = {}
        option_lookups: dict[str, Callable[[str], tuple[str, ...]]] = {}
        calculations: dict[str, dict[str, dict[str, Any]]] = {}
        for r in desired:
            attrs = dict(r.attributes)
            obj = str(attrs.get("object") or r.object)
            types = lookups.get(obj)
            if types is None:
                types = lookups[obj] = self._type_lookup(obj)
            if r.type == "property":
                calc = attrs.get("calculation")
                if calc:
                    options = option_lookups.get(obj)
                    if options is None:
                        options = option_lookups[obj] = self._option_lookup(obj, desired)
                    if obj not in calculations:
                        calculations[obj] = self._calculations(obj, desired, "")
                    # a property is never its own source: no per-property copy of the index
                    same = str(calc.get("source")) == r.name
                    calc = self._with_source(calc, {} if same else calculations[obj])
                    dropdown = self._calculated_lookup(obj, calculations[obj]) \
                        if attrs.get("type") == "enumeration" else None
                    formula, d = calculation_to_formula(calc, types, options, _sources_of(calc), dropdown)
                    diags.extend(_at(d, r))
                    if formula is not None:
                        canon, text = formula_read.canonical(calc, _compiler(types, options))
                        attrs["calculation"] = canon
                        self._formulas[r.address] = text or formula
            elif r.type == "list" and attrs.get("filter") is not None:
                zone = self._zone_for("list", attrs)
                fb, d = condition_to_filter_branch(from_data(attrs["filter"]), types, zone)
                diags.extend(_at(d, r))
                if fb is not None:
                    # the spec's own form, unless HubSpot holds the same filter (then the live form:
                    # no change); a changed filter shows the spec's condition against the live one
                    live = self._list_filters.get(r.address)
                    if live is not None and self._canonical(attrs["filter"], types) == live:
                        attrs["filter"] = live
            elif r.type == "workflow":
                attrs["actions"] = self._resolved_actions(attrs.get("actions") or [])
                zone = self._zone_for("workflow", attrs)
                body, d = workflow_to_flow(r.name, attrs, types, resolve=self.resolve, env_name=self.env_name,
                                           zone=zone)
                diags.extend(_at(d, r))
                if not any(x.is_error for x in d):
                    attrs = self._same_conditions(r.address, attrs, types)
                    # what HubSpot will hold: no re-enrolment without a trigger (GTM513 says so),
                    # so a flow whose only filters are dates does not read back as a change forever
                    attrs["reenroll"] = bool((body.get("enrollmentCriteria") or {}).get("shouldReEnroll"))
            out.append(r.with_attributes(attrs))
        return out, diags

    # -- records ----------------------------------------------------------------------------
    def _search(self, obj: str, filters: list[dict[str, Any]], limit: int = 1, after: str | None = None,
                properties: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"filterGroups": [{"filters": filters}], "limit": limit}
        if after:
            body["after"] = after
        if properties:
            body["properties"] = properties
        return self._read_retry(partial(self._json, f"search {obj}", self.client.crm.objects.search_api.do_search,
                                        obj, body)) or {}

    def count_records(self, obj: str, prop: str, value: str | None = None) -> int:
        f: dict[str, Any] = {"propertyName": prop, "operator": "HAS_PROPERTY"}
        if value is not None:
            f = {"propertyName": prop, "operator": "EQ", "value": value}
        return int(self._search(obj, [f]).get("total") or 0)

    def _page_by_id(self, obj: str, properties: list[str], start: int, limit: int, inclusive: bool
                    ) -> dict[str, Any]:
        """One search page of records with ``hs_object_id`` past ``start``, in id order (keyset paging:
        each page is a fresh query, so HubSpot's 10,000-result cap never applies)."""
        body: dict[str, Any] = {
            "filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "GTE" if inclusive else "GT",
                                           "value": str(start)}]}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": properties, "limit": limit,
        }
        return self._read_retry(partial(self._json, f"read {obj} records",
                                        self.client.crm.objects.search_api.do_search, obj, body)) or {}

    def read_records(self, obj: str, properties: list[str], limit: int) -> RecordSample:
        """Every record (keyset-paged by ``hs_object_id``, 200 a request) when there are at most ``limit``;
        else a cluster sample: the id range cut into ``limit/200`` slices and one page read from a random
        point in each."""
        before = self.meter.requests
        props = sorted(set(properties))

        def rows(page: dict[str, Any]) -> list[dict[str, Any]]:
            return [{**(r.get("properties") or {}), "id": str(r["id"])} for r in page.get("results") or []]

        page_size = min(SEARCH_PAGE, limit)
        first = self._page_by_id(obj, props, 0, page_size, inclusive=False)
        total = int(first.get("total") or 0)
        out = rows(first)
        if total <= limit:
            while len(out) < total:
                page = rows(self._page_by_id(obj, props, int(out[-1]["id"]), SEARCH_PAGE, inclusive=False))
                if not page:
                    break
                out.extend(page)
            return RecordSample(out, total, True, self.meter.requests - before)
        last = self._json(f"read {obj} records", self.client.crm.objects.search_api.do_search, obj,
                          {"sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}],
                           "properties": ["hs_object_id"], "limit": 1}) or {}
        lo = int(out[0]["id"]) if out else 0
        hi = int((last.get("results") or [{"id": lo}])[0]["id"])
        slices = max(1, -(-limit // page_size))
        seen = {r["id"] for r in out}
        step = max(1, (hi - lo) // slices)
        # each slice's page starts at a random id inside it (seeded by the portal's size, so the same
        # portal gives the same sample): evenly spaced starts would alias with any periodic id pattern
        rng = random.Random(total)
        for k in range(1, slices):
            if len(out) >= limit:
                break
            start = lo + k * step + rng.randrange(step)
            for r in rows(self._page_by_id(obj, props, start, min(page_size, limit - len(out)),
                                           inclusive=True)):
                if r["id"] not in seen:
                    seen.add(r["id"])
                    out.append(r)
        return RecordSample(out, total, False, self.meter.requests - before)

    def write_sample_records(self, obj: str, records: list[dict[str, Any]], live: LiveState) -> int:
        """Create ``records`` (batches of 100), keeping only properties the portal has and lets a client set."""
        props = {r.name: r.attributes for r in live.resources if r.type == "property" and r.object == obj
                 and not r.attributes.get("calculation") and not r.attributes.get("formula")
                 and r.name not in READ_ONLY_RECORD_PROPS}

        def allowed(name: str, value: Any) -> bool:
            attrs = props.get(name)
            if attrs is None or value in (None, ""):
                return False
            if attrs.get("type") == "enumeration" and attrs.get("field_type") not in ("booleancheckbox",):
                return str(value) in {str(o.get("value")) for o in attrs.get("options") or []}
            return True

        api = self.client.crm.objects.batch_api
        for i in range(0, len(records), BATCH):
            inputs = [{"properties": {k: v for k, v in r.items() if allowed(k, v)}} for r in records[i:i + BATCH]]
            self._json(f"create sample {obj}", api.create, obj, {"inputs": inputs})
        return len(records)

    def move_records(self, obj: str, prop: str, from_value: str, to_value: str) -> int:
        ids: list[str] = []
        after: str | None = None
        while True:
            page = self._search(obj, [{"propertyName": prop, "operator": "EQ", "value": from_value}], limit=100,
                                after=after, properties=[prop])
            ids.extend(str(r["id"]) for r in page.get("results") or [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after or len(ids) >= 10_000:
                break
        api = self.client.crm.objects.batch_api
        for i in range(0, len(ids), BATCH):
            body = {"inputs": [{"id": x, "properties": {prop: to_value}} for x in ids[i:i + BATCH]]}
            self._json(f"move {obj} {prop}", api.update, obj, body)
        return len(ids)

    # -- applying ---------------------------------------------------------------------------
    def apply_change(self, change: Change, live: LiveState) -> None:
        apply_one(self, change, live)

    def apply_changes(self, changes: list[Change], live: LiveState, report: Report) -> None:
        """Apply one wave of same-type changes; report each change's outcome (None = done)."""
        from providers.hubspot.write import Writer

        Writer(self, live).apply(changes, report)

    # -- locking ----------------------------------------------------------------------------
    def acquire_lock(self, holder: dict[str, Any]) -> None:
        """Take the apply lock: create the lock group, its label naming the holder.

        The holder's ``id`` is a token unique to this apply, so taking the lock is safe to retry: after a
        5xx or a lost answer the lock is read back, and a lock that carries our token is ours (the create
        landed); a missing lock is asked for again, with backoff; anyone else's lock is :class:`LockHeld`."""
        info = {k: holder.get(k) for k in ("id", "user", "environment")}
        import socket

        info.update({"host": socket.gethostname(), "pid": os.getpid(), "since": int(time.time())})
        api = self.client.crm.properties.groups_api
        body = {"name": nz.LOCK_GROUP, "label": json.dumps(info, separators=(",", ":"))}
        for attempt in range(LOCK_ATTEMPTS):
            try:
                self._json("take the apply lock", api.create, "contacts", body)
                return
            except ProviderError as e:
                if e.status is not None and e.status != 409 and not e.retryable:
                    raise
                failure = e
            try:
                held = self._lock_holder()
            except ProviderError:
                if failure.status == 409:
                    raise LockHeld("another apply holds the lock", {}) from None
                held = None  # cannot tell yet
            if held is not None:
                if info["id"] is not None and held.get("id") == info["id"]:
                    return  # an earlier attempt landed; its answer was lost
                raise LockHeld("another apply holds the lock", held)
            if attempt == LOCK_ATTEMPTS - 1:
                raise failure
            if failure.status != 409:  # a 409 whose lock is gone now was released in between: ask at once
                time.sleep(min(0.2 * 2 ** attempt, 4.0))
        raise AssertionError("unreachable")

    def _lock_holder(self) -> dict[str, Any] | None:
        api = self.client.crm.properties.groups_api
        try:
            g = self._json("read the apply lock", api.get_by_name, "contacts", nz.LOCK_GROUP)
        except ProviderError as e:
            if e.status == 404:
                return None
            raise
        try:
            holder = json.loads(g.get("label") or "{}")
        except ValueError:
            holder = {}
        return holder if isinstance(holder, dict) else {}

    def release_lock(self, holder_id: str) -> None:
        holder = self._lock_holder()
        if holder is not None and holder.get("id") == holder_id:
            self._call("release the apply lock", self.client.crm.properties.groups_api.archive, "contacts",
                       nz.LOCK_GROUP)

    def break_lock(self, holder_id: str | None = None) -> dict[str, Any] | None:
        """Remove the lock (only the one held by ``holder_id`` when given); the holder removed, or None.

        HubSpot has no conditional delete: the holder is read just before the archive, so a lock taken
        by someone else in between is left alone unless it appeared in that last moment."""
        holder = self._lock_holder()
        if holder is None or (holder_id is not None and holder.get("id") != holder_id):
            return None
        try:
            self._call("break the apply lock", self.client.crm.properties.groups_api.archive, "contacts",
                       nz.LOCK_GROUP)
        except ProviderError as e:
            if e.status == 404:
                return None  # another process broke it first
            raise
        return holder

    def close(self) -> None:
        return None


def _at(diags: list[Diagnostic], r: Resource) -> list[Diagnostic]:
    """Give backend diagnostics the resource's address, and its source when they have none."""
    from dataclasses import replace

    return [replace(d, address=d.address or r.address, range=d.range or r.source) for d in diags]


def _sources_of(calc: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    """The in-place source of a band calculation (see :meth:`HubSpotProvider._with_source`)."""
    inline = calc.get("source_calculation")
    return {str(calc.get("source")): inline} if isinstance(inline, dict) else None


def _compiler(types: Callable[[str], str | None], options: Callable[[str], tuple[str, ...]]
              ) -> Callable[[dict[str, Any]], str | None]:
    from compiler.backends.hubspot_formula import calculation_to_formula

    def compile_one(calc: dict[str, Any]) -> str | None:
        return calculation_to_formula(calc, types, options, _sources_of(calc))[0]

    return compile_one


def _load_realize_modules() -> None:
    """Import what reading lists and flows and realizing need, while the reads are in flight (the
    main thread is otherwise idle then; the imports are the larger part of a fresh plan's own time)."""
    import compiler.backends.hubspot_filters
    import compiler.backends.hubspot_flows
    import compiler.backends.hubspot_formula  # noqa: F401


def _read_calculations(obj: str, props: list[Resource]) -> list[Resource]:
    """Live properties with their formula read back into a calculation (:mod:`formula_read`) and
    the gtm metadata suffix taken off the description."""
    from compiler.catalog import property_options, property_type

    types = {r.name: str(r.attributes.get("type")) for r in props}
    options = {r.name: tuple(str(o["value"]) for o in r.attributes.get("options") or []) for r in props}

    def type_of(name: str) -> str | None:
        return types.get(name) or property_type(obj, name)

    def options_of(name: str) -> tuple[str, ...]:
        return options.get(name) or property_options(obj, name)

    compile_one = _compiler(type_of, options_of)
    out = []
    for r in props:
        attrs = dict(r.attributes)
        formula = attrs.pop("formula", None)
        calc = None
        if formula:
            attrs["description"], meta = formula_read.split_description(str(attrs.get("description") or ""))
            calc = formula_read.decompile(formula, meta, compile_one) or formula_read.opaque(formula, meta)
        attrs["calculation"] = calc
        out.append(r.with_attributes(attrs))
    return out


def _live_zones(*branches: Any) -> str | None:
    """The ``zoneId`` of the live date filters relative to today in ``branches`` (several, comma-joined,
    when they disagree), or None when there is no such filter."""
    from compiler.backends.hubspot_filters import time_zones

    found = sorted({z for fb in branches for z in time_zones(fb)})
    return ", ".join(found) if found else None
