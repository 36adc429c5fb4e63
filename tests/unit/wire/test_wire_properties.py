"""Property tests: whatever names and header text botocore sends, decode() reads back exactly.

Bounds, and why:

* vault names: 1-255 characters of ``[A-Za-z0-9_.-]``, Glacier's own rule for vault names;
* ids (upload, job, archive): 1-138 characters of ``[A-Za-z0-9_-]``, the URL-safe base64
  alphabet real ids use, up to the archive id length;
* header values: printable ASCII (space to ``~``). HTTP header values cannot carry control
  characters or raw non-ASCII, and botocore sends header members as they are given;
* query values (``marker``): any text without surrogates, since query strings are
  percent-encoded and can carry all of it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from botocore.model import OperationModel
from glacier_wire_samples import botocore_request
from hypothesis import given
from hypothesis import strategies as st

from pytest_glacier.wire import decode, service_model
from pytest_glacier.wire.router import route

VAULT_NAMES = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-",
    min_size=1,
    max_size=255,
)
IDS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
    min_size=1,
    max_size=138,
)
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=1024)
QUERY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200)
ACCOUNTS = st.sampled_from(["-", "123456789012"])


def op(name: str) -> OperationModel:
    return service_model().operation_model(name)


def round_trip(name: str, params: dict[str, Any]) -> dict[str, Any]:
    decoded = decode(botocore_request(op(name), params))
    assert decoded.operation.name == name
    return decoded.params


@given(account=ACCOUNTS, vault=VAULT_NAMES, description=HEADER_TEXT, part_size=HEADER_TEXT)
def test_initiate_multipart_upload(
    account: str, vault: str, description: str, part_size: str
) -> None:
    params = {
        "accountId": account,
        "vaultName": vault,
        "archiveDescription": description,
        "partSize": part_size,
    }

    assert round_trip("InitiateMultipartUpload", params) == params


@given(vault=VAULT_NAMES, upload_id=IDS, marker=QUERY_TEXT, limit=HEADER_TEXT)
def test_list_parts(vault: str, upload_id: str, marker: str, limit: str) -> None:
    params = {
        "accountId": "-",
        "vaultName": vault,
        "uploadId": upload_id,
        "marker": marker,
        "limit": limit,
    }

    assert round_trip("ListParts", params) == params


@given(vault=VAULT_NAMES, upload_id=IDS, content_range=HEADER_TEXT, body=st.binary(max_size=256))
def test_upload_multipart_part(vault: str, upload_id: str, content_range: str, body: bytes) -> None:
    params = {
        "accountId": "-",
        "vaultName": vault,
        "uploadId": upload_id,
        "range": content_range,
        "checksum": "0" * 64,
        "body": body,
    }

    assert round_trip("UploadMultipartPart", params) == params


@given(vault=VAULT_NAMES, archive_id=IDS)
def test_delete_archive(vault: str, archive_id: str) -> None:
    params = {"accountId": "-", "vaultName": vault, "archiveId": archive_id}

    assert round_trip("DeleteArchive", params) == params


@given(vault=VAULT_NAMES, tags=st.dictionaries(HEADER_TEXT, QUERY_TEXT, max_size=5))
def test_add_tags_to_vault(vault: str, tags: dict[str, str]) -> None:
    params = {"accountId": "-", "vaultName": vault, "Tags": tags}

    assert round_trip("AddTagsToVault", params) == params


@given(vault=st.text(min_size=1, max_size=64))
def test_router_decodes_any_percent_encoded_vault_name(vault: str) -> None:
    # Any text at all, wider than Glacier allows on purpose: the backend refuses bad names,
    # the router only has to hand back exactly what the client encoded.
    operation, labels = route("GET", f"/-/vaults/{quote(vault, safe='')}/tags", [])

    assert operation.name == "ListTagsForVault"
    assert labels == {"accountId": "-", "vaultName": vault}
