"""SigV4 signature checking, for the ``verify_signatures`` option (CONTRACT §4).

The mock recomputes each request's signature with botocore's own signer
(:class:`botocore.auth.SigV4Auth`, :class:`~botocore.auth.SigV4QueryAuth` for presigned URLs),
over the request exactly as it arrived: its method, raw path and query, the headers its
``SignedHeaders`` names, the payload hash it declared (``x-amz-content-sha256``) or the hash of
its body, and its own ``x-amz-date``. The secret comes from the ``credentials`` option. Then:

* no ``Authorization`` header and no presigned query: 400 ``MissingAuthenticationTokenException``;
* an access key the mock does not know: 400 ``UnrecognizedClientException``;
* a signature that does not match (wrong secret, a header or the body changed after signing,
  a malformed header, an expired presigned URL): 403 ``InvalidSignatureException``.

The request time is not compared with the mock's clock (real Glacier refuses requests signed
more than 15 minutes away from its time): simulated time runs ahead of the real clock of any
client outside the process. A presigned URL's ``X-Amz-Expires`` is enforced against the mock's
clock, since whoever generated it did so in simulated time.

Stateless: a :class:`SignatureChecker` holds only the credentials.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from botocore.auth import EMPTY_SHA256_HASH, UNSIGNED_PAYLOAD, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from pytest_glacier.backend.errors import (
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)
from pytest_glacier.backend.numeric_text import parse_long
from pytest_glacier.wire.http import HttpRequest

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "glacier"
SIGV4_TIMESTAMP = "%Y%m%dT%H%M%SZ"

MISSING_AUTHENTICATION = "Missing Authentication Token"
UNKNOWN_KEY = "The security token included in the request is invalid."
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)

_AUTH_PARAM = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")


@dataclass(frozen=True)
class _Signed:
    """What a request says about how it was signed."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    timestamp: str
    presigned: bool
    expires: int | None = None


class _SignedHeadersOnly:
    """Sign exactly the headers the client named in ``SignedHeaders``.

    botocore chooses which headers to sign when it signs; to verify, the choice is the client's
    (another SDK may sign headers botocore never would, such as ``User-Agent``).
    """

    client_signed: frozenset[str]

    def headers_to_sign(self, request: AWSRequest) -> Any:
        selected = super().headers_to_sign(request)  # type: ignore[misc]
        for name, value in request.headers.items():
            lower = name.lower()
            if lower in self.client_signed and lower not in selected:
                selected[lower] = value
        for name in set(selected.keys()):
            if name not in self.client_signed:
                del selected[name]
        return selected


class _HeaderVerifier(_SignedHeadersOnly, SigV4Auth):
    pass


class _QueryVerifier(_SignedHeadersOnly, SigV4QueryAuth):
    pass


class SignatureChecker:
    """Verifies requests' SigV4 signatures against known ``{access_key_id: secret}``."""

    def __init__(self, credentials: Mapping[str, str]) -> None:
        self.credentials = dict(credentials)

    def verify(self, request: HttpRequest, now: datetime) -> None:
        """Return if ``request`` is correctly signed by a known key; raise the real error if not."""
        signed = _signed_by(request)
        secret = self.credentials.get(signed.access_key_id)
        if secret is None:
            raise UnrecognizedClientException(UNKNOWN_KEY)
        if signed.service != SERVICE:
            raise InvalidSignatureException(
                f"Credential should be scoped to correct service: '{SERVICE}'. "
            )
        if signed.presigned and signed.expires is not None:
            _check_not_expired(signed, now)
        expected = _expected_signatures(request, signed, secret)
        # compare_digest takes ASCII text only; a signature that is not ASCII matches nothing.
        given = signed.signature
        if not given.isascii() or not any(
            hmac.compare_digest(candidate, given) for candidate in expected
        ):
            raise InvalidSignatureException(MISMATCH)


# -- reading the request -------------------------------------------------------------------------


def _signed_by(request: HttpRequest) -> _Signed:
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        return _from_header(request, authorization)
    query = dict(request.query) if "?" in request.url else {}
    if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
        return _from_query(query)
    raise MissingAuthenticationTokenException(MISSING_AUTHENTICATION)


def _from_header(request: HttpRequest, authorization: str) -> _Signed:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise InvalidSignatureException(
            f"Unsupported authorization type {algorithm!r}: Glacier requests are signed with "
            f"AWS Signature Version 4 ({ALGORITHM})."
        )
    params = dict(_AUTH_PARAM.findall(rest))
    missing = [
        name for name in ("Credential", "SignedHeaders", "Signature") if not params.get(name)
    ]
    problems = [f"Authorization header requires '{name}' parameter." for name in missing]
    timestamp = _header_timestamp(request)
    if timestamp is None:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if missing or timestamp is None:
        raise InvalidSignatureException(f"{' '.join(problems)} Authorization={authorization}")
    return _scoped(
        credential=params["Credential"],
        signed_headers=params["SignedHeaders"],
        signature=params["Signature"],
        timestamp=timestamp,
        presigned=False,
    )


