"""HTTP plumbing around the official client: retries, the portal's rate limit, counting, errors.

* Every generated API shares one ``ApiClient`` per module and thread (``api_factory``), so
  connections are reused.
* A :class:`HubSpotRetry` (urllib3) retries 429 and 5xx with backoff — except that a POST is
  retried only on 429 (the request was not processed); a create that failed with a 5xx is
  never blindly retried: the writer reads, then decides.
* A :class:`RateLimiter` reads ``X-HubSpot-RateLimit-Max/-Remaining/-Interval-Milliseconds``
  from every response and keeps all threads inside the portal's rolling window.
* Errors become :class:`~providers.base.ProviderError` with HubSpot's message, category and
  (for 403) the missing scopes — and never the token.
* Every answer is read up to :data:`MAX_RESPONSE_BYTES` on all three transports (the generated
  APIs, :func:`send_raw`, :func:`send_pooled`): a server streaming an endless body is
  :class:`ResponseTooLarge`, not a process growing until the machine runs out of memory.
"""

from __future__ import annotations

import base64
import io
import json
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

import requests
import urllib3
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter
from urllib3.util.retry import Retry

from providers.base import ProviderError

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RESPONSE_BYTES = 64 * 2**20  # one answer; HubSpot pages its lists (100 objects), so real ones are far smaller


class ResponseTooLarge(Exception):
    """An answer larger than :data:`MAX_RESPONSE_BYTES` (the connection is closed, not drained)."""

    def __init__(self, url: str, limit: int) -> None:
        super().__init__(f"the answer to {url} is larger than {limit:,} bytes")
        self.limit = limit


def read_bounded(resp: Any, url: str, limit: int | None = None) -> bytes:
    """The (decoded) body of a urllib3 response opened with ``preload_content=False``, at most ``limit``
    bytes; past it the connection is closed and :class:`ResponseTooLarge` raised."""
    cap = MAX_RESPONSE_BYTES if limit is None else limit
    parts: list[bytes] = []
    got = 0
    try:
        while got <= cap:
            chunk = resp.read(min(1 << 16, cap + 1 - got), decode_content=True)
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
    except BaseException:
        resp.close()
        raise
    if got > cap:
        resp.close()
        raise ResponseTooLarge(url, cap)
    resp.release_conn()
    return b"".join(parts)


def bound_pool_manager(pool: Any) -> None:
    """Make ``pool.request`` read every answer with :func:`read_bounded` and hand back a response that
    holds the bytes (``.data``), whether the caller asked to preload the content or not."""
    original = pool.request

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        kwargs["preload_content"] = False
        resp = original(method, url, *args, **kwargs)
        body = read_bounded(resp, url)
        # from a stream: an empty answer (204) then reads as b"", as it did when urllib3 preloaded it
        return urllib3.HTTPResponse(body=io.BytesIO(body), headers=resp.headers, status=resp.status, reason=resp.reason,
                                    preload_content=True, decode_content=False, request_method=method,
                                    request_url=url)

    pool.request = request
DEFAULT_MAX = 100  # burst allowance per interval until the portal tells us its own
DEFAULT_INTERVAL = 10.0


