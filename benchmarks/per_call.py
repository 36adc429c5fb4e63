"""Per-call cost of the mock against the floor and moto, and the cost of entering and leaving it.

Each contender makes the same boto3 calls, ``batch`` at a time, in rounds (see
:func:`harness.alternate`):

* **mock**: a fresh ``mock_glacier()`` per round (entered and left outside the timing);
* **floor**: the same calls answered at ``before-send`` with the mock's own responses, captured
  once (botocore's serialize, sign and parse, nothing else);
* **moto**: a fresh ``moto.mock_aws()`` per round, for the operations moto serves.

Every client is created once, up front, after moto is imported (moto hooks into clients created
after its import), so each carries the same event handlers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness import (
    CannedResponses,
    Figure,
    alternate,
    floor_client,
    glacier_client,
    ratio_figure,
    timed,
)
from moto import mock_aws  # before any client: moto hooks into clients created after it

from pytest_glacier import mock_glacier

VAULT = "bench"
BODY_1KIB = os.urandom(1024)
PER_CALL_LIMIT_FLOOR = 1.10
PER_CALL_LIMIT_MOTO = 0.45
ENTER_LEAVE_LIMIT_MS = 0.5


@dataclass(frozen=True)
class Scenario:
    """One per-call figure: a setup run outside the timing, then the timed call(s)."""

    name: str
    setup: Callable[[Any], Any]
    call: Callable[[Any, Any], object]


def _vault(client: Any) -> None:
    client.create_vault(vaultName=VAULT)


def _vault_with_archive(client: Any) -> str:
    client.create_vault(vaultName=VAULT)
    return str(client.upload_archive(vaultName=VAULT, body=BODY_1KIB)["archiveId"])


def _job_round_trip(client: Any, archive_id: str) -> None:
    job = client.initiate_job(
        vaultName=VAULT,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Standard"},
    )
    client.describe_job(vaultName=VAULT, jobId=job["jobId"])


SCENARIOS = (
    Scenario("describe_vault", _vault, lambda c, _: c.describe_vault(vaultName=VAULT)),
    Scenario("list_vaults", _vault, lambda c, _: c.list_vaults()),
    Scenario(
        "upload_archive 1 KiB",
        _vault,
        lambda c, _: c.upload_archive(vaultName=VAULT, body=BODY_1KIB),
    ),
    Scenario("initiate_job + describe_job", _vault_with_archive, _job_round_trip),
)


class PerCall:
    """The per-call figures and the enter/leave figure."""

    def __init__(self, *, rounds: int, batch: int) -> None:
        self.rounds = rounds
        self.batch = batch
        self.canned = CannedResponses()
        self.mock_client = glacier_client()
        self.moto_client = glacier_client()
        self.floor_client = floor_client(self.canned)
        self._capture_floor_responses()

    def _capture_floor_responses(self) -> None:
        capturing = glacier_client()
        self.canned.capture(capturing)
        for scenario in SCENARIOS:
            with mock_glacier():
                scenario.call(capturing, scenario.setup(capturing))

    # -- per call --------------------------------------------------------------------------------

    def figures(self, moto_too: bool = True) -> list[Figure]:
        figures = []
        for scenario in SCENARIOS:
            medians = alternate(
                {
                    "mock": lambda s=scenario: self._mock_round(s),
                    "floor": lambda s=scenario: self._floor_round(s),
                    **({"moto": lambda s=scenario: self._moto_round(s)} if moto_too else {}),
                },
                self.rounds,
            )
            mock_us = medians["mock"] * 1e6
            figures.append(
                ratio_figure(
                    f"per call: {scenario.name}",
                    mock_us,
                    "floor",
                    medians["floor"] * 1e6,
                    PER_CALL_LIMIT_FLOOR,
                )
            )
            if moto_too:
                figures.append(
                    ratio_figure(
                        f"per call: {scenario.name}",
                        mock_us,
                        "moto",
                        medians["moto"] * 1e6,
                        PER_CALL_LIMIT_MOTO,
                    )
                )
        return figures

    def _mock_round(self, scenario: Scenario) -> float:
        client = self.mock_client
        with mock_glacier():
            state = scenario.setup(client)
            return timed(lambda: scenario.call(client, state), self.batch)

    def _floor_round(self, scenario: Scenario) -> float:
        client = self.floor_client
        state = scenario.setup(client)
        return timed(lambda: scenario.call(client, state), self.batch)

    def _moto_round(self, scenario: Scenario) -> float:
        client = self.moto_client
        with mock_aws():
            state = scenario.setup(client)
            return timed(lambda: scenario.call(client, state), self.batch)

    # -- entering and leaving --------------------------------------------------------------------

    def enter_leave(self) -> Figure:
        def mock_once() -> None:
            with mock_glacier():
                pass

        def moto_once() -> None:
            with mock_aws():
                pass

        repeat = max(1, self.batch // 5)
        medians = alternate(
            {
                "mock": lambda: timed(mock_once, repeat),
                "moto": lambda: timed(moto_once, repeat),
            },
            self.rounds,
        )
        mock_ms, moto_ms = medians["mock"] * 1e3, medians["moto"] * 1e3
        return Figure(
            "enter + leave mock_glacier()",
            mock_ms,
            "ms",
            "moto mock_aws",
            moto_ms,
            target=f"<= {ENTER_LEAVE_LIMIT_MS} ms",
            met=mock_ms <= ENTER_LEAVE_LIMIT_MS,
        )
