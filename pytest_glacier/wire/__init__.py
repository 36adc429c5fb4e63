"""The wire layer: HTTP requests in, operation + params out; results and errors back to HTTP.

Glacier speaks rest-json. This package turns one canonical :class:`HttpRequest` into the
operation it calls and that operation's input parameters, and turns the backend's output dict
(or a raised :class:`~pytest_glacier.backend.errors.GlacierError`) into an
:class:`HttpResponse`. It is stateless, and everything it knows about Glacier's HTTP interface
comes from botocore's service model: routes from each operation's ``requestUri`` and method,
request and response layout from each member's ``location`` trait, statuses from
``responseCode``. There is no hand-written route or status table to drift from the model.

Modules, in the order a request meets them:

* :mod:`~pytest_glacier.wire.http`: the canonical request/response types transports convert to;
* :mod:`~pytest_glacier.wire.model`: the service model, and each shape's member layout;
* :mod:`~pytest_glacier.wire.router`: method + path + query -> operation and URI labels;
* :mod:`~pytest_glacier.wire.caller`: region and access key from the SigV4 scope or the host;
* :mod:`~pytest_glacier.wire.parser`: request -> input params;
* :mod:`~pytest_glacier.wire.integrity`: an upload's ``x-amz-content-sha256`` against its body;
* :mod:`~pytest_glacier.wire.serializer`: output dict or error -> response;
* :mod:`~pytest_glacier.wire.protocol`: the facade the rest of the code uses.
"""

from pytest_glacier.wire.caller import Caller, caller_of
from pytest_glacier.wire.http import Headers, HttpRequest, HttpResponse, ResponseBody
from pytest_glacier.wire.model import service_model
from pytest_glacier.wire.protocol import Decoded, decode, encode_error, encode_result, identify

__all__ = [
    "Caller",
    "Decoded",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "ResponseBody",
    "caller_of",
    "decode",
    "encode_error",
    "encode_result",
    "identify",
    "service_model",
]