class HubSpotRetry(Retry):
    """urllib3 retry: 429 for every method; 5xx only for idempotent ones (never a POST)."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429:
            return self.total is None or bool(self.total)
        if method.upper() == "POST":
            return False
        return super().is_retry(method, status_code, has_retry_after)


def make_retry(total: int = 6, backoff: float = 0.3) -> HubSpotRetry:
    return HubSpotRetry(total=total, connect=2, read=0, backoff_factor=backoff, backoff_max=8.0,
                        status_forcelist=RETRY_STATUSES, allowed_methods=None,
                        respect_retry_after_header=True, raise_on_status=False)


class RateLimiter:
    """Client-side pacing inside the portal's rolling window, learned from response headers."""

    def __init__(self, max_requests: int = DEFAULT_MAX, interval: float = DEFAULT_INTERVAL,
                 headroom: float = 0.9) -> None:
        self.max = max_requests
        self.interval = interval
        self.headroom = headroom
        self.sent: deque[float] = deque()
        self.lock = threading.Lock()
        self.waited = 0.0

    def acquire(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                while self.sent and now - self.sent[0] > self.interval:
                    self.sent.popleft()
                budget = max(1, int(self.max * self.headroom))
                if len(self.sent) < budget:
                    self.sent.append(now)
                    return
                wait = self.interval - (now - self.sent[0]) + 0.01
            self.waited += wait
            time.sleep(min(wait, self.interval))

    def observe(self, headers: Any) -> None:
        if headers is None:
            return
        try:
            mx = headers.get("X-HubSpot-RateLimit-Max")
            iv = headers.get("X-HubSpot-RateLimit-Interval-Milliseconds")
            rem = headers.get("X-HubSpot-RateLimit-Remaining")
        except AttributeError:
            return
        with self.lock:
            if mx:
                self.max = max(1, int(mx))
            if iv:
                self.interval = max(0.1, int(iv) / 1000.0)
            if rem is not None and str(rem).isdigit() and int(rem) <= 1:
                # the portal says the window is spent: fill our view of it
                now = time.monotonic()
                while len(self.sent) < self.max:
                    self.sent.append(now)


class Meter:
    """Counts requests by method and status, and 429s seen (retries included)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.by_status: Counter[int] = Counter()
        self.by_call: Counter[str] = Counter()

    def record(self, method: str, url: str, status: int) -> None:
        with self.lock:
            self.requests += 1
            self.by_status[status] += 1
            path = url.split("?", 1)[0]
            self.by_call[f"{method} {path}"] += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"requests": self.requests, "by_status": dict(self.by_status)}


class Redactor:
    """Removes the token from text a server sent back, in whatever form it echoes it.

    Not only the exact token: any run of token-like characters that shares ``WINDOW`` consecutive
    characters with the token (a truncated echo), in any letter case, or with its base64 forms
    (standard and URL-safe, which a server may echo from an ``Authorization`` header) — at each of the
    three alignments base64 can give it, since what precedes the token in the encoded text (``t=``,
    ``Bearer ``, a header name) shifts every character that follows — or with its hex form.
    """

    WINDOW = 8
    _RUN = re.compile(r"[A-Za-z0-9+/=_-]{8,}")

    def __init__(self, secret: str) -> None:
        self.secret = secret
        forms = [secret]
        if secret:
            raw = secret.encode()
            forms.append(raw.hex())
            for shift in (0, 1, 2):  # the token after 0, 1 or 2 bytes of anything: three different encodings
                for enc in (base64.b64encode, base64.urlsafe_b64encode):
                    text = enc(b"\0" * shift + raw).decode().rstrip("=")
                    # drop the group that mixes in the shifted bytes and the last one (it mixes in what follows)
                    forms.append(text[4 if shift else 0:-4])
        self._windows = {f.lower()[i:i + self.WINDOW] for f in forms if len(f) >= self.WINDOW
                         for i in range(len(f) - self.WINDOW + 1)}

    def _hit(self, run: str) -> bool:
        low = run.lower()
        return any(low[i:i + self.WINDOW] in self._windows for i in range(len(low) - self.WINDOW + 1))

    def __call__(self, text: str) -> str:
        if not self.secret:
            return text
        if self.secret in text:
            text = text.replace(self.secret, "***")
        if len(self.secret) < self.WINDOW:
            return text
        return self._RUN.sub(lambda m: "***" if self._hit(m.group(0)) else m.group(0), text)


def error_body(body: Any) -> dict[str, Any]:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            parsed = json.loads(body)
        except ValueError:
            return {"message": body[:500]}
        return parsed if isinstance(parsed, dict) else {"message": str(parsed)[:500]}
    return body if isinstance(body, dict) else {}


def to_provider_error(status: int | None, body: Any, what: str, redact: Redactor, token_env: str,
                      env_name: str) -> ProviderError:
    """One clear line from an HTTP failure (HubSpot's error envelope when present)."""
    b = error_body(body)
    msg = str(b.get("message") or "").strip()
    cat = b.get("category") or b.get("errorType") or ""
    if status == 401:
        return ProviderError(redact(
            f'HubSpot rejected the token in ${token_env} for environment "{env_name}" '
            f"(401 {cat or 'INVALID_AUTHENTICATION'}): {msg or 'authentication failed'}"),
            status=401, code="GTM606")
    if status == 403:
        scopes: list[str] = []
        for e in b.get("errors") or []:
            ctx = e.get("context") or {} if isinstance(e, dict) else {}
            scopes.extend(ctx.get("requiredGranularScopes") or [])
        need = f"; the private app needs the scopes: {', '.join(sorted(set(scopes)))}" if scopes else ""
        return ProviderError(redact(
            f'the token in ${token_env} for environment "{env_name}" may not {what} '
            f"(403 {cat or 'MISSING_SCOPES'}){need}"), status=403, code="GTM606")
    text = f"{what}: HubSpot answered {status}"
    if cat:
        text += f" {cat}"
    if msg:
        text += f": {msg}"
    return ProviderError(redact(text), status=status, retryable=status in RETRY_STATUSES)


CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0


def timeouts(read_s: float = READ_TIMEOUT_S) -> tuple[float, float]:
    """(connect, read) seconds for one request: a server that accepts and never answers is an error."""
    return (min(CONNECT_TIMEOUT_S, read_s), read_s)


def instrument_api_client(api_client: Any, limiter: RateLimiter, meter: Meter,
                          timeout: tuple[float, float] | None = None) -> None:
    """Wrap the ApiClient's REST layer so every request is paced, counted, observed and bounded in time
    (the generated clients send no timeout unless ``_request_timeout`` is passed)."""
    rest = api_client.rest_client
    bound_pool_manager(rest.pool_manager)
    original = rest.request
    limit = timeout or timeouts()

    def request(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("_request_timeout") is None:
            kwargs["_request_timeout"] = limit
        limiter.acquire()
        resp = original(method, url, *args, **kwargs)
        status = getattr(resp, "status", 0)
        meter.record(method, url, status)
        headers = resp.getheaders() if hasattr(resp, "getheaders") else None
        limiter.observe(headers)
        return resp

    rest.request = request


def make_api_factory(limiter: RateLimiter, meter: Meter, timeout: tuple[float, float] | None = None
                     ) -> Callable[..., Any]:
    """An ``api_factory`` for ``HubSpot(...)`` that shares one ApiClient per module and thread."""
    local = threading.local()

    def factory(api_client_package: Any, api_name: str, config: dict[str, Any]) -> Any:
        cache: dict[str, Any] = getattr(local, "clients", None) or {}
        local.clients = cache
        key = api_client_package.__name__
        client = cache.get(key)
        if client is None:
            configuration = api_client_package.Configuration()
            for k, v in config.items():
                if k == "retry":
                    configuration.retries = v
                elif k == "access_token":
                    configuration.access_token = v
                elif k == "host":
                    configuration.host = v
            client = api_client_package.ApiClient(configuration=configuration)
            instrument_api_client(client, limiter, meter, timeout)
            cache[key] = client
        return getattr(api_client_package, api_name)(api_client=client)

    return factory


class RawResponseError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


def _retryable_raw(e: BaseException) -> bool:
    if isinstance(e, RawResponseError):
        return e.status == 429 or (e.status >= 500 and getattr(e, "idempotent", False))
    return isinstance(e, requests.ConnectionError) and getattr(e, "idempotent", False)


_SESSIONS = threading.local()


def _session() -> requests.Session:
    s: requests.Session | None = getattr(_SESSIONS, "session", None)
    if s is None:
        s = requests.Session()
        _SESSIONS.session = s
    return s


def api_request(client: Any, options: dict[str, Any], timeout: tuple[float, float] | None = None
                ) -> requests.Response:
    """What ``client.api_request`` does — the official client's own request builder (URL, auth,
    headers, JSON body) — sent on a pooled session, and without the client's ``print`` of failed
    requests (its message can quote request headers, which carry the token)."""
    from hubspot.utils.requests.http_request_builder import Request

    req = Request(client.config, options)
    resp = _session().request(req.get_method(), req.get_url(), timeout=timeout or timeouts(), stream=True,
                              **req.get_options_for_sending())
    # read at most MAX_RESPONSE_BYTES; requests keeps a streamed body in `_content` once read
    resp._content = read_bounded(resp.raw, req.get_url())
    return resp


def send_raw(client: Any, options: dict[str, Any], limiter: RateLimiter, meter: Meter,
             timeout: tuple[float, float] | None = None) -> Any:
    """An ``api_request`` (requests, no retries of its own) with pacing and safe retries.

    A POST is retried on 5xx only when ``options["read_only"]`` says it only reads (a search or
    batch read): a create that failed with a 5xx may have happened."""
    options = dict(options)
    read_only = bool(options.pop("read_only", False))
    idempotent = read_only or options.get("method", "GET").upper() != "POST"

    @retry(retry=retry_if_exception(_retryable_raw), stop=stop_after_attempt(6),
           wait=wait_exponential_jitter(multiplier=0.2, max=8.0), reraise=True)
    def once() -> Any:
        limiter.acquire()
        try:
            resp = api_request(client, options, timeout)
        except requests.ConnectionError as e:
            e.idempotent = idempotent  # type: ignore[attr-defined]
            raise
        meter.record(options.get("method", "GET").upper(), options.get("path", ""), resp.status_code)
        limiter.observe(resp.headers)
        if resp.status_code >= 400:
            err = RawResponseError(resp.status_code, resp.content)
            err.idempotent = idempotent  # type: ignore[attr-defined]
            if resp.status_code == 429:
                ra = resp.headers.get("Retry-After")
                if ra and ra.isdigit():
                    time.sleep(min(int(ra), 10))
            raise err
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    return once()


def pooled_pool(workers: int) -> urllib3.PoolManager:
    """The pool :func:`send_pooled` sends on: one per provider, a connection per worker thread; every
    answer read up to :data:`MAX_RESPONSE_BYTES`."""
    pool = urllib3.PoolManager(num_pools=4, maxsize=max(1, workers), retries=make_retry())
    bound_pool_manager(pool)
    return pool


def send_pooled(client: Any, pool: urllib3.PoolManager, options: dict[str, Any], limiter: RateLimiter,
                meter: Meter, timeout: tuple[float, float] | None = None) -> tuple[int, bytes]:
    """A request built by the official client's request builder (URL, auth, headers, JSON body), sent
    on urllib3 with the same :class:`HubSpotRetry`, pacing, counting and timeouts as the generated
    APIs: reads take this path because a generated API module imports its whole model package
    (tens of milliseconds each, paid on every plan) only to hand back raw JSON here.

    Returns ``(status, body)``; urllib3 errors (no answer) propagate."""
    from hubspot.utils.requests.http_request_builder import Request

    req = Request(client.config, options)
    sending = req.get_options_for_sending()
    connect, read = timeout or timeouts()
    limiter.acquire()
    resp = pool.request(req.get_method(), req.get_url(), body=sending.get("data"), headers=sending.get("headers"),
                        timeout=urllib3.Timeout(connect=connect, read=read), retries=make_retry())
    meter.record(req.get_method(), req.get_url(), resp.status)
    limiter.observe(resp.headers)
    return resp.status, resp.data
