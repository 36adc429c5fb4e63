"""Who is calling, from where: what the backend knows about a request besides its parameters."""

from __future__ import annotations

from dataclasses import dataclass

from pytest_glacier.backend.arns import partition_of


@dataclass(frozen=True)
class RequestContext:
    """The caller of one operation.

    ``account_id`` is the account of the credentials that signed the request (the account the
    ``-`` in a URI stands for); ``region`` is where the request was sent.
    """

    region: str
    account_id: str
    access_key_id: str | None = None
    secure_transport: bool = True

    @property
    def partition(self) -> str:
        return partition_of(self.region)
