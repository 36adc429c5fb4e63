"""Which hosts are Amazon Glacier endpoints.

botocore's endpoint rule set for Glacier (``data/glacier/2012-06-01/endpoint-rule-set-1.json``)
produces exactly these shapes, with the DNS suffixes of ``data/partitions.json``::

    glacier.{region}.{dnsSuffix}              glacier-fips.{region}.{dnsSuffix}
    glacier.{region}.{dualStackDnsSuffix}     glacier-fips.{region}.{dualStackDnsSuffix}
    glacier.{region}.amazonaws.com            (FIPS in GovCloud)

The suffixes below are those of every partition botocore knows (commercial, China, GovCloud,
EU sovereign, and the ISO partitions); a unit test checks the list against the installed
botocore so a new partition cannot be missed silently. A custom ``endpoint_url`` counts as Glacier
when its host has one of these shapes.

The check runs on every intercepted request, before any conversion, so it is a single match of a
precompiled regular expression (one host pattern, compiled once for a bare host and once anchored
at the start of an absolute URL), and its answer for a URL is kept.
"""

from __future__ import annotations

import functools
import re

__all__ = ["GLACIER_URL_PATTERN", "is_glacier_host", "is_glacier_url"]

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
