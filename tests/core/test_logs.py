import json
import logging
import sys

from core.logs import JsonFormatter


def _record(**extra):
    record = logging.LogRecord("itsm.x", logging.ERROR, __file__, 1, "count %s", (3,), None)
    record.request_id = "r-1"
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_it_writes_one_json_object_per_line():
    line = JsonFormatter().format(_record(ticket="2026-000001"))
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "ERROR" and data["logger"] == "itsm.x"
    assert data["message"] == "count 3" and data["request_id"] == "r-1"
    assert data["ticket"] == "2026-000001"  # extra={...} of the call
    assert data["time"].endswith("+00:00")


def test_it_keeps_the_traceback_in_the_object():
    try:
        raise ValueError("报修")
    except ValueError:
        record = _record()
        record.exc_info = sys.exc_info()
    data = json.loads(JsonFormatter().format(record))
    assert "ValueError: 报修" in data["exception"]


def test_it_writes_values_json_cannot_hold_as_text():
    data = json.loads(JsonFormatter().format(_record(when=object)))
    assert data["when"] == "<class 'object'>"
