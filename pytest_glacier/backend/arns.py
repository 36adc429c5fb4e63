"""Amazon Resource Names: of Glacier vaults (GLACIER_SPEC §1.1), and of the IAM and STS
identities that policies and the ``accounts`` option name (GLACIER_SPEC §6.2).

The one place that knows what such an ARN looks like: options, policy validation and policy
evaluation all read identities through :func:`parse_identity`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_REGION_PREFIXES = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("eusc-", "aws-eusc"),
    ("us-iso-", "aws-iso"),
    ("us-isob-", "aws-iso-b"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
)
"""The partitions other than ``aws``, by how their regions' names start (botocore's
``partitions.json``; a unit test checks every partition of the installed botocore)."""

PARTITIONS = ("aws", *(partition for _, partition in _REGION_PREFIXES))
"""The partitions whose ARNs the mock reads (:func:`partition_of` gives a region's)."""


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to: ``aws``, ``aws-cn``, ``aws-us-gov``, ..."""
    for prefix, partition in _REGION_PREFIXES:
        if region.startswith(prefix):
            return partition
    return "aws"


def vault_arn(region: str, account_id: str, vault_name: str) -> str:
    """``arn:aws:glacier:<region>:<account>:vaults/<name>``."""
    return f"arn:{partition_of(region)}:glacier:{region}:{account_id}:vaults/{vault_name}"


def vault_name_from_arn(arn: str) -> str | None:
    """The vault name an ARN names, or None when ``arn`` is not a vault ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "glacier":
        return None
    resource = parts[5]
    if not resource.startswith("vaults/") or len(resource) == len("vaults/"):
        return None
    return resource[len("vaults/") :]


# -- identities ------------------------------------------------------------------------------

_IAM_ARN = re.compile(
    rf"arn:(?P<partition>{'|'.join(PARTITIONS)}):(?P<service>iam|sts)::(?P<account>\d{{12}}):"
    r"(?P<rest>.+)"
)


@dataclass(frozen=True)
class Identity:
    """What a principal ARN says: its account, its type and (for users and roles) its name."""

    arn: str
    account: str
    type: str
    """``Account`` (root), ``User``, ``Role`` or ``AssumedRole``."""
    name: str | None = None
    """The user name, or the role name of a role or assumed-role session."""

    @property
    def role_arn(self) -> str | None:
        """For an assumed-role session, the ARN of its role (``aws:PrincipalArn``)."""
        if self.type != "AssumedRole" or self.name is None:
            return None
        partition = self.arn.split(":", 2)[1]
        return f"arn:{partition}:iam::{self.account}:role/{self.name}"


def parse_identity(arn: str) -> Identity | None:
    """The identity an IAM or STS ARN names, or None when it names none the mock models."""
    found = _IAM_ARN.fullmatch(arn)
    if found is None:
        return None
    account, rest = found["account"], found["rest"]
    if found["service"] == "iam":
        if rest == "root":
            return Identity(arn, account, "Account")
        kind, _, path = rest.partition("/")
        if kind in ("user", "role") and path:
            return Identity(arn, account, kind.capitalize(), path.rsplit("/", 1)[-1])
        return None
    kind, _, session = rest.partition("/")
    role, _, session_name = session.partition("/")
    if kind == "assumed-role" and role and session_name:
        return Identity(arn, account, "AssumedRole", role)
    return None
