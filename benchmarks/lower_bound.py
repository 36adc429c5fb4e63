"""The least any handler behind the mock's seam costs: a reference for the per-call figures.

The per-call targets compare the mock with the floor (botocore alone). This module measures a
third contender in the same rounds: the mock's own transport (botocore's ``_send`` patched,
the request converted to an :class:`HttpRequest`, the response back to an ``AWSResponse``)
with, behind it, a *minimal handler* written by hand for just the benchmarked operations. It
routes by path shape, keeps vaults, archives and jobs in plain dicts, checks an upload's SHA-256
and nothing else, and answers with the same status, headers and JSON as the mock. It has no
model, no validation, no authorization, no records, no simulated time.

So ``minimal / floor`` is about the lowest ratio a mock can reach at this seam on this machine:
what is left between it and the mock's ratio is the cost of doing the work properly, and what
is left between it and a per-call target is all a real implementation may spend. It is a
benchmark reference only; nothing in pytest_glacier uses it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any
from unittest import mock

from harness import ACCOUNT, REGION, Figure, alternate, timed
from per_call import SCENARIOS, PerCall, Scenario

from pytest_glacier import mock_glacier
from pytest_glacier.backend.dates import iso_millis
from pytest_glacier.backend.ids import archive_id, job_id, request_id
from pytest_glacier.service import GlacierService
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse
from pytest_glacier.wire.serializer import http_date


class MinimalGlacier:
    """Just enough of Glacier for the per-call scenarios, with no checks beyond the hashes."""

    def __init__(self) -> None:
        self.vaults: dict[str, datetime] = {}
        self.archives: dict[str, tuple[str, bytes, str]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.served = 0

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.served += 1
        now = datetime.now(timezone.utc)
        segments = request.path.split("/")  # "", account, "vaults", [vault, [noun, [id]]]
        method = request.method
        if len(segments) == 3:
            return self._json(now, {"VaultList": [self._vault(v) for v in self.vaults]})
        vault = segments[3]
        if len(segments) == 4:
            if method == "PUT":
                self.vaults[vault] = now
                return self._empty(now, 201, Location=f"/{ACCOUNT}/vaults/{vault}")
            return self._json(now, self._vault(vault))
        if segments[4] == "archives":
            return self._upload(now, request, vault)
        if method == "POST":
            return self._initiate_job(now, request, vault)
        return self._json(now, self.jobs[segments[5]])

    def _vault(self, name: str) -> dict[str, Any]:
        return {
            "VaultARN": f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/{name}",
            "VaultName": name,
            "CreationDate": iso_millis(self.vaults[name]),
            "LastInventoryDate": None,
            "NumberOfArchives": 0,
            "SizeInBytes": 0,
        }

    def _upload(self, now: datetime, request: HttpRequest, vault: str) -> HttpResponse:
        body = request.body
        digest = hashlib.sha256(body).hexdigest()  # one chunk: the tree hash is the SHA-256
        headers = request.headers
        if headers.get("x-amz-content-sha256") != digest:
            raise ValueError("payload hash mismatch")
        if headers.get("x-amz-sha256-tree-hash") != digest:
            raise ValueError("tree hash mismatch")
        new_id = archive_id()
        self.archives[new_id] = (vault, body, digest)
        return self._empty(
            now,
            201,
            **{
                "Location": f"/{ACCOUNT}/vaults/{vault}/archives/{new_id}",
                "x-amz-sha256-tree-hash": digest,
                "x-amz-archive-id": new_id,
            },
        )

    def _initiate_job(self, now: datetime, request: HttpRequest, vault: str) -> HttpResponse:
        parameters = _DECODER.decode(request.body.decode("utf-8"))
        _, data, digest = self.archives[parameters["ArchiveId"]]
        new_id = job_id()
        self.jobs[new_id] = {
            "JobId": new_id,
            "JobDescription": None,
            "Action": "ArchiveRetrieval",
            "ArchiveId": parameters["ArchiveId"],
            "VaultARN": f"arn:aws:glacier:{REGION}:{ACCOUNT}:vaults/{vault}",
            "CreationDate": iso_millis(now),
            "Completed": False,
            "StatusCode": "InProgress",
            "StatusMessage": None,
            "ArchiveSizeInBytes": len(data),
            "InventorySizeInBytes": None,
            "SNSTopic": None,
            "CompletionDate": None,
            "SHA256TreeHash": digest,
            "ArchiveSHA256TreeHash": digest,
            "RetrievalByteRange": f"0-{len(data) - 1}",
            "Tier": parameters.get("Tier", "Standard"),
            "InventoryRetrievalParameters": None,
            "JobOutputPath": None,
            "SelectParameters": None,
            "OutputLocation": None,
        }
        return self._empty(
            now,
            202,
            **{"Location": f"/{ACCOUNT}/vaults/{vault}/jobs/{new_id}", "x-amz-job-id": new_id},
        )

    @staticmethod
    def _json(now: datetime, document: dict[str, Any]) -> HttpResponse:
        body = _ENCODER.encode(document).encode("ascii")
        headers = _headers(now, Content_Type="application/json")
        headers["content-length"] = ("Content-Length", str(len(body)))
        return HttpResponse(200, Headers.keyed(headers), body)

    @staticmethod
    def _empty(now: datetime, status: int, **extra: str) -> HttpResponse:
        headers = _headers(now, **extra)
        headers["content-length"] = ("Content-Length", "0")
        return HttpResponse(status, Headers.keyed(headers), b"")


_ENCODER = json.JSONEncoder(separators=(",", ":"))
_DECODER = json.JSONDecoder()


def _headers(now: datetime, **extra: str) -> dict[str, tuple[str, str]]:
    """Request id, Date and ``extra`` (``_`` in a keyword stands for ``-``), keyed by lower case."""
    headers = {
        "x-amzn-requestid": ("x-amzn-RequestId", request_id()),
        "date": ("Date", http_date(now)),
    }
    for keyword, value in extra.items():
        name = keyword.replace("_", "-")
        headers[name.lower()] = (name, value)
    return headers


class LowerBound:
    """The per-call scenarios with the mock, with the minimal handler, and with the floor."""

    def __init__(self, bench: PerCall) -> None:
        self.bench = bench

    def figures(self) -> list[Figure]:
        figures = []
        for scenario in SCENARIOS:
            medians = alternate(
                {
                    "mock": lambda s=scenario: self.bench._mock_round(s),
                    "minimal": lambda s=scenario: self._minimal_round(s),
                    "floor": lambda s=scenario: self.bench._floor_round(s),
                },
                self.bench.rounds,
            )
            floor_us = medians["floor"] * 1e6
            mock_us = medians["mock"] * 1e6
            minimal_us = medians["minimal"] * 1e6
            figures.append(
                Figure(
                    f"seam lower bound: {scenario.name}",
                    minimal_us,
                    "us",
                    "floor",
                    floor_us,
                    note=(
                        f"a minimal handler at the mock's seam is {minimal_us / floor_us:.3f} x "
                        f"the floor; the mock, in the same rounds, {mock_us / floor_us:.3f} x"
                    ),
                )
            )
        return figures

    def _minimal_round(self, scenario: Scenario) -> float:
        client = self.bench.mock_client
        minimal = MinimalGlacier()

        def serve(_service: GlacierService, request: HttpRequest) -> HttpResponse:
            return minimal.handle(request)

        # Patched before the mock starts: starting hands the transport the bound method.
        with mock.patch.object(GlacierService, "handle", serve), mock_glacier():
            state = scenario.setup(client)
            seconds = timed(lambda: scenario.call(client, state), self.bench.batch)
        if minimal.served < self.bench.batch:
            raise RuntimeError(
                f"the minimal handler served {minimal.served} requests of a round of "
                f"{self.bench.batch} calls: the figure would be the mock's own"
            )
        return seconds
