"""Who is calling, and which region they are talking to.

Glacier's state is per account *per region*, so the wire layer must tell the backend the
region of each request. Reading them verifies nothing (``signature.py`` does, when
``verify_signatures`` is on); the region is where a SigV4 client put it, in this order:

1. the credential scope of the ``Authorization`` header
   (``AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/glacier/aws4_request, ...``);
2. the ``X-Amz-Credential`` query parameter of a presigned URL (same scope format);
   a scope's region counts only when it is shaped like one: boto 2, sending to ``127.0.0.1``,
   signs for region ``0``, and its state belongs in the host's region like an unsigned request's;
3. the host name: ``glacier.<region>.amazonaws.com``, ``glacier-fips.<region>.amazonaws.com``,
   dual-stack ``glacier.<region>.api.aws``, China ``glacier.<region>.amazonaws.com.cn``;
4. ``us-east-1`` (e.g. an unsigned request to a custom ``endpoint_url``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pytest_glacier.wire.http import HttpRequest

DEFAULT_REGION = "us-east-1"

_SCOPE_IN_HEADER = re.compile(r"Credential=([^,\s]+)")
_REGION_IN_HOST = re.compile(
    r"^glacier(?:-fips)?\.(?:dualstack\.)?([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$"
)
_PRESIGN_KEYS = ("X-Amz-Signature", "X-Amz-Credential")
_REGION_NAME = re.compile(r"[a-z]{2,4}(?:-[a-z0-9]+)+-[0-9]+")
"""What every AWS region name looks like: ``us-east-1``, ``us-gov-west-1``, ``eu-isoe-west-1``."""


@dataclass(frozen=True)
class Caller:
    """What the request says about its sender."""

    region: str
    access_key_id: str | None
    presigned: bool


def caller_of(request: HttpRequest) -> Caller:
    """The :class:`Caller` of ``request`` (never fails: unsigned requests get the defaults)."""
    query = request.query
    presigned = any(key in _PRESIGN_KEYS for key, _ in query) if query else False
    caller = _caller_in_header(_scope_part(request.headers.get("Authorization", "")), presigned)
    if caller is None and query:
        caller = _signed_by(_credential_in_query(query), presigned)
    if caller is not None and caller.region:
        return caller
    region = _region_from_host(request.host) or DEFAULT_REGION
    return Caller(region, caller.access_key_id if caller else None, presigned)


def _scope_part(authorization: str) -> str:
    """``Authorization`` up to its first comma: ``AWS4-HMAC-SHA256 Credential=<scope>``.

    It is the same for every request of a client on one day; the signature comes after it.
    """
    comma = authorization.find(",")
    return authorization if comma < 0 else authorization[:comma]


@functools.lru_cache(maxsize=256)
def _caller_in_header(scope_part: str, presigned: bool) -> Caller | None:
    # Asked on every request with the same few scopes: the header is parsed once per scope.
    return _signed_by(_credential_in_header(scope_part), presigned)


def _credential_in_header(authorization: str) -> str | None:
    if not authorization.startswith("AWS4-"):
        return None
    found = _SCOPE_IN_HEADER.search(authorization)
    return found.group(1) if found else None


def _credential_in_query(query: list[tuple[str, str]]) -> str | None:
    return next((value for key, value in query if key == "X-Amz-Credential"), None)


def _signed_by(credential: str | None, presigned: bool) -> Caller | None:
    return _caller_with_scope(credential, presigned) if credential else None


def _caller_with_scope(credential: str, presigned: bool) -> Caller | None:
    # AKID/date/region/service/aws4_request; split from the right so the scope is found even
    # if an access key ever contained a "/".
    parts = credential.rsplit("/", 4)
    if len(parts) != 5 or not parts[0] or not parts[2]:
        return None
    region = parts[2] if _REGION_NAME.fullmatch(parts[2]) else ""  # "": the host's, or default
    return Caller(region=region, access_key_id=parts[0], presigned=presigned)


def _region_from_host(host: str) -> str | None:
    found = _REGION_IN_HOST.match(host)
    return found.group(1) if found else None
