"""Run the emulator: in a background thread (tests) or in the foreground (``gtm emulator``).

::

    with EmulatorServer(token="pat-test", seed=True) as emu:   # 127.0.0.1, a free port
        client = HubSpot(access_token="pat-test", host=emu.base_url, base_url=emu.base_url)
        emu.configure(rate_limit_per_10s=5, latency_ms=0, error_rate=0.0)
        emu.stats(); emu.reset_stats(); emu.state

    serve_forever(host="127.0.0.1", port=8080, token="...")   # blocks until Ctrl-C
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .runtime import Runtime
from .seed import seed_portal
from .state import PortalState


class _QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive and no per-request log lines."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class _LoggingHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive with werkzeug's usual access log."""

    protocol_version = "HTTP/1.1"


def build_runtime(token: str, seed: bool, options: dict[str, Any]) -> Runtime:
    """A configured :class:`Runtime`, seeded like a fresh portal when ``seed``."""
    if not token:
        raise ValueError("the emulator needs a non-empty bearer token")
    rt = Runtime(token=token)
    if seed:
        seed_portal(rt.state)
    rt.configure(**options)
    return rt


class EmulatorServer:
    """A live emulator on ``host`` (default 127.0.0.1) and a free port, in a daemon thread."""

    def __init__(
        self,
        token: str = "pat-test",
        *,
        seed: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        quiet: bool = True,
        **options: Any,
    ) -> None:
        self.runtime = build_runtime(token, seed, options)
        handler = _QuietHandler if quiet else _LoggingHandler
        self._server: BaseWSGIServer = make_server(
            host, port, create_app(self.runtime), threaded=True, request_handler=handler
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        host, port = self._server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    @property
    def token(self) -> str:
        """The bearer token requests must carry."""
        return self.runtime.token

    @property
    def state(self) -> PortalState:
        """The live portal state (take ``state.lock`` to change it safely)."""
        return self.runtime.state

    def start(self) -> EmulatorServer:
        """Start serving in a daemon thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="hubspot-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def run(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another thread or Ctrl-C."""
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()

    def configure(self, **options: Any) -> None:
        """Change switches: ``rate_limit_per_10s``, ``rate_limit_window_ms``, ``daily_limit``,
        ``latency_ms``, ``error_rate``, ``seed_random``, ``archived_name_reuse``, ``granted_scopes``,
        ``fault_rules`` (targeted faults, re-armed on every call), ``legacy_filter_shapes`` (test-only)."""
        self.runtime.configure(**options)

    def stats(self) -> dict[str, Any]:
        """Counters: ``total``, ``by_endpoint``, ``by_status``, ``throttled``, ``injected_errors``,
        ``dropped_answers``."""
        return self.runtime.stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the counters."""
        self.runtime.stats.reset()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8080,
    token: str = "",
    *,
    seed: bool = True,
    quiet: bool = False,
    **options: Any,
) -> None:
    """Serve in the foreground until interrupted (for ``gtm emulator``)."""
    EmulatorServer(token, seed=seed, host=host, port=port, quiet=quiet, **options).run()
