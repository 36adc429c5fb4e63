"""SigV4 signature checking with ``verify_signatures`` (CONTRACT §4, GLACIER_SPEC §1.5)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from typing import Any

import boto3
import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from glacier_helpers import error_of

from pytest_glacier import GlacierMock
from pytest_glacier.wire.signature import MISMATCH, MISSING_AUTHENTICATION, UNKNOWN_KEY

REGION = "us-east-1"
ENDPOINT = f"https://glacier.{REGION}.amazonaws.com"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
KEYS = {"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "AKIAPARTNER": "partner-secret"}

pytestmark = pytest.mark.glacier(verify_signatures=True, credentials=KEYS)


def client(key: str = "AKIDEXAMPLE", secret: str | None = None) -> Any:
    return boto3.client(
        "glacier",
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=KEYS.get(key, "unknown") if secret is None else secret,
        config=NO_RETRIES,
    )


def raw_error(response: requests.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["message"]


# -- what verifies ---------------------------------------------------------------------------------


def test_correctly_signed_requests_are_served(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    glacier.add_tags_to_vault(vaultName="v", Tags={"a": "b c"})  # ?operation=add, a JSON body
    glacier.list_vaults(limit="1", marker="")
    glacier.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={
            "SNSTopic": f"arn:aws:sns:{REGION}:123456789012:topic",
            "Events": ["ArchiveRetrievalCompleted"],
        },
    )
    assert all(call.error_code is None for call in glacier_mock.calls)


def test_uploads_verify_with_their_payload_hash(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    archive_id = glacier.upload_archive(vaultName="v", body=b"x" * 3000)["archiveId"]
    upload_id = glacier.initiate_multipart_upload(vaultName="v", partSize=str(1024 * 1024))[
        "uploadId"
    ]
    part = b"p" * 1024
    glacier.upload_multipart_part(
        vaultName="v", uploadId=upload_id, range="bytes 0-1023/*", body=part
    )
    glacier.list_parts(vaultName="v", uploadId=upload_id, limit="5")
    glacier.complete_multipart_upload(
        vaultName="v",
        uploadId=upload_id,
        archiveSize="1024",
        checksum=hashlib.sha256(part).hexdigest(),
    )
    glacier.delete_archive(vaultName="v", archiveId=archive_id)


def test_the_mocks_own_default_key_is_known(glacier_mock: GlacierMock) -> None:
    client("testing", "testing").list_vaults()


def test_signatures_are_not_checked_by_default() -> None:
    from pytest_glacier import mock_glacier

    with mock_glacier():
        client("nobody", "anything").list_vaults()


# -- what does not ---------------------------------------------------------------------------------


def test_a_wrong_secret_is_invalid_signature(glacier_mock: GlacierMock) -> None:
    with pytest.raises(ClientError) as excinfo:
        client("AKIDEXAMPLE", "not-the-secret").create_vault(vaultName="v")
    assert error_of(excinfo) == (403, "InvalidSignatureException", MISMATCH)
    call = glacier_mock.calls[-1]
    assert (call.operation, call.status_code, call.error_code) == (
        "CreateVault",
        403,
        "InvalidSignatureException",
    )
    assert client().list_vaults()["VaultList"] == []  # nothing was created


def test_an_unknown_key_is_unrecognized_client(glacier_mock: GlacierMock) -> None:
    with pytest.raises(ClientError) as excinfo:
        client("AKIAUNKNOWN", "whatever").list_vaults()
    assert error_of(excinfo) == (400, "UnrecognizedClientException", UNKNOWN_KEY)
    assert UNKNOWN_KEY == "The security token included in the request is invalid."


@pytest.mark.glacier(credentials={"testing": "rotated"})
def test_credentials_can_give_the_default_key_another_secret(glacier_mock: GlacierMock) -> None:
    with pytest.raises(ClientError) as excinfo:
        client("testing", "testing").list_vaults()
    assert error_of(excinfo)[1] == "InvalidSignatureException"
    client("testing", "rotated").list_vaults()


def test_no_authentication_at_all(glacier_mock: GlacierMock) -> None:
    # Checked before anything else: here the version header is missing too.
    response = requests.get(f"{ENDPOINT}/-/vaults", timeout=5)
    assert raw_error(response) == (
        400,
        "MissingAuthenticationTokenException",
        MISSING_AUTHENTICATION,
    )
    assert MISSING_AUTHENTICATION == "Missing Authentication Token"


def tamper_body(request: Any, **_: Any) -> None:
    # At before-send the request is an AWSPreparedRequest, whose body is plain bytes.
    request.body = request.body.replace(b"Allow", b"Deny ")


def test_a_body_changed_after_signing_is_refused(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    glacier.meta.events.register_first("before-send.glacier.SetVaultAccessPolicy", tamper_body)
    text = json.dumps(
        {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "glacier:DescribeVault"}]}
    )
    with pytest.raises(ClientError) as excinfo:
        glacier.set_vault_access_policy(vaultName="v", policy={"Policy": text})
    assert error_of(excinfo) == (403, "InvalidSignatureException", MISMATCH)


def tamper_header(request: AWSRequest, **_: Any) -> None:
    request.headers["x-amz-glacier-version"] = "2012-06-02"


def test_a_signed_header_changed_after_signing_is_refused(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.meta.events.register_first("before-send.glacier.ListVaults", tamper_header)
    with pytest.raises(ClientError) as excinfo:
        glacier.list_vaults()
    assert error_of(excinfo)[:2] == (403, "InvalidSignatureException")


def test_unsigned_headers_may_change(glacier_mock: GlacierMock) -> None:
    def add_header(request: AWSRequest, **_: Any) -> None:
        request.headers["X-Added-After-Signing"] = "yes"

    glacier = client()
    glacier.meta.events.register_first("before-send.glacier.ListVaults", add_header)
    glacier.list_vaults()


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20300101/us-east-1/glacier/aws4_request",
        "AWS AKIDEXAMPLE:c2lnbmF0dXJl",
        "Bearer token",
    ],
)
def test_a_malformed_authorization_header_is_invalid_signature(
    glacier_mock: GlacierMock, authorization: str
) -> None:
    response = requests.get(
        f"{ENDPOINT}/-/vaults",
        headers={
            "Authorization": authorization,
            "x-amz-glacier-version": "2012-06-01",
            "x-amz-date": "20300101T000000Z",
        },
        timeout=5,
    )
    status, code, _ = raw_error(response)
    assert (status, code) == (403, "InvalidSignatureException")


# -- raw requests signed by hand -------------------------------------------------------------------


def signed_request(method: str, path: str, body: bytes = b"", key: str = "AKIDEXAMPLE") -> Any:
    request = AWSRequest(
        method=method,
        url=f"{ENDPOINT}{path}",
        data=body,
        headers={"x-amz-glacier-version": "2012-06-01"},
    )
    SigV4Auth(Credentials(key, KEYS[key]), "glacier", REGION).add_auth(request)
    return requests.request(
        method, str(request.url), data=body, headers=dict(request.headers.items()), timeout=5
    )


def test_requests_signed_with_sigv4_by_hand(glacier_mock: GlacierMock) -> None:
    assert signed_request("PUT", "/-/vaults/raw").status_code == 201
    assert signed_request("GET", "/-/vaults?limit=5").status_code == 200
    tags = json.dumps({"Tags": {"k": "v"}}).encode()
    assert signed_request("POST", "/-/vaults/raw/tags?operation=add", tags).status_code == 204


def test_the_service_name_in_the_scope_must_be_glacier(glacier_mock: GlacierMock) -> None:
    request = AWSRequest(
        method="GET", url=f"{ENDPOINT}/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"}
    )
    SigV4Auth(Credentials("AKIDEXAMPLE", KEYS["AKIDEXAMPLE"]), "s3", REGION).add_auth(request)
    response = requests.get(str(request.url), headers=dict(request.headers.items()), timeout=5)
    status, code, message = raw_error(response)
    assert (status, code) == (403, "InvalidSignatureException")
    assert "glacier" in message


# -- presigned URLs --------------------------------------------------------------------------------


def test_a_presigned_url_verifies(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    url = glacier.generate_presigned_url("describe_vault", Params={"vaultName": "v"})
    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    assert response.json()["VaultName"] == "v"


def test_a_tampered_presigned_url_is_refused(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    glacier.create_vault(vaultName="w")
    url = glacier.generate_presigned_url("describe_vault", Params={"vaultName": "v"})
    response = requests.get(url.replace("/vaults/v?", "/vaults/w?"), timeout=5)
    assert raw_error(response) == (403, "InvalidSignatureException", MISMATCH)


@pytest.mark.parametrize("signature", ["%C3%A9", "%E2%98%83" * 64])
def test_a_non_ascii_signature_is_invalid(glacier_mock: GlacierMock, signature: str) -> None:
    url = client().generate_presigned_url("list_vaults", Params={})
    tampered = url.split("X-Amz-Signature=")[0] + f"X-Amz-Signature={signature}"
    assert raw_error(requests.get(tampered, timeout=5)) == (
        403,
        "InvalidSignatureException",
        MISMATCH,
    )
    assert glacier_mock.calls[-1].operation == "ListVaults"


def test_a_presigned_url_expires_in_simulated_time(glacier_mock: GlacierMock) -> None:
    glacier = client()
    glacier.create_vault(vaultName="v")
    url = glacier.generate_presigned_url("describe_vault", Params={"vaultName": "v"}, ExpiresIn=600)
    glacier_mock.advance(minutes=9)
    assert requests.get(url, timeout=5).status_code == 200
    glacier_mock.advance(minutes=2)
    status, code, message = raw_error(requests.get(url, timeout=5))
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith("Signature expired: ")


def test_a_presigned_url_of_an_unknown_key(glacier_mock: GlacierMock) -> None:
    url = client("AKIAUNKNOWN", "x").generate_presigned_url(
        "describe_vault", Params={"vaultName": "v"}
    )
    assert raw_error(requests.get(url, timeout=5)) == (
        400,
        "UnrecognizedClientException",
        UNKNOWN_KEY,
    )


# -- with other accounts ---------------------------------------------------------------------------


@pytest.mark.glacier(accounts={"AKIAPARTNER": "210987654321"})
def test_keys_of_other_accounts_verify_with_their_own_secret(glacier_mock: GlacierMock) -> None:
    partner = client("AKIAPARTNER")
    partner.create_vault(vaultName="theirs")
    arn = partner.describe_vault(vaultName="theirs")["VaultARN"]
    assert arn.split(":")[4] == "210987654321"
    with pytest.raises(ClientError) as excinfo:
        client("AKIAPARTNER", "wrong").list_vaults()
    assert error_of(excinfo)[1] == "InvalidSignatureException"


# -- server mode -----------------------------------------------------------------------------------

SUBPROCESS_CLIENT = """
import sys
import boto3
from botocore.exceptions import ClientError

client = boto3.client("glacier", aws_access_key_id="testing", aws_secret_access_key=sys.argv[1])
try:
    client.list_vaults()
except ClientError as error:
    print(error.response["Error"]["Code"])
else:
    print("ok")
"""


def test_server_mode_verifies_subprocess_signatures_in_simulated_time(
    glacier_server: Any, glacier_mock: GlacierMock
) -> None:
    glacier_mock.advance(days=400)  # the subprocess signs with the real clock: no skew check

    def run(secret: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", SUBPROCESS_CLIENT, secret],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        return result.stdout.strip()

    assert run("testing") == "ok"
    assert run("wrong") == "InvalidSignatureException"
