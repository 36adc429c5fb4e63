"""The router: every operation's route, literal queries, percent-encoding, and misses."""

from __future__ import annotations

import re
from typing import ClassVar

import pytest

from pytest_glacier.backend.errors import ResourceNotFoundException
from pytest_glacier.wire import service_model
from pytest_glacier.wire.router import compile_route, route

OPERATION_NAMES = service_model().operation_names
LABEL = re.compile(r"\{(\w+)\}")


def concrete(request_uri: str) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """The request URI with each label replaced by a value derived from its name."""
    path, _, query = request_uri.partition("?")
    labels = {name: f"{name}-value" for name in LABEL.findall(path)}
    pairs = [tuple(query.split("=", 1))] if query else []
    return LABEL.sub(lambda m: labels[m.group(1)], path), pairs, labels  # type: ignore[return-value]


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_every_operation_routes_to_itself(name: str) -> None:
    operation = service_model().operation_model(name)
    path, query, labels = concrete(operation.http["requestUri"])

    assert route(operation.http["method"], path, query) == (operation, labels)


@pytest.mark.parametrize(
    ("value", "name"), [("add", "AddTagsToVault"), ("remove", "RemoveTagsFromVault")]
)
def test_the_operation_query_picks_the_tags_operation(value: str, name: str) -> None:
    operation, labels = route("POST", "/-/vaults/v/tags", [("x", "1"), ("operation", value)])

    assert operation.name == name
    assert labels == {"accountId": "-", "vaultName": "v"}


def test_get_on_tags_ignores_the_query() -> None:
    assert route("GET", "/-/vaults/v/tags", [("operation", "add")])[0].name == "ListTagsForVault"


def test_extra_query_parameters_do_not_prevent_a_match() -> None:
    assert route("GET", "/-/vaults", [("limit", "1"), ("foo", "bar")])[0].name == "ListVaults"


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("GET", "ListParts"),
        ("PUT", "UploadMultipartPart"),
        ("POST", "CompleteMultipartUpload"),
        ("DELETE", "AbortMultipartUpload"),
    ],
)
def test_one_path_four_methods(method: str, name: str) -> None:
    operation, labels = route(method, "/123456789012/vaults/v/multipart-uploads/u", [])

    assert operation.name == name
    assert labels == {"accountId": "123456789012", "vaultName": "v", "uploadId": "u"}


def test_method_is_case_insensitive() -> None:
    assert route("get", "/-/vaults/v", [])[0].name == "DescribeVault"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("my%20vault", "my vault"),
        ("a%2Fb", "a/b"),  # an encoded slash stays inside its segment
        ("a+b", "a+b"),  # "+" is a space only in forms, not in paths
        ("%7Etilde", "~tilde"),
        ("caf%C3%A9", "café"),
    ],
)
def test_labels_are_percent_decoded_after_matching(raw: str, decoded: str) -> None:
    operation, labels = route("GET", f"/-/vaults/{raw}/tags", [])

    assert operation.name == "ListTagsForVault"
    assert labels["vaultName"] == decoded


def test_unknown_path_says_what_was_received() -> None:
    with pytest.raises(ResourceNotFoundException) as caught:
        route("GET", "/-/buckets/b", [("x", "1")])

    assert caught.value.status == 404
    assert caught.value.message == (
        "No Glacier operation matches GET /-/buckets/b?x=1: the path is not one Glacier serves."
    )


def test_wrong_method_lists_what_the_path_accepts() -> None:
    with pytest.raises(ResourceNotFoundException) as caught:
        route("PATCH", "/-/vaults/v", [])

    assert caught.value.message == (
        "No Glacier operation matches PATCH /-/vaults/v: /{accountId}/vaults/{vaultName} accepts "
        "only DELETE (DeleteVault), GET (DescribeVault), PUT (CreateVault)."
    )


