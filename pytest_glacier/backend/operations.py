"""The registry that maps Glacier operation names to the backend functions serving them.

Each noun module (``vaults``, ``tags``, ...) registers its operations with :func:`operation`::

    @operation("CreateVault")
    def create_vault(glacier: Backend, ctx: RequestContext, *, account_id: str, vault_name: str)
        -> Output: ...

A handler takes the backend, the caller's :class:`RequestContext` and the operation's input
members as snake_case keyword arguments (``vaultName`` -> ``vault_name``), and returns a dict
keyed by the output members' model names. By default the backend lock is held while a handler
runs; a handler that hashes large bodies registers with ``locked=False`` and takes the lock
itself around its short critical sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Output = dict[str, Any]
Handler = Callable[..., Output]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Registration:
    name: str
    handler: Handler
    locked: bool


OPERATIONS: dict[str, Registration] = {}
"""Operation model name -> its registration. Filled when the noun modules are imported."""


def operation(name: str, *, locked: bool = True) -> Callable[[H], H]:
    """Register the decorated function as the handler of Glacier operation ``name``."""

    def register(handler: H) -> H:
        if name in OPERATIONS:
            raise RuntimeError(f"operation {name} is registered twice")
        OPERATIONS[name] = Registration(name, handler, locked)
        return handler

    return register