def _from_query(query: Mapping[str, str]) -> _Signed:
    missing = [
        name
        for name in (
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
        )
        if not query.get(name)
    ]
    if missing:
        raise InvalidSignatureException(
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters."
        )
    if query["X-Amz-Algorithm"] != ALGORITHM:
        raise InvalidSignatureException(
            f"Unsupported X-Amz-Algorithm {query['X-Amz-Algorithm']!r}: use {ALGORITHM}."
        )
    expires_text = query.get("X-Amz-Expires")
    expires = parse_long(expires_text) if expires_text else None
    return _scoped(
        credential=query["X-Amz-Credential"],
        signed_headers=query["X-Amz-SignedHeaders"],
        signature=query["X-Amz-Signature"],
        timestamp=query["X-Amz-Date"],
        presigned=True,
        expires=expires,
    )


def _scoped(
    *,
    credential: str,
    signed_headers: str,
    signature: str,
    timestamp: str,
    presigned: bool,
    expires: int | None = None,
) -> _Signed:
    parts = credential.rsplit("/", 4)
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise InvalidSignatureException(
            f"Credential should be scoped to a valid region, service and date: {credential!r} is "
            f"not <access key>/<yyyymmdd>/<region>/<service>/aws4_request."
        )
    key, date, region, service, _ = parts
    return _Signed(
        access_key_id=key,
        date=date,
        region=region,
        service=service,
        signed_headers=tuple(name.strip().lower() for name in signed_headers.split(";")),
        signature=signature,
        timestamp=timestamp,
        presigned=presigned,
        expires=expires,
    )


def _header_timestamp(request: HttpRequest) -> str | None:
    amz_date = request.headers.get("X-Amz-Date")
    if amz_date:
        return amz_date.strip()
    date = request.headers.get("Date")
    if not date:
        return None
    try:
        when = parsedate_to_datetime(date).astimezone(timezone.utc)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an offset past year 9999
        return None
    return when.strftime(SIGV4_TIMESTAMP)


def _check_not_expired(signed: _Signed, now: datetime) -> None:
    try:
        signed_at = datetime.strptime(signed.timestamp, SIGV4_TIMESTAMP).replace(
            tzinfo=timezone.utc
        )
    except ValueError:
        raise InvalidSignatureException(
            f"X-Amz-Date must be in the ISO8601 Long Format (yyyyMMdd'T'HHmmss'Z'), got "
            f"{signed.timestamp!r}."
        ) from None
    assert signed.expires is not None
    try:
        until = signed_at + timedelta(seconds=signed.expires)
    except OverflowError:
        return  # valid until after the year 9999
    if now > until:
        raise InvalidSignatureException(
            f"Signature expired: {until.strftime(SIGV4_TIMESTAMP)} is now earlier than "
            f"{now.astimezone(timezone.utc).strftime(SIGV4_TIMESTAMP)}. The presigned URL was "
            f"signed at {signed.timestamp} for {signed.expires} seconds."
        )


# -- recomputing ---------------------------------------------------------------------------------


def _expected_signatures(request: HttpRequest, signed: _Signed, secret: str) -> list[str]:
    credentials = Credentials(signed.access_key_id, secret)
    url = _without_signature(request.url) if signed.presigned else request.url
    headers = {name: value for name, value in request.headers.items() if name != "Authorization"}
    aws_request = AWSRequest(method=request.method, url=url, headers=headers, data=request.body)
    aws_request.context["timestamp"] = signed.timestamp
    verifier_class = _QueryVerifier if signed.presigned else _HeaderVerifier
    verifier = verifier_class(credentials, signed.service, signed.region)
    verifier.client_signed = frozenset(signed.signed_headers)
    canonical = verifier.canonical_request(aws_request)
    candidates = [_sign(verifier, aws_request, canonical)]
    if signed.presigned and "x-amz-content-sha256" not in signed.signed_headers:
        # botocore presigns with the hash of the empty body; other SDKs with UNSIGNED-PAYLOAD.
        head, _, payload = canonical.rpartition("\n")
        other = UNSIGNED_PAYLOAD if payload == EMPTY_SHA256_HASH else EMPTY_SHA256_HASH
        candidates.append(_sign(verifier, aws_request, f"{head}\n{other}"))
    return candidates


def _sign(verifier: SigV4Auth, request: AWSRequest, canonical_request: str) -> str:
    string_to_sign = verifier.string_to_sign(request, canonical_request)
    return str(verifier.signature(string_to_sign, request))


def _without_signature(url: str) -> str:
    """``url`` without its ``X-Amz-Signature`` parameter, the rest of the query untouched."""
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and unquote(pair.partition("=")[0]) != "X-Amz-Signature"
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


__all__ = [
    "MISMATCH",
    "MISSING_AUTHENTICATION",
    "UNKNOWN_KEY",
    "SignatureChecker",
]
