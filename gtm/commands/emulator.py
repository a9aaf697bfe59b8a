"""``gtm emulator``: run the HubSpot emulator on loopback for trying gtm without a portal."""

from __future__ import annotations

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it on loopback).")
@click.option("--port", default=8765, show_default=True, type=int)
@click.option("--token", envvar="GTM_EMULATOR_TOKEN", required=True,
              help="Bearer token clients must send (or set GTM_EMULATOR_TOKEN).")
@click.option("--rate-limit", "rate_limit", type=int, default=None, help="Requests per 10 s before 429s.")
@click.option("--latency-ms", type=int, default=0, show_default=True, help="Delay added to every response.")
@click.option("--error-rate", type=float, default=0.0, show_default=True, help="Fraction of requests answered 5xx.")
@click.option("--time-zone", "time_zone", default="UTC", show_default=True,
              help="The portal's time zone (IANA name) its account details report; \"today\" starts there.")
def emulator(host: str, port: int, token: str, rate_limit: int | None, latency_ms: int, error_rate: float,
             time_zone: str) -> None:
    """Serve a stateful HubSpot API emulator (properties, groups, pipelines, lists, flows, records)."""
    import gc

    from providers.hubspot.emulator.config import EmulatorConfig
    from providers.hubspot.emulator.server import serve_forever

    try:
        EmulatorConfig().update(time_zone=time_zone)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--time-zone") from None
    gc.set_threshold(700, 10, 10)  # a long-running server: the interpreter's default collection pace
    gc.enable()  # the CLI starts with collection off (gtm.cli.main)

    click.echo(f"HubSpot emulator on http://{host}:{port} (Ctrl-C to stop)", err=True)
    serve_forever(host=host, port=port, token=token, rate_limit_per_10s=rate_limit, latency_ms=latency_ms,
                  error_rate=error_rate, time_zone=time_zone)
