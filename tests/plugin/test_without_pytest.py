"""``mock_glacier`` works without pytest: plain unittest and scripts (CONTRACT §2)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

UNITTEST_MODULE = """
import unittest

import boto3

from pytest_glacier import active_mock, mock_glacier


@mock_glacier(account_id="111122223333")
class VaultTests(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("glacier", region_name="eu-west-1")
        self.client.create_vault(vaultName="from-setup")

    def test_vault_from_setup_exists(self):
        names = [v["VaultName"] for v in self.client.list_vaults()["VaultList"]]
        self.assertEqual(names, ["from-setup"])
        self.assertEqual(active_mock().account_id, "111122223333")

    def test_time_can_move(self):
        before = active_mock().now()
        after = active_mock().advance(hours=5)
        self.assertGreaterEqual((after - before).total_seconds(), 5 * 3600)


if __name__ == "__main__":
    unittest.main()
"""

SCRIPT = """
import boto3
from pytest_glacier import mock_glacier

with mock_glacier() as glacier:
    client = boto3.client("glacier", region_name="us-east-1")
    client.create_vault(vaultName="scripted")
    print(client.describe_vault(vaultName="scripted")["VaultARN"])
    print(len(glacier.calls))
"""


def run(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def test_plain_unittest_runner(tmp_path: Path) -> None:
    module = tmp_path / "test_vaults_unittest.py"
    module.write_text(textwrap.dedent(UNITTEST_MODULE))
    result = run(module)
    assert result.returncode == 0, result.stderr
    assert "Ran 2 tests" in result.stderr
    assert "OK" in result.stderr


def test_plain_script(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT)
    result = run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "arn:aws:glacier:us-east-1:123456789012:vaults/scripted",
        "2",
    ]
