"""Which Glacier operation an HTTP request is: routes compiled from the model's ``requestUri``.

Every operation in botocore's Glacier model declares ``http.method`` and ``http.requestUri``,
e.g. ``GET /{accountId}/vaults/{vaultName}/jobs/{jobId}``. A URI may end with a literal query
(``/{accountId}/vaults/{vaultName}/tags?operation=add``): AddTagsToVault and RemoveTagsFromVault
share one method and path and differ only by it.

Matching works on the raw (still percent-encoded) path, so an encoded ``/`` inside a vault name
cannot split a segment: the path is split on ``/``, each ``{label}`` takes exactly one segment,
literal segments compare exactly, and only then are labels percent-decoded. Routes are grouped by
method and segment count, and inside a group the most literal route is tried first.

Empty segments: a label must be non-empty, except ``{vaultName}`` (see :data:`MAY_BE_EMPTY`).
botocore serializes ``vaultName=""`` as an empty segment (``PUT /-/vaults/``,
``GET /-/vaults//tags``), and the caller is owed the operation's own answer: CreateVault's 400
for an invalid name, the vault lookup's 404 everywhere else. So ``GET /-/vaults/`` is
DescribeVault of ``""``, never ListVaults: it is exactly what ``describe_vault(vaultName="")``
sends, and answering it with a vault list would hand that caller a ListVaults body parsed as a
DescribeVault result (a silent success) where Glacier has no such vault. botocore never sends
ListVaults with a trailing slash.

Any other empty segment (an empty account, job, upload, archive or lock id, or a trailing slash
after a literal such as ``/-/vaults/v/``) matches nothing, and the 404 says so: accepting it
would make the mock take URLs the real service may not.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode

from botocore.model import OperationModel

from pytest_glacier.backend.errors import ResourceNotFoundException
from pytest_glacier.wire.model import service_model

QueryPairs = Sequence[tuple[str, str]]

MAY_BE_EMPTY = frozenset({"vaultName"})
"""Labels whose value may be an empty segment: only ``vaultName``, which the backend validates
(CreateVault) or looks up (every other operation), so ``""`` gets Glacier's own answer. Other
labels are ids the caller got from Glacier; an empty one is never valid and stays a routing 404.
"""


@dataclass(frozen=True)
class Route:
    """One operation's compiled ``requestUri``."""

    operation: OperationModel
    method: str
    template: str
    """The path part of the ``requestUri``, for messages."""
    size: int
    """Number of path segments."""
    literals: tuple[tuple[int, str], ...]
    """(segment index, exact text) of each literal segment."""
    labels: tuple[tuple[int, str], ...]
    """(segment index, label name) of each ``{label}`` segment."""
    non_empty: tuple[int, ...]
    """Segment index of each label that must not be empty (all but :data:`MAY_BE_EMPTY`)."""
    query: tuple[tuple[str, str], ...]
    """Literal query pairs the request must carry."""

    @property
    def specificity(self) -> int:
        return len(self.literals) + len(self.query)

    def matches_path(self, segments: Sequence[str]) -> bool:
        # Loops, not all() over generators: this runs for every request whose path is new
        # (each DescribeJob of a new job), and a generator costs more than the comparisons.
        for index, text in self.literals:
            if segments[index] != text:
                return False
        for index in self.non_empty:  # noqa: SIM110 (see above)
            if not segments[index]:
                return False
        return True

    def matches_query(self, query_pairs: QueryPairs) -> bool:
        return all(pair in query_pairs for pair in self.query)

    def label_values(self, segments: Sequence[str], *, encoded: bool) -> dict[str, str]:
        """The labels' values, percent-decoded when the path has any ``%`` (``encoded``)."""
        if not encoded:
            return {name: segments[i] for i, name in self.labels}
        return {name: unquote(segments[i]) for i, name in self.labels}

    def describe_query(self) -> str:
        return f"{urlencode(self.query)} ({self.operation.name})"


