"""Which account a request acts on: the ``accountId`` URI segment (GLACIER_SPEC §1.2)."""

from __future__ import annotations

from pytest_glacier.backend.context import RequestContext
from pytest_glacier.backend.errors import AccessDeniedException
from pytest_glacier.backend.numeric_text import is_digits


def is_account_id(text: str) -> bool:
    """Whether ``text`` is an AWS account id: exactly 12 ASCII digits, no hyphens."""
    return len(text) == 12 and is_digits(text)


def resolve_account(ctx: RequestContext, account_id: str) -> str:
    """The account that ``account_id`` names for this caller.

    ``-`` means the caller's own account. Another account's 12-digit id names that account:
    whether the caller may act on it is decided by its vaults' policies
    (:func:`pytest_glacier.backend.access.authorize_request` runs before every operation and
    denies another account unless a vault policy allows it). Anything else, such as an id with
    hyphens, is refused with AccessDeniedException, as real Glacier does.
    """
    if account_id in ("-", ctx.account_id):
        return ctx.account_id
    if is_account_id(account_id):
        return account_id
    raise AccessDeniedException(
        f"Access denied for account ID: {account_id}. The account ID in the request URI must be "
        f"'-' (the account of the credentials that signed the request, {ctx.account_id}) or a "
        f"12-digit account ID without hyphens."
    )