def test_post_on_tags_without_the_operation_query_names_both_choices() -> None:
    with pytest.raises(ResourceNotFoundException) as caught:
        route("POST", "/-/vaults/v/tags", [("operation", "list")])

    assert caught.value.message == (
        "No Glacier operation matches POST /-/vaults/v/tags?operation=list: POST on "
        "/{accountId}/vaults/{vaultName}/tags needs the query operation=add (AddTagsToVault) "
        "or operation=remove (RemoveTagsFromVault)."
    )


VAULT_SCOPED = [
    name
    for name in OPERATION_NAMES
    if "{vaultName}" in service_model().operation_model(name).http["requestUri"]
]


@pytest.mark.parametrize("name", VAULT_SCOPED)
def test_an_empty_vault_name_reaches_the_operation(name: str) -> None:
    # botocore sends vaultName="" as an empty segment; the backend answers it (400 or 404).
    operation = service_model().operation_model(name)
    path, query, labels = concrete(operation.http["requestUri"].replace("{vaultName}", ""))

    assert route(operation.http["method"], path, query) == (operation, {**labels, "vaultName": ""})


def test_get_on_the_vaults_path_with_a_trailing_slash_is_describe_vault_of_an_empty_name() -> None:
    # What describe_vault(vaultName="") sends; ListVaults is never sent with a trailing slash.
    assert route("GET", "/-/vaults/", []) == (
        service_model().operation_model("DescribeVault"),
        {"accountId": "-", "vaultName": ""},
    )
    assert route("GET", "/-/vaults", [])[0].name == "ListVaults"


@pytest.mark.parametrize(
    "path",
    [
        "/-/vaults/v/",  # a trailing slash after a vault name
        "/-/vaults/v/jobs/",  # describe_job(jobId="")
        "/-/vaults/v/multipart-uploads/",  # list_parts(uploadId="")
        "/-/vaults/v/jobs//output",  # get_job_output(jobId="")
        "//vaults/v",  # accountId=""
        "/-/vaults/v/tags/",
    ],
)
def test_any_other_empty_segment_matches_nothing_and_says_so(path: str) -> None:
    with pytest.raises(ResourceNotFoundException) as caught:
        route("GET", path, [])

    assert caught.value.message == (
        f"No Glacier operation matches GET {path}: the path is not one Glacier serves (it has "
        f"an empty segment, and only the vault name may be empty: check for an account, job, "
        f"upload, archive or lock id given as '', or a stray '/')."
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/-/vaults/v/archives/"),  # delete_archive(archiveId="")
        ("POST", "/-/vaults/v/lock-policy/"),  # complete_vault_lock(lockId="")
        ("PUT", "/-/vaults/v/multipart-uploads/"),  # upload_multipart_part(uploadId="")
    ],
)
def test_empty_ids_do_not_reach_an_operation(method: str, path: str) -> None:
    with pytest.raises(ResourceNotFoundException, match="only the vault name may be empty"):
        route(method, path, [])


def test_a_wrong_method_on_the_empty_vault_path_lists_what_it_accepts() -> None:
    with pytest.raises(ResourceNotFoundException) as caught:
        route("POST", "/-/vaults/", [])

    assert caught.value.message == (
        "No Glacier operation matches POST /-/vaults/: /{accountId}/vaults/{vaultName} accepts "
        "only DELETE (DeleteVault), GET (DescribeVault), PUT (CreateVault)."
    )


@pytest.mark.parametrize("path", ["/", "", "/-/vaults/v/jobs/j/x", "/-/buckets/"])
def test_odd_paths_match_nothing(path: str) -> None:
    with pytest.raises(ResourceNotFoundException, match="No Glacier operation matches"):
        route("GET", path, [])


def test_greedy_labels_are_refused_when_compiling() -> None:
    operation = service_model().operation_model("DescribeVault")

    class Greedy:
        name = "Greedy"
        http: ClassVar[dict[str, str]] = {"method": "GET", "requestUri": "/{key+}"}

    with pytest.raises(ValueError, match="greedy label"):
        compile_route(Greedy)  # type: ignore[arg-type]
    assert compile_route(operation).specificity == 1