def compile_route(operation: OperationModel) -> Route:
    """Compile one operation's ``http.requestUri`` into a :class:`Route`."""
    path, _, query = operation.http["requestUri"].partition("?")
    segments = _split(path)
    literals: list[tuple[int, str]] = []
    labels: list[tuple[int, str]] = []
    for index, segment in enumerate(segments):
        if segment.startswith("{") and segment.endswith("}"):
            name = segment[1:-1]
            if name.endswith("+"):
                # Greedy labels span segments; Glacier's model has none, so don't guess.
                raise ValueError(f"{operation.name}: greedy label {segment} is not supported")
            labels.append((index, name))
        else:
            literals.append((index, segment))
    return Route(
        operation=operation,
        method=operation.http["method"].upper(),
        template=path,
        size=len(segments),
        literals=tuple(literals),
        labels=tuple(labels),
        non_empty=tuple(index for index, name in labels if name not in MAY_BE_EMPTY),
        query=tuple(parse_qsl(query, keep_blank_values=True)),
    )


@dataclass(frozen=True)
class RoutingTable:
    by_method: dict[tuple[str, int], list[Route]]
    """(method, segment count) -> candidate routes, most literal first."""
    by_size: dict[int, list[Route]]
    """segment count -> routes of every method; used only to explain a miss."""


@functools.cache
def routing_table() -> RoutingTable:
    """Every Glacier operation's route, compiled once."""
    model = service_model()
    by_method: dict[tuple[str, int], list[Route]] = defaultdict(list)
    by_size: dict[int, list[Route]] = defaultdict(list)
    for name in model.operation_names:
        compiled = compile_route(model.operation_model(name))
        by_method[compiled.method, compiled.size].append(compiled)
        by_size[compiled.size].append(compiled)
    for group in by_method.values():
        group.sort(key=lambda r: r.specificity, reverse=True)
    return RoutingTable(dict(by_method), dict(by_size))


def route(
    method: str, raw_path: str, query_pairs: QueryPairs
) -> tuple[OperationModel, dict[str, str]]:
    """The operation ``method raw_path?query`` calls, and its decoded URI labels.

    Raises :class:`ResourceNotFoundException` (404) when no operation matches, with a message
    that says what was received and, when the path exists, what it accepts.
    """
    operation, labels = _route(method, raw_path, tuple(query_pairs))
    return operation, dict(labels)


@functools.lru_cache(maxsize=1024)
def _route(
    method: str, raw_path: str, query_pairs: tuple[tuple[str, str], ...]
) -> tuple[OperationModel, tuple[tuple[str, str], ...]]:
    # A pure function of the request line, asked again and again for the same few paths in a
    # test: the answers for the paths seen last are kept (a miss raises, and is not kept).
    method = method.upper()
    segments = _split(raw_path)
    for candidate in routing_table().by_method.get((method, len(segments)), ()):
        if candidate.matches_path(segments) and candidate.matches_query(query_pairs):
            labels = candidate.label_values(segments, encoded="%" in raw_path)
            return candidate.operation, tuple(labels.items())
    raise _no_match(method, raw_path, segments, query_pairs)


def _split(path: str) -> list[str]:
    # "/a/b" -> ["a", "b"]; "/a/b/" -> ["a", "b", ""] (an empty segment matches only an
    # empty vault name).
    return path.split("/")[1:] if path.startswith("/") else path.split("/")


def _no_match(
    method: str, raw_path: str, segments: Sequence[str], query_pairs: QueryPairs
) -> ResourceNotFoundException:
    received = f"{method} {raw_path}" + (f"?{urlencode(query_pairs)}" if query_pairs else "")
    same_path = [
        r for r in routing_table().by_size.get(len(segments), ()) if r.matches_path(segments)
    ]
    same_method = [r for r in same_path if r.method == method]
    if same_method:
        # The path and method exist, but the route needs a literal query (AddTagsToVault...).
        options = " or ".join(r.describe_query() for r in same_method)
        reason = f"{method} on {same_method[0].template} needs the query {options}"
    elif same_path:
        accepted = defaultdict(list)
        for r in same_path:
            accepted[r.method].append(r.operation.name)
        listing = ", ".join(f"{m} ({', '.join(ops)})" for m, ops in sorted(accepted.items()))
        reason = f"{same_path[0].template} accepts only {listing}"
    else:
        reason = "the path is not one Glacier serves"
        if "" in segments and raw_path.strip("/"):
            # Usually an id passed as "" (describe_job(jobId="") sends ".../jobs/") or a
            # hand-built URL with a stray '/': say which, since the path alone looks plausible.
            reason += (
                " (it has an empty segment, and only the vault name may be empty: check for "
                "an account, job, upload, archive or lock id given as '', or a stray '/')"
            )
    return ResourceNotFoundException(f"No Glacier operation matches {received}: {reason}.")
