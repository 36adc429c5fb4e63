"""The pytest entry point (``pytest11`` name ``glacier``): fixture, marker and ini options.

``pytest -p no:glacier`` disables all of it. Options come from ini (suite-wide defaults), then
from ``@pytest.mark.glacier(...)`` markers, the closest marker winning key by key (CONTRACT §4).

Loading the plugin imports neither the mock nor botocore: the fixtures import them when a test
asks for one, and the hooks that run for every test only do so for a test that started a mock.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from pytest_glacier import suite_defaults
from pytest_glacier.started import recently_started

if TYPE_CHECKING:
    from pytest_glacier.mock import GlacierMock
    from pytest_glacier.options import Options
    from pytest_glacier.transports.server import GlacierServer

MARKER = "glacier"
REPORT_SECTION = "glacier"
_MOCKS_KEY = pytest.StashKey[list["GlacierMock"]]()

INI_OPTIONS: dict[str, tuple[str, str, str]] = {
    # ini name: (option name, ini type, help)
    "glacier_account_id": (
        "account_id",
        "string",
        "pytest-glacier: account id of the default credentials (12 digits)",
    ),
    "glacier_inventory": (
        "inventory",
        "string",
        "pytest-glacier: 'daily' (as AWS) or 'immediate' vault inventories",
    ),
    "glacier_sleep_advances": (
        "sleep_advances",
        "bool",
        "pytest-glacier: time.sleep() in tests advances the mock clock instead of sleeping",
    ),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    for ini_name, (_option, ini_type, help_text) in INI_OPTIONS.items():
        if ini_type == "bool":
            parser.addini(ini_name, help_text, type="bool", default=None)
        else:
            parser.addini(ini_name, help_text, default=None)


def pytest_configure(config: pytest.Config) -> None:
    suite_defaults.push(_ini_values(config))  # for mock_glacier(), which sees no config
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**options): options for the glacier_mock fixture (account_id, accounts, "
        "job_delays, inventory, sleep_advances, expedited_capacity, start_time, "
        "verify_signatures, credentials); the closest marker wins key by key.",
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    del config
    suite_defaults.pop()


def _ini_values(config: pytest.Config) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for ini_name, (option, _ini_type, _help) in INI_OPTIONS.items():
        value = config.getini(ini_name)
        if value not in (None, "", []):
            values[option] = value
    return values


def _marker_values(node: pytest.Item) -> list[dict[str, Any]]:
    """Each glacier marker's options, farthest first, so that the closest is applied last."""
    layers = []
    for marker in node.iter_markers(MARKER):
        if marker.args:
            raise TypeError(
                f"@pytest.mark.{MARKER} takes keyword options only, got positional "
                f"arguments {marker.args!r}"
            )
        layers.append(dict(marker.kwargs))
    return layers[::-1]


def options_for(request: pytest.FixtureRequest) -> Options:
    """The options of the mock for the requesting test: ini, then markers (closest wins)."""
    from pytest_glacier.options import build_options, merge_option_values  # noqa: PLC0415

    layers = [_ini_values(request.config)]
    if isinstance(request.node, pytest.Item):
        layers += _marker_values(request.node)
    return build_options(merge_option_values(*layers))


@pytest.fixture
def glacier_mock(request: pytest.FixtureRequest) -> Iterator[GlacierMock]:
    """An in-process Amazon Glacier, active for this test only (CONTRACT §1)."""
    from pytest_glacier.mock import GlacierMock  # noqa: PLC0415 (see the module docstring)

    with GlacierMock(options_for(request)) as mock:
        yield mock


SERVER_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
"""Set by ``glacier_server`` where unset, so that subprocesses can sign requests."""


@pytest.fixture(scope="session")
def _glacier_http_server() -> Iterator[GlacierServer]:
    """One loopback server per session (per xdist worker), started when first needed."""
    from pytest_glacier.transports.server import GlacierServer  # noqa: PLC0415

    server = GlacierServer()
    try:
        yield server
    finally:
        server.shutdown()


@pytest.fixture
def glacier_server(
    glacier_mock: GlacierMock, _glacier_http_server: GlacierServer
) -> Iterator[GlacierServer]:
    """``glacier_mock``'s state over HTTP on loopback, for subprocesses (CONTRACT §5).

    While the test runs, ``AWS_ENDPOINT_URL_GLACIER`` points at the server, and dummy
    credentials and a region (``AWS_DEFAULT_REGION``, ``AWS_REGION``) are set where unset; all
    restored afterwards. Requests to it reach the same state as the in-process ones.
    """
    server = _glacier_http_server.start()  # a no-op unless this is the first use
    server.serve(glacier_mock.handle)
    try:
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("AWS_ENDPOINT_URL_GLACIER", server.endpoint_url)
            for name, value in SERVER_CREDENTIALS.items():
                if not os.environ.get(name):
                    environment.setenv(name, value)
            # botocore reads AWS_DEFAULT_REGION, the JavaScript SDK and others AWS_REGION.
            region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
            for name in ("AWS_DEFAULT_REGION", "AWS_REGION"):
                if not os.environ.get(name):
                    environment.setenv(name, region or "us-east-1")
            yield server
    finally:
        server.stop_serving()


# Old-style hook wrappers: new-style ``wrapper=True`` needs a newer pytest than our floor.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, None]:
    """Remember the mocks the test body started (decorated tests stop theirs before the report)."""
    with recently_started() as started:
        yield
    item.stash[_MOCKS_KEY] = started


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    """Add a "glacier" section to the report of a failing test that used a mock."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    started: list[GlacierMock] = item.stash.get(_MOCKS_KEY, [])
    mocks = list(started)
    fixture_mock = getattr(item, "funcargs", {}).get("glacier_mock")
    if fixture_mock is not None and fixture_mock not in mocks:
        from pytest_glacier.mock import GlacierMock  # noqa: PLC0415 (a mock ran: it is loaded)

        if isinstance(fixture_mock, GlacierMock):
            mocks.insert(0, fixture_mock)
    for mock in mocks:
        report.sections.append((REPORT_SECTION, mock.failure_report()))
