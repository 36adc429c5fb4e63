"""Helpers shared by the test modules (importable as ``glacier_helpers``: pytest puts this
directory on ``sys.path`` for the conftest beside it)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash


def tree_hash(data: bytes) -> str:
    """The SHA-256 tree hash of ``data`` by botocore's own implementation: the tests' oracle."""
    body: Any = io.BytesIO(data)  # botocore-stubs type the file-like argument as str
    return str(calculate_tree_hash(body))


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    """The HTTP status, error code and message of the error a boto3 call raised."""
    response = excinfo.value.response
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    return status, response["Error"]["Code"], response["Error"]["Message"]
