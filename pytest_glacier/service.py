"""Serving one HTTP request: wire in, backend, wire out.

Every transport hands its requests to :meth:`GlacierService.handle`. This is the only place that
sees both sides: it decodes the request with the wire layer, resolves the caller's account,
applies an injected fault if one is pending, runs the operation on the backend, encodes the
result or the error, and records the :class:`~pytest_glacier.records.Call`. An exception that is
not a Glacier error is a bug in the mock: it is answered as a 500 and kept for teardown.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from functools import cache
from typing import Any

import botocore
from botocore.model import OperationModel

from pytest_glacier.backend import Backend, GlacierError, RequestContext
from pytest_glacier.backend.errors import ServiceUnavailableException
from pytest_glacier.backend.ids import request_id
from pytest_glacier.faults import FaultInjector
from pytest_glacier.records import Call
from pytest_glacier.wire import Decoded, decode, encode_error, encode_result, identify
from pytest_glacier.wire.caller import Caller
from pytest_glacier.wire.http import HttpRequest, HttpResponse
from pytest_glacier.wire.signature import SignatureChecker


class GlacierService:
    """Turns :class:`HttpRequest` into :class:`HttpResponse` against one backend."""

    def __init__(
        self, backend: Backend, faults: FaultInjector, signatures: SignatureChecker | None = None
    ) -> None:
        self.backend = backend
        self.faults = faults
        self.signatures = signatures
        """Checks every request's SigV4 signature when ``verify_signatures`` is on."""
        self._calls = _CallLog()
        self.bugs: list[str] = []
        """Tracebacks of exceptions the mock raised while serving; fail the test at teardown."""
        self._bugs_lock = threading.Lock()
        self._contexts: dict[tuple[str, str | None, bool], RequestContext] = {}
        """The context of each (region, access key, https) seen: a context never changes, and
        most requests come from one client. An upload's adds the hashes of its body."""

    @property
    def calls(self) -> list[Call]:
        """Every request served so far, oldest first (a new list each time)."""
        return self._calls.snapshot()

    def clear_calls(self) -> None:
        self._calls.clear()

    def handle(self, request: HttpRequest) -> HttpResponse:
        try:
            now = self.backend.now()
        except Exception as bug:  # not even the clock: still an answer, and a teardown failure
            self._record_bug(bug, None)
            now = datetime.now(timezone.utc)
        decoded: Decoded | None = None
        ctx: RequestContext | None = None
        try:
            decoded = self._decode(request, now)
            # Checked once the request is decoded, so that a refused call is recorded by operation.
            self._check_signature(request, now)
            ctx = self._context(request, decoded)
            output = self._run(decoded, ctx, now)
            response = encode_result(decoded.operation, output, request_id=request_id(), date=now)
            error: GlacierError | None = None
        except GlacierError as refusal:
            error = refusal
        except Exception as bug:
            error = self._record_bug(bug, decoded)
        if error is not None:
            response = encode_error(error, request_id=request_id(), date=now)
        self._record_call(decoded, ctx, request, response.status, error, at=now)
        return response

    def _decode(self, request: HttpRequest, now: datetime) -> Decoded:
        try:
            return decode(request)
        except GlacierError:
            self._check_signature(request, now)  # a bad signature is refused before anything else
            raise

    def _check_signature(self, request: HttpRequest, now: datetime) -> None:
        if self.signatures is not None:
            self.signatures.verify(request, now)

    def _context(self, request: HttpRequest, decoded: Decoded) -> RequestContext:
        caller = decoded.caller
        cache_key = (caller.region, caller.access_key_id, request.is_secure)
        ctx = self._contexts.get(cache_key)
        if ctx is None:
            ctx = self._contexts[cache_key] = self._new_context(request, decoded.caller)
        if decoded.payload_sha256 is None:
            return ctx
        return ctx._replace(
            payload_sha256=decoded.payload_sha256,
            payload_chunk_digests=decoded.payload_chunk_digests,
        )

    def _new_context(self, request: HttpRequest, caller: Caller) -> RequestContext:
        key = caller.access_key_id
        return RequestContext(
            region=caller.region,
            account_id=self.backend.settings.account_for_key(key),
            access_key_id=key,
            secure_transport=request.is_secure,
            principal_arn=self.backend.settings.principal_for_key(key),
        )

    def _run(self, decoded: Decoded, ctx: RequestContext, now: datetime) -> dict[str, Any]:
        name = decoded.operation.name
        injected = self.faults.take(name)
        if injected is not None:
            raise injected
        return self.backend.dispatch(name, ctx, _snake_case_params(decoded), now=now)

    def _record_bug(self, bug: Exception, decoded: Decoded | None) -> GlacierError:
        where = decoded.operation.name if decoded else "a request"
        with self._bugs_lock:
            self.bugs.append(f"while serving {where}:\n" + "".join(traceback.format_exception(bug)))
        return ServiceUnavailableException(
            f"pytest-glacier internal error while serving {where}: "
            f"{type(bug).__name__}: {bug}. This is a bug in pytest-glacier, not in your code; "
            f"the test fails at teardown with the traceback. Please report it."
        )

    def _record_call(
        self,
        decoded: Decoded | None,
        ctx: RequestContext | None,
        request: HttpRequest,
        status: int,
        error: GlacierError | None,
        *,
        at: datetime,
    ) -> None:
        if decoded is not None:
            operation = decoded.operation.name
            params = _recorded_params(decoded)
            region = decoded.caller.region
        elif (known := identify(request)) is not None:
            refused, caller, labels = known  # refused after routing: its params are unparsed
            operation, params, region = refused.name, dict(labels), caller.region
        else:
            operation, params, region = "Unknown", {"method": request.method}, ""
        self._calls.add(
            (
                operation,
                region,
                params,
                status,
                error.code if error else None,
                error.message if error else None,
                ctx.account_id if ctx else None,
                at,
            )
        )


