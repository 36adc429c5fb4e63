"""Shared fixtures: boto3 clients as users create them."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.config import Config

REGION = "us-east-1"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture
def glacier(glacier_mock: Any) -> Any:
    """A Glacier client in us-east-1, created after the mock started."""
    return boto3.client("glacier", region_name=REGION)


@pytest.fixture
def no_retry_glacier(glacier_mock: Any) -> Any:
    """A Glacier client that does not retry, for tests about error responses."""
    return boto3.client("glacier", region_name=REGION, config=NO_RETRIES)
