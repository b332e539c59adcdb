"""manage.py sla_deadline: one line on stdout; bad arguments are one line on stderr, exit 2."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sla.holidays import calendar_days_clear
from sla.management.commands.sla_deadline import Command

EXAMPLE = ["--hours", "mon-sat 09:00-21:00", "--holidays", "CN",
           "--start", "2026-03-02T20:50:00+08:00", "--minutes", "20"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    calendar_days_clear()
    yield
    calendar_days_clear()


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sla_deadline", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_from_command_line(capsys, *args) -> tuple[int, str, str]:
    """As from a shell: argparse and CommandError handling included (no database here)."""
    with pytest.raises(SystemExit) as caught:
        Command().run_from_argv(["manage.py", "sla_deadline", *args])
        raise SystemExit(0)
    captured = capsys.readouterr()
    return caught.value.code, captured.out, captured.err


def test_it_prints_the_documented_example(db):
    assert run(*EXAMPLE) == ("2026-03-03T09:10:00+08:00\n", "")


def test_it_skips_national_day_with_cn_holidays(db):
    out, _ = run("--hours", "mon-fri 09:00-18:00", "--holidays", "CN",
                 "--start", "2026-09-30T17:00:00+08:00", "--minutes", "120")
    assert out == "2026-10-08T10:00:00+08:00\n"


def test_it_ignores_holidays_with_none(capsys):
    code, out, err = run_from_command_line(
        capsys, "--hours", "mon-fri 09:00-18:00", "--holidays", "none",
        "--start", "2026-09-30T17:00:00+08:00", "--minutes", "120")
    assert (code, out, err) == (0, "2026-10-01T10:00:00+08:00\n", "")


def test_it_answers_in_the_given_zone(capsys):
    code, out, _ = run_from_command_line(
        capsys, "--hours", "mon-fri 09:00-18:00", "--holidays", "none", "--tz", "Europe/Berlin",
        "--start", "2026-03-27T17:00:00+01:00", "--minutes", "120")
    assert (code, out) == (0, "2026-03-30T10:00:00+02:00\n")


def test_it_converts_a_start_in_another_offset():
    out, _ = run("--hours", "24x7", "--holidays", "none", "--start", "2026-03-02T12:00:00Z",
                 "--minutes", "1.5")
    assert out == "2026-03-02T20:01:30+08:00\n"


def test_it_warns_on_stderr_about_a_provisional_deadline(db):
    out, err = run("--hours", "mon-sat 09:00-21:00", "--holidays", "CN",
                   "--start", "2026-12-31T20:50:00+08:00", "--minutes", "20")
    assert out == "2027-01-01T09:10:00+08:00\n"
    assert "provisional" in err and "2027" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--hours", "mon-sat 9-21"], "argument --hours"),
    (["--hours", "mon-sat 09:00-21:00; sat 10:00-12:00"], "sat is given twice"),
    (["--tz", "Mars/Olympus"], "not an IANA time zone"),
    (["--start", "2026-03-02T20:50:00"], "no UTC offset"),
    (["--start", "yesterday"], "not an ISO 8601"),
    (["--minutes", "-5"], "0 or more"),
    (["--minutes", "twenty"], "not a number of minutes"),
    (["--minutes", "nan"], "not a number of minutes"),
    (["--holidays", "US"], "not a holiday source"),
    (["--minutes", "1e15"], "beyond the year 9999"),
    (["--bogus"], "unrecognized arguments"),
])
def test_it_reports_a_bad_argument_on_one_line_with_status_2(capsys, args, message):
    base = ["--hours", "mon-sat 09:00-21:00", "--holidays", "none",
            "--start", "2026-03-02T20:50:00+08:00", "--minutes", "20"]
    for i in range(0, len(args), 2):  # replace the base argument of the same name
        if args[i] in base:
            base[base.index(args[i]) + 1] = args[i + 1]
        else:
            base += args[i:i + 2]
    code, out, err = run_from_command_line(capsys, *base)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1 and err.endswith("\n")


def test_it_reports_missing_arguments_on_one_line_with_status_2(capsys):
    code, out, err = run_from_command_line(capsys, "--hours", "24x7")
    assert code == 2
    assert err.count("\n") == 1
    assert "--holidays, --start, --minutes" in err


def test_it_raises_command_error_with_status_2_when_called_from_code():
    with pytest.raises(CommandError) as caught:
        run("--hours", "24x7", "--holidays", "none", "--start", "2026-03-02T20:50:00",
            "--minutes", "1")
    assert caught.value.returncode == 2


def test_it_still_shows_help(capsys):
    code, out, err = run_from_command_line(capsys, "--help")
    assert code == 0
    assert "--hours" in out and "--holidays" in out and "--minutes" in out
    assert err == ""
