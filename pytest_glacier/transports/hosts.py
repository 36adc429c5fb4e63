"""Which hosts are Amazon Glacier endpoints.

botocore's endpoint rule set for Glacier (``data/glacier/2012-06-01/endpoint-rule-set-1.json``)
produces exactly these shapes, with the DNS suffixes of ``data/partitions.json``::

    glacier.{region}.{dnsSuffix}              glacier-fips.{region}.{dnsSuffix}
    glacier.{region}.{dualStackDnsSuffix}     glacier-fips.{region}.{dualStackDnsSuffix}
    glacier.{region}.amazonaws.com            (FIPS in GovCloud)

The suffixes below are those of every partition botocore knows (commercial, China, GovCloud,
EU sovereign, and the ISO partitions); a unit test checks the list against the installed
botocore so a new partition cannot be missed silently.

botocore tells more than the URL: :func:`serves_glacier` takes the client's endpoint too, so a
Glacier client is served whatever its ``endpoint_url`` (a VPC endpoint, ``localhost:4566``, an
``AWS_ENDPOINT_URL_GLACIER``): no Glacier request leaves the process. The one exception is a
pytest-glacier server of this process (:func:`own_server_started`), which serves the same mock
over real HTTP and is addressed precisely to be reached that way.

The check runs on every intercepted request, before any conversion, so it is a single match of a
precompiled regular expression (one host pattern, compiled once for a bare host and once anchored
at the start of an absolute URL), and its answer for a URL is kept.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = [
    "GLACIER_URL_PATTERN",
    "is_glacier_host",
    "is_glacier_url",
    "own_server_started",
    "own_server_stopped",
    "serves_glacier",
]

# ``dnsSuffix`` and ``dualStackDnsSuffix`` of every partition in botocore's partitions.json.
_DNS_SUFFIXES = (
    "amazonaws.com",  # aws, aws-us-gov
    "api.aws",
    "amazonaws.com.cn",  # aws-cn
    "api.amazonwebservices.com.cn",
    "amazonaws.eu",  # aws-eusc
    "api.amazonwebservices.eu",
    "c2s.ic.gov",  # aws-iso
    "api.aws.ic.gov",
    "sc2s.sgov.gov",  # aws-iso-b
    "api.aws.scloud",
    "cloud.adc-e.uk",  # aws-iso-e
    "api.cloud-aws.adc-e.uk",
    "csp.hci.ic.gov",  # aws-iso-f
    "api.aws.hci.ic.gov",
)

_SUFFIX_ALTERNATIVES = "|".join(re.escape(suffix) for suffix in _DNS_SUFFIXES)

# glacier[-fips].<region>.<suffix>[:port]; the region is one DNS label.
_HOST = rf"glacier(?:-fips)?\.[a-z0-9-]+\.(?:{_SUFFIX_ALTERNATIVES})(?::[0-9]*)?"

GLACIER_URL_PATTERN = re.compile(
    rf"https?://(?:[^/?#@]*@)?{_HOST}(?=[/?#]|\Z)",
    re.IGNORECASE,
)
"""Matches the start of an absolute URL whose host is a Glacier endpoint (``re.match``)."""

_HOST_PATTERN = re.compile(_HOST, re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def is_glacier_url(url: str) -> bool:
    """Whether ``url`` (absolute, ``http`` or ``https``) is addressed to a Glacier endpoint."""
    # Cached: one request is checked several times (send, retry, moto), and the same URLs recur.
    return GLACIER_URL_PATTERN.match(url) is not None


def is_glacier_host(host: str) -> bool:
    """Whether ``host`` (optionally with ``:port``, any case) is a Glacier endpoint."""
    return _HOST_PATTERN.fullmatch(host) is not None


def serves_glacier(endpoint: Any, url: str) -> bool:
    """Whether the mock serves a request botocore sends through ``endpoint`` to ``url``.

    A Glacier client's requests (botocore names the endpoint by its service's prefix) go to the
    mock whatever their URL, except those addressed to a pytest-glacier server of this process;
    any other client's only when its URL is a Glacier endpoint's.
    """
    if getattr(endpoint, "_endpoint_prefix", None) == "glacier":
        servers = _OwnServers.urls
        return not (servers and url.startswith(servers))
    return is_glacier_url(url)


class _OwnServers:
    urls: tuple[str, ...] = ()
    """``<endpoint_url>/`` of each running pytest-glacier server of this process (a tuple,
    replaced whole, so a reader on another thread sees the old one or the new one)."""


def own_server_started(endpoint_url: str) -> None:
    _OwnServers.urls = (*_OwnServers.urls, _url_prefix(endpoint_url))


def own_server_stopped(endpoint_url: str) -> None:
    prefix = _url_prefix(endpoint_url)
    _OwnServers.urls = tuple(url for url in _OwnServers.urls if url != prefix)


def _url_prefix(endpoint_url: str) -> str:
    return f"{endpoint_url.rstrip('/')}/"
