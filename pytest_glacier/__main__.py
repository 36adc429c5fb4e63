"""``python -m pytest_glacier serve``: the Glacier mock as a standalone HTTP server.

::

    $ python -m pytest_glacier serve --port 8080
    http://127.0.0.1:8080

The endpoint URL is printed alone on the first line of standard output, so that a script can
read it. The port is 8080 unless ``--port`` says otherwise (``--port 0`` picks a free one).
Point clients at it with ``AWS_ENDPOINT_URL_GLACIER`` (or ``--endpoint-url``). State lives in
memory until the server stops, on SIGINT (Ctrl+C) or SIGTERM; it then exits 0. The server binds
to loopback unless ``--host`` says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from pytest_glacier.backend.settings import DEFAULT_ACCOUNT_ID
from pytest_glacier.mock import GlacierMock, MockInternalError
from pytest_glacier.transports.server import GlacierServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_glacier",
        description="pytest-glacier: an in-memory Amazon Glacier for tests.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve Glacier over HTTP until interrupted",
        description="Serve an in-memory Glacier over HTTP until SIGINT or SIGTERM. The first "
        "line of standard output is the endpoint URL.",
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, loopback only)"
    )
    serve.add_argument(
        "--port", type=int, default=8080, help="port to bind (default: 8080; 0: a free port)"
    )
    serve.add_argument(
        "--account-id",
        default=DEFAULT_ACCOUNT_ID,
        help=f"the account that '-' resolves to (default: {DEFAULT_ACCOUNT_ID})",
    )
    serve.add_argument(
        "--inventory",
        choices=("daily", "immediate"),
        default="daily",
        help="vault inventory: a daily snapshot as in AWS (default), or always current",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Only one command so far; argparse has already refused anything else.
    return _serve(args.host, args.port, account_id=args.account_id, inventory=args.inventory)


def _serve(host: str, port: int, *, account_id: str, inventory: str) -> int:
    if not _is_loopback(host):
        print(
            f"warning: serving on {host}: reachable from other machines, without any "
            "authentication",
            file=sys.stderr,
        )
    _interrupt_on_signals()
    try:
        with (
            GlacierMock(account_id=account_id, inventory=inventory) as mock,
            GlacierServer(host, port) as server,
        ):
            server.serve(mock.handle)
            print(server.endpoint_url, flush=True)
            print("Serving Glacier; stop with Ctrl+C (SIGINT) or SIGTERM.", file=sys.stderr)
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()  # until a signal interrupts it
    except KeyboardInterrupt:
        pass  # interrupted while starting or stopping: nothing more to do
    except MockInternalError as bug:
        print(str(bug), file=sys.stderr)
        return 1
    except OSError as problem:  # the address is taken, or cannot be bound
        print(f"error: cannot serve on {host}:{port}: {problem}", file=sys.stderr)
        return 1
    return 0


def _interrupt_on_signals() -> None:
    """SIGTERM stops the server like SIGINT: as a ``KeyboardInterrupt`` in the main thread."""

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del frame
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


if __name__ == "__main__":  # pragma: no cover (run as a subprocess in the tests)
    sys.exit(main())
