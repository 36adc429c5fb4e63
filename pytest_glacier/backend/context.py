"""Who is calling, from where: what the backend knows about a request besides its parameters."""

from __future__ import annotations

from typing import NamedTuple

from pytest_glacier.backend.arns import partition_of


class RequestContext(NamedTuple):
    """The caller of one operation.

    ``account_id`` is the account of the credentials that signed the request (the account the
    ``-`` in a URI stands for); ``region`` is where the request was sent.

    An immutable record; a named tuple, so that the context of an upload is the caller's own
    context with the payload hashes put in (``_replace``) at the cost of one tuple.
    """

    region: str
    account_id: str
    access_key_id: str | None = None
    secure_transport: bool = True
    payload_sha256: bytes | None = None
    """The SHA-256 of the request body when the wire layer already computed it (to check
    ``x-amz-content-sha256``), so that a body of at most 1 MiB, whose tree hash it is, is not
    hashed twice."""
    payload_chunk_digests: tuple[bytes, ...] | None = None
    """The SHA-256 of each 1 MiB chunk of the body, when the wire layer computed them with the
    SHA-256: the body then needs no hashing at all."""
    principal_arn: str | None = None
    """The IAM identity of the caller when the ``accounts`` option names one (a user or role
    ARN); None means the account itself (``arn:aws:iam::<account>:root``)."""

    @property
    def partition(self) -> str:
        return partition_of(self.region)

    @property
    def caller_arn(self) -> str:
        """The caller's ARN, as policies' ``Principal`` and AccessDenied messages name it."""
        return self.principal_arn or f"arn:{self.partition}:iam::{self.account_id}:root"
