"""Amazon Resource Names of Glacier resources (GLACIER_SPEC §1.1)."""

from __future__ import annotations


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to: ``aws``, ``aws-cn`` or ``aws-us-gov``."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
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
