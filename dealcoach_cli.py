"""`dealcoach` console script: thin commands over library functions (docs/architecture.md §4); the commands
live in `cli/`."""

from __future__ import annotations

import os
import sys

from cli.common import CliError, configure_logging, log_level
from cli.ops import sandbox_delivery
from cli.parser import build_parser
from cli.score_cmds import card_json

__all__ = ["CliError", "sandbox_delivery", "build_parser", "card_json", "log_level", "main"]


def _quiet_broken_pipe() -> int:
    """The reader went away (`dealcoach score x.vtt | head -1`): stop quietly, as a killed-by-SIGPIPE tool would."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not complain again
    return 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; configuration and environment problems end with one line on stderr and a non-zero status."""
    args = build_parser().parse_args(argv)
    try:
        configure_logging("INFO" if args.command in ("serve", "worker", "cron") else "WARNING")
        jwt_setup = args.command == "tenants" and args.provider == "salesforce" and bool(args.username)
        if args.command == "tenants" and args.action not in ("list", "rotate-key") and not args.id and not jwt_setup:
            raise CliError("--id is required (Salesforce JWT bearer set-up: the org id comes from the grant)")
        if args.command == "serve" and args.port is None:
            port = os.environ.get("PORT") or "8080"
            if not port.isdigit():
                raise CliError(f"PORT={port!r} is not a port number")
            args.port = int(port)
        status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except CliError as exc:
        print(f"dealcoach {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        return _quiet_broken_pipe()


if __name__ == "__main__":
    raise SystemExit(main())
