"""The command line: ``python -m coldstore upload|restore|list|lock|prune ...``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .catalogue import Catalogue
from .errors import ColdStoreError, describe
from .store import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_PART_SIZE,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_WORKERS,
    TIERS,
    ColdStore,
)
from .treehash import MIB

EXIT_ERROR = 1
EXIT_REFUSED = 2


def byte_range(text: str) -> tuple[int, int]:
    """``START-END`` (inclusive byte offsets) as argparse reads it."""
    start, separator, end = text.partition("-")
    if not separator or not start.isdigit() or not end.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not START-END (byte offsets)")
    return int(start), int(end)


def positive(text: str) -> int:
    """A whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per action."""
    parser = argparse.ArgumentParser(
        prog="coldstore", description="Archive files in an Amazon Glacier vault."
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        default=Path(os.environ.get("COLDSTORE_CATALOGUE", "coldstore.json")),
        help="the local catalogue file (default: $COLDSTORE_CATALOGUE or ./coldstore.json)",
    )
    parser.add_argument("--vault", help="the vault (default: the catalogue's, or 'coldstore')")
    parser.add_argument("--region", help="the AWS region (default: the catalogue's, or boto3's)")
    commands = parser.add_subparsers(dest="command", required=True)

    upload = commands.add_parser("upload", help="upload files and record them")
    upload.add_argument("files", nargs="+", type=Path)
    upload.add_argument(
        "--part-size-mib",
        type=positive,
        default=DEFAULT_PART_SIZE // MIB,
        help="multipart part size in MiB, a power of two (default: %(default)s)",
    )
    upload.add_argument(
        "--workers",
        type=positive,
        default=DEFAULT_WORKERS,
        help="parts uploaded at once (default: %(default)s)",
    )

    restore = commands.add_parser("restore", help="retrieve an archive into a file")
    restore.add_argument("archive", help="a file name (its newest upload) or an archive id")
    restore.add_argument("destination", type=Path)
    restore.add_argument("--range", type=byte_range, help="only bytes START-END, MiB-aligned")
    restore.add_argument("--tier", choices=TIERS, default="Standard")
    restore.add_argument("--job-id", help="pick up a retrieval job started earlier")
    restore.add_argument(
        "--poll-interval",
        type=float,
        default=DEFAULT_POLL_INTERVAL,
        help="seconds between two looks at the job (default: %(default)s)",
    )
    restore.add_argument(
        "--max-wait-hours",
        type=float,
        default=48.0,
        help="give up waiting after this long (default: %(default)s)",
    )
    restore.add_argument(
        "--chunk-size-mib",
        type=positive,
        default=DEFAULT_CHUNK_SIZE // MIB,
        help="download in pieces of this many MiB (default: %(default)s)",
    )

    listing = commands.add_parser("list", help="show the catalogue")
    listing.add_argument("--json", action="store_true", help="print the entries as JSON")

    lock = commands.add_parser("lock", help="forbid deleting archives younger than N days")
    lock.add_argument("--days", type=positive, required=True)
    lock.add_argument(
        "--yes", action="store_true", help="confirm: a completed vault lock is permanent"
    )

    prune = commands.add_parser("prune", help="delete archives older than N days")
    prune.add_argument("--days", type=int, help="default: the retention set by 'lock'")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 error, 2 deletions refused)."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ColdStoreError as error:
        print(f"coldstore: error: {error}", file=sys.stderr)
    except ClientError as error:
        print(f"coldstore: error: Glacier answered {describe(error)}", file=sys.stderr)
    except BotoCoreError as error:
        print(f"coldstore: error: {error}", file=sys.stderr)
    return EXIT_ERROR


def run(args: argparse.Namespace) -> int:
    """Carry out the parsed command."""
    catalogue = Catalogue.open(args.catalogue, vault=args.vault, region=args.region)
    if args.command == "list":
        return list_entries(catalogue, as_json=args.json)
    client = boto3.client("glacier", region_name=args.region or catalogue.region)
    if catalogue.region is None:
        catalogue.region = client.meta.region_name
    store = ColdStore(client, catalogue)
    if args.command == "upload":
        for path in args.files:
            entry = store.upload(path, part_size=args.part_size_mib * MIB, workers=args.workers)
            print(f"uploaded {entry.name} ({entry.size} bytes) as {entry.archive_id}")
        return 0
    if args.command == "restore":
        result = store.restore(
            args.archive,
            args.destination,
            byte_range=args.range,
            tier=args.tier,
            job_id=args.job_id,
            poll_interval=args.poll_interval,
            max_wait=timedelta(hours=args.max_wait_hours),
            chunk_size=args.chunk_size_mib * MIB,
        )
        checked = (
            "checked against its tree hash"
            if result.whole_verified
            else "NOT checked: Glacier gives no tree hash for a range that is not tree-hash aligned"
        )
        print(
            f"restored {result.entry.name} to {result.destination}: {result.size} bytes, "
            f"{checked} ({result.verified_chunks} pieces checked on the way; waited "
            f"{result.waited} for job {result.job_id})"
        )
        return 0
    if args.command == "lock":
        if not args.yes:
            raise ColdStoreError(
                f"locking vault {store.vault} is permanent: no archive can then be deleted "
                f"before {args.days} days, by anyone. Pass --yes to go ahead"
            )
        lock_id = store.lock(args.days)
        print(f"locked vault {store.vault}: archives are kept {args.days} days (lock {lock_id})")
        return 0
    report = store.prune(args.days)
    for entry in report.deleted:
        print(f"deleted {entry.name} ({entry.archive_id})")
    for entry, reason in report.refused:
        print(f"refused by Glacier: {entry.name} ({entry.archive_id}): {reason}", file=sys.stderr)
    return EXIT_REFUSED if report.refused else 0


def list_entries(catalogue: Catalogue, *, as_json: bool) -> int:
    """Print the catalogue, oldest upload first."""
    entries = sorted(catalogue.entries, key=lambda entry: entry.uploaded_at)
    if as_json:
        print(json.dumps([entry.to_json() for entry in entries], indent=2))
        return 0
    for entry in entries:
        print(
            f"{entry.uploaded_at:%Y-%m-%d %H:%M:%S}  {entry.size:>12}  {entry.name}  "
            f"{entry.archive_id[:16]}..."
        )
    print(f"{len(entries)} archives in vault {catalogue.vault}", file=sys.stderr)
    return 0
