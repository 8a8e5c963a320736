"""The landed-cost contract through its two doors: `ehub landed-cost` and POST /api/v1/landed-cost.

The engine's figures are tested in src/ehub/customs/tests; here: JSON in and out, exit codes and
HTTP statuses, the error shape, and stored FX rates used when the request brings none.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from ehub.customs.contract import EXAMPLE_REQUEST
from ehub.markets.tests.factories import FxRateFactory

FINLAND = {**EXAMPLE_REQUEST, "fx": {}}


def run_cli(monkeypatch, stdin_text: str | None = None, *args: str) -> tuple[int, dict]:
    if stdin_text is not None:
        monkeypatch.setattr("sys.stdin", StringIO(stdin_text))
    output = StringIO()
    code = 0
    try:
        call_command("landed-cost", *args, stdout=output)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(output.getvalue())


def post(client, payload) -> tuple[int, dict]:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    response = client.post("/api/v1/landed-cost", body, content_type="application/json")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_cli_reads_stdin_and_prints_the_contract(monkeypatch):
    code, result = run_cli(monkeypatch, json.dumps(FINLAND))

    assert code == 0
    assert result["customs_value"] == "235.00"
    assert result["duty_total"] == "28.20"
    assert result["tax_total"] == "67.12"
    assert result["import_charges_total"] == "95.32"
    assert result["landed_total"] == "330.32"
    assert result["collected"] == "at_border"


@pytest.mark.django_db
def test_cli_reads_a_request_file_and_api_gives_the_same_answer(monkeypatch, tmp_path, client):
    request_file = tmp_path / "parcel.json"
    request_file.write_text(json.dumps(FINLAND), encoding="utf-8")

    code, from_cli = run_cli(monkeypatch, None, "--request", str(request_file))
    status, from_api = post(client, FINLAND)

    assert code == 0
    assert status == 200
    assert from_cli == from_api


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"destination": "XX"}, "unknown_country", "destination"),
        ({"lines": [{**FINLAND["lines"][0], "hs_code": "6206"}]}, "invalid_hs_code",
         "lines[0].hs_code"),
        ({"shipping": "-1.00"}, "negative_amount", "shipping"),
        ({"date": "1990-01-01"}, "no_rules_for_date", None),
        ({"currency": "USD"}, "fx_rate_missing", None),
    ],
)  # fmt: skip
def test_bad_input_is_exit_2_and_a_4xx_with_the_error_shape(
    monkeypatch, client, change, code, field
):
    payload = {**FINLAND, **change}

    exit_code, cli_error = run_cli(monkeypatch, json.dumps(payload))
    status, api_error = post(client, payload)

    assert exit_code == 2
    assert 400 <= status < 500
    for error in (cli_error, api_error):
        assert set(error) == {"code", "message", "detail"}
        assert error["code"] == code
        assert error["message"]
        if field is not None:
            assert error["detail"]["field"] == field


@pytest.mark.django_db
def test_not_json_is_a_clear_error_not_a_traceback(monkeypatch, client):
    exit_code, cli_error = run_cli(monkeypatch, "{not json")
    status, api_error = post(client, "{not json")

    assert exit_code == 2
    assert cli_error["code"] == "invalid_input"
    assert status == 400
    assert api_error["code"] == "invalid_input"


@pytest.mark.django_db
def test_a_json_list_is_refused(client):
    status, error = post(client, [FINLAND])

    assert status == 400
    assert error["code"] in {"invalid_input", "invalid_request"}


@pytest.mark.django_db
def test_stored_rates_of_the_request_date_convert_a_foreign_currency(client):
    FxRateFactory(base="EUR", quote="USD", rate="1.25", as_of=dt.date(2026, 2, 27))  # a Friday
    payload = {
        **FINLAND,
        "currency": "USD",
        "lines": [{**FINLAND["lines"][0], "unit_price": "250.00"}],
        "shipping": "43.75",
        "carrier_fees": [],
    }

    status, result = post(client, payload)

    assert status == 200, result
    assert result["currency"] == "EUR"
    assert result["customs_value"] == "235.00"  # (250 + 43.75) / 1.25
    assert result["landed_total"] == "330.32"


@pytest.mark.django_db
def test_request_fx_wins_over_stored_rates(client):
    FxRateFactory(base="EUR", quote="USD", rate="9.99", as_of=dt.date(2026, 2, 27))
    payload = {
        **FINLAND,
        "currency": "USD",
        "fx": {"EUR/USD": "1.25"},
        "lines": [{**FINLAND["lines"][0], "unit_price": "250.00"}],
        "shipping": "43.75",
        "carrier_fees": [],
    }

    status, result = post(client, payload)

    assert status == 200, result
    assert result["customs_value"] == "235.00"


def test_openapi_documents_the_landed_cost_request(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/landed-cost"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    assert example["destination"] == "FI"


def test_cli_on_a_database_never_migrated_says_so_without_a_traceback(tmp_path):
    # A newcomer who runs the CLI before `make migrate`: the stored FX rates cannot be read.
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}"}
    request = {
        "date": "2026-03-01",
        "destination": "FI",
        "currency": "USD",
        "lines": [{"hs_code": "620610", "origin": "CN", "quantity": 1, "unit_price": "10.00"}],
    }
    done = subprocess.run(
        [sys.executable, "-m", "ehub.manage", "landed-cost"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    error = json.loads(done.stdout)
    assert error["code"] == "database_unavailable"
    assert "ehub migrate" in error["message"]

    other = subprocess.run(
        [sys.executable, "-m", "ehub.manage", "hs", "search", "silk"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert other.returncode == 1
    assert "Traceback" not in other.stderr
    assert "ehub migrate" in other.stderr
