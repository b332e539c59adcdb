"""core/renderers.py: orjson's bytes are DRF's JSONRenderer's bytes, for every type an API answer
holds (floats aside, see the module)."""

import datetime
import decimal
import uuid
from collections import OrderedDict
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.renderers import FastJSONRenderer
from tickets.models import Priority, Status

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _both(data, accepted="application/json", context=None):
    return (FastJSONRenderer().render(data, accepted, context),
            JSONRenderer().render(data, accepted, context))


def test_it_renders_what_drf_renders():
    data = OrderedDict([
        ("text", '打印机 "卡纸" \\ / \t\n 😀 \x00\x1f'),
        ("separators", "a\u2028b\u2029c"),
        ("numbers", [0, -1, 2**63 - 1, True, False, None]),
        ("choices", [Status.SUBMITTED, Priority.P1]),
        ("lazy", gettext_lazy("Accept")),
        ("aware", datetime.datetime(2026, 12, 6, 9, 30, 15, 123456, tzinfo=SHANGHAI)),
        ("utc", datetime.datetime(2026, 12, 6, 1, 0, tzinfo=datetime.UTC)),
        ("naive", datetime.datetime(2026, 12, 6, 1, 0, 0, 5)),
        ("date", datetime.date(2028, 2, 29)),
        ("time", datetime.time(8, 0, 0, 250000)),
        ("duration", datetime.timedelta(hours=1, seconds=3)),
        ("decimal", decimal.Decimal("12.50")),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("tuple", (1, "二")),
        ("nested", ReturnDict({"list": ReturnList([{"a": None}], serializer=None)},
                              serializer=None)),
        ("empty", {}),
    ])
    fast, drf = _both(data)
    assert fast == drf
    assert b"\\u2028" in fast and "打印机".encode() in fast


def test_what_orjson_refuses_is_rendered_by_drf():
    for data in [{1: "int key"}, {"big": 2**64}, {"deep": _nested(300)}]:
        fast, drf = _both(data)
        assert fast == drf


def test_pretty_printing_is_left_to_drf():
    data = {"a": [1, 2], "b": "二"}
    fast, drf = _both(data, "application/json; indent=4")
    assert fast == drf and b"\n    " in fast
    fast, drf = _both(data, None, {"indent": 2})
    assert fast == drf


def test_nothing_renders_as_nothing():
    assert FastJSONRenderer().render(None) == b""


def _nested(depth):
    data = []
    for _ in range(depth):
        data = [data]
    return data
