"""``python -m providers.hubspot.emulator --port 8080 --token pat-local``: run the emulator."""

from __future__ import annotations

import argparse
import os

from .server import serve_forever


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Run the HubSpot API emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--token",
        default=os.environ.get("GTM_EMULATOR_TOKEN", ""),
        help="bearer token clients must send (default: $GTM_EMULATOR_TOKEN)",
    )
    parser.add_argument("--no-seed", action="store_true", help="start with an empty portal")
    parser.add_argument("--rate-limit-per-10s", type=int, default=None)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--error-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("a token is required (--token or GTM_EMULATOR_TOKEN)")
    print(f"HubSpot emulator on http://{args.host}:{args.port} (Ctrl-C to stop)")
    serve_forever(
        host=args.host,
        port=args.port,
        token=args.token,
        seed=not args.no_seed,
        rate_limit_per_10s=args.rate_limit_per_10s,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
    )


if __name__ == "__main__":
    main()
