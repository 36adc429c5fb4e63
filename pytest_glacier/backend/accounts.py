"""Which account a request acts on: the ``accountId`` URI segment (GLACIER_SPEC §1.2)."""

from __future__ import annotations

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import AccessDeniedException


def resolve_account(ctx: RequestContext, account_id: str) -> str:
    """The account that ``account_id`` names for this caller.

    ``-`` means the caller's own account. An explicit id must be the caller's own account,
    written as 12 digits without hyphens; anything else is refused with AccessDeniedException,
    as real Glacier does.
    """
    if account_id in ("-", ctx.account_id):
        return ctx.account_id
    raise AccessDeniedException(
        f"Access denied: the account ID in the request URI ({account_id}) is not the account "
        f"of the credentials that signed the request ({ctx.account_id}). Use '-' or the "
        f"signer's own 12-digit account ID."
    )
