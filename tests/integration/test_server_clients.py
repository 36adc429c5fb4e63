"""Real clients in subprocesses against ``glacier_server``, configured only by the environment.

The AWS CLI, boto3 and the AWS SDK for JavaScript v3 each create a vault, upload an archive,
upload one in two parts, and retrieve it through a job (completed from the test with
``glacier_mock.complete_jobs()``). None of them is given an endpoint: ``AWS_ENDPOINT_URL_GLACIER``
and the dummy credentials set by the fixture are all they know. The JavaScript test skips when
``node``/``npm`` are missing or the SDK cannot be installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from glacier_helpers import tree_hash

from pytest_glacier import GlacierMock, GlacierServer

MiB = 1024 * 1024
SMALL = b"a small archive, uploaded in one request\n" * 50
LARGE = bytes(range(256)) * (MiB // 256) + b"and a little more" * 100  # two parts of 1 MiB
TIMEOUT = 120  # seconds for any one subprocess; each takes about a second


def part_ranges(size: int, part_size: int = MiB) -> list[tuple[int, int]]:
    """``(first, last)`` byte of each part (inclusive, as in ``Content-Range``)."""
    return [(start, min(start + part_size, size) - 1) for start in range(0, size, part_size)]


def run(command: list[str], **kwargs: Any) -> str:
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=TIMEOUT, check=False, **kwargs
    )
    stdout: str = completed.stdout
    assert completed.returncode == 0, (
        f"{command[:4]} exited {completed.returncode}\nstdout:\n{stdout}\n"
        f"stderr:\n{completed.stderr}"
    )
    return stdout


def assert_retrieved(glacier_mock: GlacierMock, job_id: str) -> None:
    """Complete the job from the test, as time passing would."""
    assert glacier_mock.complete_jobs() == [job_id]


# -- the AWS CLI ---------------------------------------------------------------------------------


def aws(*args: str) -> dict[str, Any]:
    stdout = run([sys.executable, "-m", "awscli", "glacier", *args, "--output", "json"])
    result: dict[str, Any] = json.loads(stdout) if stdout.strip() else {}
    return result


def test_aws_cli(glacier_server: GlacierServer, glacier_mock: GlacierMock, tmp_path: Path) -> None:
    vault = ("--account-id", "-", "--vault-name", "cli-vault")
    aws("create-vault", *vault)
    assert [v["VaultName"] for v in aws("list-vaults", "--account-id", "-")["VaultList"]] == [
        "cli-vault"
    ]

    (tmp_path / "small").write_bytes(SMALL)
    uploaded = aws("upload-archive", *vault, "--body", str(tmp_path / "small"))
    assert uploaded["checksum"] == tree_hash(SMALL)

    upload_id = aws("initiate-multipart-upload", *vault, "--part-size", str(MiB))["uploadId"]
    for first, last in part_ranges(len(LARGE)):
        part = tmp_path / f"part-{first}"
        part.write_bytes(LARGE[first : last + 1])
        sent = aws(
            "upload-multipart-part",
            *vault,
            # "=" form: Glacier ids may start with "-", which argparse would take for an option.
            f"--upload-id={upload_id}",
            "--range",
            f"bytes {first}-{last}/*",
            "--body",
            str(part),
        )
        assert sent["checksum"] == tree_hash(LARGE[first : last + 1])
    completed = aws(
        "complete-multipart-upload",
        *vault,
        f"--upload-id={upload_id}",
        "--archive-size",
        str(len(LARGE)),
        "--checksum",
        tree_hash(LARGE),
    )

    job_parameters = {"Type": "archive-retrieval", "ArchiveId": completed["archiveId"]}
    job_id = aws("initiate-job", *vault, "--job-parameters", json.dumps(job_parameters))["jobId"]
    assert aws("describe-job", *vault, f"--job-id={job_id}")["StatusCode"] == "InProgress"
    assert_retrieved(glacier_mock, job_id)
    assert aws("describe-job", *vault, f"--job-id={job_id}")["StatusCode"] == "Succeeded"
    output = tmp_path / "output"
    got = aws("get-job-output", *vault, f"--job-id={job_id}", str(output))
    assert got["status"] == 200
    assert output.read_bytes() == LARGE

    assert glacier_mock.calls[0].operation == "CreateVault"  # the same state as in-process


# -- boto3 -----------------------------------------------------------------------------------------

BOTO3_UPLOAD = """
import json, sys
import boto3

small, large, part_size, large_tree_hash = sys.argv[1:5]
client = boto3.client("glacier")  # no endpoint, region or credentials: the environment's
client.create_vault(vaultName="py-vault")
small = open(small, "rb").read()
large = open(large, "rb").read()
single = client.upload_archive(vaultName="py-vault", body=small)
upload = client.initiate_multipart_upload(vaultName="py-vault", partSize=part_size)
step = int(part_size)
for start in range(0, len(large), step):
    end = min(start + step, len(large)) - 1
    client.upload_multipart_part(
        vaultName="py-vault", uploadId=upload["uploadId"],
        range=f"bytes {start}-{end}/*", body=large[start : end + 1],
    )
multi = client.complete_multipart_upload(
    vaultName="py-vault", uploadId=upload["uploadId"],
    archiveSize=str(len(large)), checksum=large_tree_hash,
)
job = client.initiate_job(
    vaultName="py-vault",
    jobParameters={"Type": "archive-retrieval", "ArchiveId": multi["archiveId"]},
)
print(json.dumps({
    "endpoint": client.meta.endpoint_url,
    "single": single["checksum"],
    "multi": multi["checksum"],
    "job": job["jobId"],
}))
"""

BOTO3_RETRIEVE = """
import json, sys
import boto3

