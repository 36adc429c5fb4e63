"""The JSON text of response bodies: compact, ASCII-only, the same with or without C speedups."""

from __future__ import annotations

import json

import pytest

from pytest_glacier.wire import serializer

DOCUMENT = {"a": [1, 2.5, None, True, "caf\u00e9 \ud800"], "b": {"c": "x"}, "n": -0.0}


def test_bodies_are_compact_ascii_json() -> None:
    text = serializer._dump(DOCUMENT)

    assert text == b'{"a":[1,2.5,null,true,"caf\\u00e9 \\ud800"],"b":{"c":"x"},"n":-0.0}'
    assert json.loads(text) == DOCUMENT


def test_without_the_c_encoder_the_text_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)

    encode = serializer._json_encoder()

    assert encode(DOCUMENT).encode("ascii") == serializer._dump(DOCUMENT)


def test_a_value_json_cannot_hold_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="bytes is not JSON serializable"):
        serializer._dump({"a": b"raw"})
