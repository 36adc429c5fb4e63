"""coldstore's errors: each says what went wrong and, where it can, what to do about it."""

from __future__ import annotations

from botocore.exceptions import ClientError


class ColdStoreError(Exception):
    """Base class: anything coldstore reports to its user."""


class CatalogueError(ColdStoreError):
    """The catalogue file cannot be read or does not match the vault asked for."""


class NotInCatalogue(ColdStoreError):
    """No archive with that name or id was recorded."""


class UploadError(ColdStoreError):
    """An upload failed; any multipart upload was aborted and nothing was recorded."""


class RestoreError(ColdStoreError):
    """A retrieval job failed, did not finish in time, or its output could not be downloaded."""


class IntegrityError(RestoreError):
    """Downloaded bytes do not match the tree hash they should have."""


class LockError(ColdStoreError):
    """The retention lock could not be set."""


def describe(error: ClientError) -> str:
    """``Code: message`` of a Glacier error response."""
    details = error.response.get("Error", {})
    return f"{details.get('Code', 'Unknown')}: {details.get('Message', str(error))}"


def error_code(error: ClientError) -> str:
    """The Glacier error code of a failed request."""
    return str(error.response.get("Error", {}).get("Code", ""))