_CallFields = tuple[str, str, dict[str, Any], int, str | None, str | None, str | None, datetime]
"""A :class:`Call`'s fields, in the order of its definition."""


class _CallLog:
    """The calls served, kept as plain tuples and made :class:`Call` objects when read.

    Recording happens on every request and reading only when a test looks, so the cost of
    building the (frozen) records is paid on the reading side, once per call.
    """

    def __init__(self) -> None:
        self._recorded: list[_CallFields] = []
        self._built: list[Call] = []
        """``Call`` objects of the first ``len(_built)`` recorded calls."""
        self._lock = threading.Lock()

    def add(self, fields: _CallFields) -> None:
        self._recorded.append(fields)  # atomic: no lock on the serving path

    def snapshot(self) -> list[Call]:
        with self._lock:
            recorded, built = self._recorded, self._built
            built.extend(Call(*fields) for fields in recorded[len(built) :])
            return list(built)

    def clear(self) -> None:
        with self._lock:
            self._recorded = []
            self._built = []


def _snake_case_params(decoded: Decoded) -> dict[str, Any]:
    names = _snake_case_names(decoded.operation)
    return {names[name]: value for name, value in decoded.params.items()}


@cache
def _snake_case_names(operation: OperationModel) -> dict[str, str]:
    shape = operation.input_shape
    members = shape.members if shape is not None else {}
    return {name: botocore.xform_name(name) for name in members}


@cache
def _streaming_member(operation: OperationModel) -> str | None:
    shape = operation.input_shape
    if shape is None:
        return None
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob":
        return str(payload)
    return None


def _recorded_params(decoded: Decoded) -> dict[str, Any]:
    streaming = _streaming_member(decoded.operation)
    if streaming is None or streaming not in decoded.params:
        return decoded.params  # this request's own dict (the backend got a snake_case copy)
    return {name: value for name, value in decoded.params.items() if name != streaming}


Handler = Callable[[HttpRequest], HttpResponse]