job_id, output = sys.argv[1:3]
client = boto3.client("glacier")
job = client.describe_job(vaultName="py-vault", jobId=job_id)
body = client.get_job_output(vaultName="py-vault", jobId=job_id)["body"]
with open(output, "wb") as out:
    for chunk in body.iter_chunks(65536):
        out.write(chunk)
print(json.dumps({"status": job["StatusCode"], "tree_hash": job["SHA256TreeHash"]}))
"""


def test_boto3_in_a_subprocess(
    glacier_server: GlacierServer, glacier_mock: GlacierMock, tmp_path: Path
) -> None:
    (tmp_path / "small").write_bytes(SMALL)
    (tmp_path / "large").write_bytes(LARGE)
    files = [str(tmp_path / "small"), str(tmp_path / "large")]
    uploaded = json.loads(
        run([sys.executable, "-c", BOTO3_UPLOAD, *files, str(MiB), tree_hash(LARGE)])
    )
    assert uploaded["endpoint"] == glacier_server.endpoint_url
    assert (uploaded["single"], uploaded["multi"]) == (tree_hash(SMALL), tree_hash(LARGE))

    assert_retrieved(glacier_mock, uploaded["job"])
    output = tmp_path / "output"
    job = json.loads(run([sys.executable, "-c", BOTO3_RETRIEVE, uploaded["job"], str(output)]))
    assert job == {"status": "Succeeded", "tree_hash": tree_hash(LARGE)}
    assert output.read_bytes() == LARGE


# -- the AWS SDK for JavaScript v3 ---------------------------------------------------------------

JS_SCRIPT = """
const fs = require("fs");
const glacier = require("@aws-sdk/client-glacier");

async function upload(client, small, large, partSize, largeTreeHash) {
  const vault = { accountId: "-", vaultName: "js-vault" };
  await client.send(new glacier.CreateVaultCommand(vault));
  const single = await client.send(
    new glacier.UploadArchiveCommand({ ...vault, body: fs.readFileSync(small) }));
  const data = fs.readFileSync(large);
  const step = Number(partSize);
  const { uploadId } = await client.send(
    new glacier.InitiateMultipartUploadCommand({ ...vault, partSize }));
  for (let start = 0; start < data.length; start += step) {
    const end = Math.min(start + step, data.length) - 1;
    await client.send(new glacier.UploadMultipartPartCommand({
      ...vault, uploadId, range: `bytes ${start}-${end}/*`, body: data.subarray(start, end + 1),
    }));
  }
  const multi = await client.send(new glacier.CompleteMultipartUploadCommand({
    ...vault, uploadId, archiveSize: String(data.length), checksum: largeTreeHash,
  }));
  const job = await client.send(new glacier.InitiateJobCommand({
    ...vault, jobParameters: { Type: "archive-retrieval", ArchiveId: multi.archiveId },
  }));
  return { single: single.checksum, multi: multi.checksum, job: job.jobId };
}

async function retrieve(client, jobId, output) {
  const vault = { accountId: "-", vaultName: "js-vault" };
  const job = await client.send(new glacier.DescribeJobCommand({ ...vault, jobId }));
  const out = await client.send(new glacier.GetJobOutputCommand({ ...vault, jobId }));
  fs.writeFileSync(output, await out.body.transformToByteArray());
  return { status: job.StatusCode, tree_hash: job.SHA256TreeHash };
}

async function main() {
  const [step, ...args] = process.argv.slice(2);
  const client = new glacier.GlacierClient({});  // everything from the environment
  const run = step === "upload" ? upload : retrieve;
  const result = await run(client, ...args);
  console.log(JSON.stringify(result));
}

main().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.fixture(scope="session")
def js_sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``node_modules`` with ``@aws-sdk/client-glacier``, installed once per session."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        pytest.skip("node and npm are needed for the AWS SDK for JavaScript test")
    directory = tmp_path_factory.mktemp("js-sdk")
    command = [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"]
    try:
        completed = subprocess.run(
            [*command, "--prefix", str(directory), "@aws-sdk/client-glacier"],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("npm install @aws-sdk/client-glacier timed out (no registry?)")
    if completed.returncode != 0:
        pytest.skip(f"npm install @aws-sdk/client-glacier failed:\n{completed.stderr[-2000:]}")
    return directory / "node_modules"


def test_aws_sdk_for_javascript_v3(
    glacier_server: GlacierServer, glacier_mock: GlacierMock, js_sdk: Path, tmp_path: Path
) -> None:
    script = tmp_path / "glacier.cjs"
    script.write_text(JS_SCRIPT)
    (tmp_path / "small").write_bytes(SMALL)
    (tmp_path / "large").write_bytes(LARGE)
    node = [str(shutil.which("node")), str(script)]
    environment = {**os.environ, "NODE_PATH": str(js_sdk)}
    files = [str(tmp_path / "small"), str(tmp_path / "large")]
    uploaded = json.loads(
        run([*node, "upload", *files, str(MiB), tree_hash(LARGE)], env=environment)
    )
    assert (uploaded["single"], uploaded["multi"]) == (tree_hash(SMALL), tree_hash(LARGE))

    assert_retrieved(glacier_mock, uploaded["job"])
    output = tmp_path / "output"
    job = json.loads(run([*node, "retrieve", uploaded["job"], str(output)], env=environment))
    assert job == {"status": "Succeeded", "tree_hash": tree_hash(LARGE)}
    assert output.read_bytes() == LARGE
    assert {call.region for call in glacier_mock.calls} == {os.environ["AWS_REGION"]}
