"""Helpers shared by coldstore's tests (plain functions: see README.md, "Tests")."""

from __future__ import annotations

import io
import random
from pathlib import Path

import boto3
from botocore.utils import calculate_tree_hash
from coldstore import Catalogue, ColdStore

REGION = "eu-west-1"
VAULT = "photos"


def make_file(directory: Path, name: str, size: int, *, seed: int = 0) -> tuple[Path, bytes]:
    """A file of ``size`` reproducible pseudo-random bytes; returns its path and content."""
    data = random.Random(seed).randbytes(size)
    path = directory / name
    path.write_bytes(data)
    return path, data


def make_store(directory: Path, *, vault: str = VAULT) -> ColdStore:
    """A ColdStore on a fresh boto3 client and a catalogue file in ``directory``."""
    client = boto3.client("glacier", region_name=REGION)
    catalogue = Catalogue.open(directory / "catalogue.json", vault=vault, region=REGION)
    return ColdStore(client, catalogue)


def botocore_tree_hash(data: bytes) -> str:
    """botocore's own tree hash of ``data``, to check coldstore's against."""
    # botocore-stubs types the argument as str; botocore reads it as a binary file object.
    return calculate_tree_hash(io.BytesIO(data))  # type: ignore[arg-type]
