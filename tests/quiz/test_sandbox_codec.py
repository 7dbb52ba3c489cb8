"""The sandbox's wire format: values round-trip, and bytes from a submission can only be
decoded into plain data or rejected (never unpickled, never run)."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from dlbench.quiz.sandbox_codec import (FRAME_HEADER, MAGIC, Decoder, Encoder, Unreadable,
                                        Unsupported, split_frame)


def _round_trip(value):
    enc = Encoder()
    frame = enc.frame({"v": enc.value(value)})
    message, blobs, rest = split_frame(frame)
    assert rest == b""
    return Decoder(blobs).value(message["v"])


def test_values_the_exercises_use_round_trip():
    rng = np.random.default_rng(3)
    value = (np.arange(6.0).reshape(2, 3), [np.array([True, False])], {"lr": 0.1, "n": 3},
             np.float32(1.5), None, "text", float("nan"), np.int64(7), 2**70)
    back = _round_trip(value)
    assert isinstance(back, tuple) and isinstance(back[1], list)
    np.testing.assert_array_equal(back[0], value[0])
    assert back[1][0].dtype == bool and back[2] == {"lr": 0.1, "n": 3}
    assert type(back[3]) is np.float32 and back[3] == 1.5
    assert back[4] is None and back[5] == "text" and np.isnan(back[6])
    assert type(back[7]) is np.int64 and back[8] == 2**70
    g = _round_trip(rng)
    assert g.random() == np.random.default_rng(3).random()


@pytest.mark.parametrize("value, what", [({1, 2}, "a set"),
                                         (np.array([object()]), "an array of dtype object"),
                                         (lambda: 0, "a function")])
def test_other_types_are_named(value, what):
    with pytest.raises(Unsupported) as exc:
        Encoder().value(value)
    assert exc.value.what == what


def _frame(message: dict, blobs: bytes = b"") -> bytes:
    text = json.dumps(message).encode()
    return FRAME_HEADER.pack(MAGIC, len(text), len(blobs)) + text + blobs


@pytest.mark.parametrize("obj", [
    {"t": "a", "d": "|O8", "s": [1], "o": 0, "n": 8},          # object dtype
    {"t": "a", "d": "<f8", "s": [1000], "o": 0, "n": 8},        # size does not match shape
    {"t": "a", "d": "<f8", "s": [1], "o": 4, "n": 8},           # past the end of the blobs
    {"t": "pickle", "v": "gASVAAAAAAAAAAAu"},                   # an unknown tag
    {"untagged": 1},
])
def test_malformed_values_from_a_submission_are_rejected(obj):
    message, blobs, _ = split_frame(_frame({"v": obj}, b"\0" * 8))
    with pytest.raises(Unreadable):
        Decoder(blobs).value(message["v"])


def test_pickled_bytes_are_never_a_frame():
    evil = pickle.dumps(print)
    with pytest.raises(Unreadable):
        split_frame(evil + b"\0" * 16)


def test_a_frame_over_the_limit_is_refused_before_it_is_read():
    header = FRAME_HEADER.pack(MAGIC, 10, 1 << 30)
    with pytest.raises(Unreadable, match="limit"):
        split_frame(header, limit=16 << 20)
