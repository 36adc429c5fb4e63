"""Placeholder: filled in by the vault control plane work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CapacityUnit:
    capacity_id: str
    start_date: datetime
    expiration_date: datetime
