"""``opus-tui portal-emulator``: a local portal on 127.0.0.1 for the demo and for tests."""

from __future__ import annotations

import argparse
from pathlib import Path


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("ange en sannolikhet mellan 0 och 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765, help="port på 127.0.0.1 (standard 8765)")
    parser.add_argument(
        "--data",
        type=Path,
        metavar="KATALOG",
        help="katalog för emulatorns lagring (utan: bara i minnet)",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        metavar="NYCKEL",
        help="godkänd API-nyckel (kan upprepas; även $OPUS_PORTAL_EMULATOR_API_KEYS; "
        "standard: demonyckeln)",
    )
    faults = parser.add_argument_group("felinjicering")
    faults.add_argument("--latency-ms", type=int, default=0, help="fördröjning per anrop (ms)")
    faults.add_argument(
        "--error-rate", type=_rate, default=0.0, help="andel anrop som svarar 503 (0–1)"
    )
    faults.add_argument(
        "--drop-rate", type=_rate, default=0.0, help="andel anrop vars anslutning bryts (0–1)"
    )
    faults.add_argument(
        "--concurrent-change",
        action="store_true",
        help="ändra konfigurationen på portalen före nästa skrivning (ger 412)",
    )
    faults.add_argument("--seed", type=int, help="slumpfrö för felinjiceringen")


def run(args: argparse.Namespace) -> int:
    from opus_tui.services.portal_emulator import (
        DEFAULT_API_KEY,
        HOST,
        Faults,
        api_keys_from_env,
        serve,
    )

    faults = Faults(
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        concurrent_change=args.concurrent_change,
    )
    keys = [*(args.api_key or []), *api_keys_from_env()] or [DEFAULT_API_KEY]
    where = args.data or "minnet"
    serve(
        args.port,
        args.data,
        faults,
        keys,
        args.seed,
        log_level="warning",
        on_listening=lambda: print(
            f"Portalemulator på http://{HOST}:{args.port} (lagring: {where}). Avsluta med Ctrl+C.",
            flush=True,
        ),
    )
    return 0
