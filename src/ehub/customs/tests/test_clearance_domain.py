"""Customs clearance's pure rules (no database): validation lists every problem, incoterm and
taxes collected, weight shares, the pipeline, and the sandbox authority's rules."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehub.core.errors import Conflict
from ehub.customs.clearance_domain import (
    Decision,
    SandboxRulesError,
    declaration_problems,
    incoterm_for,
    problems_error,
    sandbox_decide,
    sandbox_rules_parse,
    taxes_collected,
    transition_check,
    weight_shares,
)
from ehub.customs.sandbox_authority import DEFAULT_RULES_FILE


def content(**changes: Any) -> dict[str, Any]:
    """A complete, valid declaration's content (SG, collected at checkout)."""
    base: dict[str, Any] = {
        "parcel": "EHP000004201",
        "destination": "SG",
        "collected": "at_checkout",
        "incoterm": "DDP",
        "currency": "SGD",
        "waybill": "SBX1",
        "consignor": {
            "legal_name": "Batik Sdn Bhd",
            "address_line1": "12 Lebuh Pantai",
            "city": "George Town",
            "country": "MY",
            "registration_number": "202301000001",
        },
        "consignee": {
            "name": "Tan Mei Ling",
            "address_line1": "1 Raffles Place",
            "city": "Singapore",
            "postal_code": "018989",
            "country": "SG",
            "phone": "",
            "identity": None,
        },
        "lines": [
            {
                "sku": "A",
                "description": "batik scarf",
                "hs_code": "621410",
                "quantity": 2,
                "unit_value": "10.00",
                "unit_value_minor": 1000,
                "total_value": "20.00",
                "total_value_minor": 2000,
                "origin": "MY",
                "net_weight_grams": 300,
            },
            {
                "sku": "B",
                "description": "coffee",
                "hs_code": "090121",
                "quantity": 1,
                "unit_value": "5.50",
                "unit_value_minor": 550,
                "total_value": "5.50",
                "total_value_minor": 550,
                "origin": "MY",
                "net_weight_grams": 200,
            },
        ],
        "goods_value_minor": 2550,
        "weight_grams": 500,
        "registration_required": True,
        "registration": {"key": "SG-OVR", "number": "M90999990X"},
    }
    base.update(changes)
    return base


def fields(problems: list[Any]) -> list[str]:
    return [p.field for p in problems]


# -- validation -----------------------------------------------------------------------------------
def test_a_complete_declaration_has_no_problems():
    assert declaration_problems(content()) == []


def test_every_problem_is_listed_at_once():
    broken = content(
        consignor={"legal_name": "", "country": "MY", "registration_number": ""},
        consignee={"name": "Tan", "country": "SG", "address_line1": " ", "city": ""},
        lines=[
            {
                "sku": "A",
                "description": "",
                "hs_code": "6214",
                "quantity": 0,
                "unit_value_minor": 0,
                "total_value_minor": -5,
                "origin": "MY",
                "net_weight_grams": 0,
            },
            {
                "sku": "B",
                "description": "coffee",
                "hs_code": "",
                "quantity": 1,
                "unit_value_minor": 550,
                "total_value_minor": 550,
                "origin": "",
                "net_weight_grams": 100,
            },
        ],
        goods_value_minor=2550,
        weight_grams=None,
        registration=None,
        waybill="",
    )

    problems = declaration_problems(broken)

    assert fields(problems) == [
        "consignor.legal_name",
        "consignor.address_line1",
        "consignor.city",
        "consignor.registration_number",
        "consignee.address_line1",
        "consignee.city",
        "consignee.postal_code",
        "lines[0].hs_code",
        "lines[0].description",
        "lines[0].quantity",
        "lines[0].unit_value",
        "lines[0].total_value",
        "lines[0].net_weight",
        "lines[1].hs_code",
        "lines[1].origin",
        "lines",
        "weight",
        "registration",
        "waybill",
    ]
    assert "'6214' is not 6 digits" in problems[7].message
    assert "not the parcel's goods value of 2550" in problems[15].message


def test_the_error_is_a_422_declaration_invalid_with_every_problem():
    problems = declaration_problems(content(waybill="", weight_grams=0))

    error = problems_error(problems)

    assert (error.code, error.status) == ("declaration_invalid", 422)
    assert error.detail == {
        "problems": [
            {"field": "weight", "message": "the parcel's weight is missing"},
            {"field": "waybill", "message": "the waybill number is missing"},
        ]
    }
    assert error.message.startswith("the customs declaration has 2 problems: weight:")


def test_lines_must_add_up_to_the_goods_value_exactly():
    assert fields(declaration_problems(content(goods_value_minor=2551))) == ["lines"]
    assert fields(declaration_problems(content(goods_value_minor=0))) == ["goods_value"]


def test_a_line_total_must_be_quantity_times_unit_value():
    lines = copy.deepcopy(content()["lines"])
    lines[0]["total_value_minor"] = 2001

    problems = declaration_problems(content(lines=lines, goods_value_minor=2551))

    assert fields(problems) == ["lines[0].total_value"]


@pytest.mark.parametrize("hs_code", ["62141", "6214100", "62141A", "６２１４１０"])
def test_an_hs_code_must_be_6_ascii_digits(hs_code):
    lines = copy.deepcopy(content()["lines"])
    lines[0]["hs_code"] = hs_code

    assert fields(declaration_problems(content(lines=lines))) == ["lines[0].hs_code"]


def test_no_lines_is_a_problem():
    assert fields(declaration_problems(content(lines=[]))) == ["lines"]


def test_a_postal_code_is_not_needed_where_the_country_has_none():
    hong_kong = content(destination="HK", registration_required=False, registration=None)
    hong_kong["consignee"] = {**hong_kong["consignee"], "postal_code": "", "country": "HK"}
    singapore = content()
    singapore["consignee"] = {**singapore["consignee"], "postal_code": ""}

    assert declaration_problems(hong_kong) == []
    assert fields(declaration_problems(singapore)) == ["consignee.postal_code"]


def test_china_needs_the_buyer_identity_and_a_phone():
    cn = content(destination="CN", currency="CNY")
    cn["consignee"] = {**cn["consignee"], "country": "CN", "identity": None}

    assert fields(declaration_problems(cn)) == [
        "consignee.phone",
        "consignee.identity.name",
        "consignee.identity.id_masked",
        "consignee.identity.id_digest",
    ]
    cn["consignee"]["phone"] = "+86 21 5555 0100"
    cn["consignee"]["identity"] = {"name": "张三", "id_masked": "110***2X", "id_digest": "ab"}
    assert declaration_problems(cn) == []


def test_a_registration_is_needed_only_when_charges_were_collected_at_checkout():
    at_border = content(collected="at_border", registration_required=False, registration=None)

    assert declaration_problems(at_border) == []
    problems = declaration_problems(content(registration=None))
    assert fields(problems) == ["registration"]
    assert "collected at checkout" in problems[0].message


# -- what the declaration says ---------------------------------------------------------------------
def test_incoterm_is_ddp_when_collected_at_checkout_else_dap():
    assert incoterm_for("at_checkout") == "DDP"
    assert incoterm_for("at_border") == "DAP"


def test_taxes_collected_are_summed_per_kind_from_the_landed_cost():
    landed = {
        "collected": "at_checkout",
        "duties": [{"amount": "1.10"}, {"amount": "0.40"}, {"amount": None}],
        "taxes": [
            {"kind": "vat", "amount": "12.39"},
            {"kind": "consumption_tax", "amount": "3.00"},
            {"kind": "vat", "amount": "0.01"},
        ],
        "fees": [{"amount": "2.00"}],
    }

    taxes = taxes_collected(landed, currency="CNY")

    assert taxes == {
        "collected": "at_checkout",
        "currency": "CNY",
        "items": [
            {"kind": "duty", "amount": "1.50", "amount_minor": 150},
            {"kind": "vat", "amount": "12.40", "amount_minor": 1240},
            {"kind": "consumption_tax", "amount": "3.00", "amount_minor": 300},
            {"kind": "fees", "amount": "2.00", "amount_minor": 200},
        ],
        "total_minor": 1890,
    }


def test_nothing_was_collected_at_checkout_when_charges_are_paid_at_the_border():
    landed = {"collected": "at_border", "taxes": [{"kind": "vat", "amount": "67.12"}]}

    taxes = taxes_collected(landed, currency="EUR")

    assert (taxes["collected"], taxes["items"], taxes["total_minor"]) == ("at_border", [], 0)


@given(
    total=st.integers(min_value=1, max_value=50_000),
    weights=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=8),
)
def test_weight_shares_add_up_exactly_and_follow_the_lines_weights(total, weights):
    shares = weight_shares(total, weights)

    assert len(shares) == len(weights)
    if sum(weights) == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Decimal(total) * weight / sum(weights)
        assert abs(share - exact) < 1
        if weight == 0:
            assert share == 0


# -- the pipeline ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("prepared", "submitted"),
        ("prepared", "held"),
        ("submitted", "inspection"),
        ("inspection", "refused"),
        ("held", "submitted"),
        ("held", "returned"),
    ],
)
def test_allowed_moves(current, target):
    assert transition_check(current, target) == target


@pytest.mark.parametrize(
    ("current", "target"),
    [("cleared", "held"), ("refused", "submitted"), ("submitted", "returned"), ("held", "cleared")],
)
def test_illegal_moves_are_a_409(current, target):
    with pytest.raises(Conflict) as raised:
        transition_check(current, target)

    assert raised.value.code == "declaration_illegal_transition"
    assert raised.value.detail["from"] == current


# -- the sandbox authority's rules ----------------------------------------------------------------
RULES = """
[[rule]]
name = "no-weapons"
outcome = "refused"
reason = "weapons"
hs_prefixes = ["93"]

[[rule]]
name = "fakes"
outcome = "refused"
reason = "looks counterfeit"
keywords = ["Replica"]

[[rule]]
name = "scarves-to-sg"
outcome = "held"
reason = "textile certificate needed"
hs_prefixes = ["6214"]
destinations = ["SG"]
documents = ["Certificate of origin", "invoice"]

[[rule]]
name = "ask-anything"
outcome = "held"
reason = "tell us more"
destinations = ["NZ"]

[[rule]]
name = "big"
outcome = "inspection"
then = "refused"
reason = "big parcel"
value_above = {SGD = "25.00"}
"""


def decide(c: dict[str, Any], **kw: Any):
    return sandbox_decide(c, sandbox_rules_parse(RULES), **kw)


def with_line(hs_code: str = "090121", description: str = "coffee") -> list[dict[str, Any]]:
    line = dict(content()["lines"][1], hs_code=hs_code, description=description)
    return [line]


def test_no_matching_rule_clears():
    verdict = decide(content(lines=with_line(), goods_value_minor=550))

    assert (verdict.decision, verdict.rule) == (Decision.CLEARED, "")


def test_a_rule_by_hs_prefix_refuses():
    verdict = decide(content(lines=with_line("930320"), goods_value_minor=550))

    assert (verdict.decision, verdict.rule, verdict.reason) == (
        Decision.REFUSED,
        "no-weapons",
        "weapons",
    )


def test_a_rule_by_keyword_is_case_insensitive():
    verdict = decide(content(lines=with_line(description="REPLICA watch"), goods_value_minor=550))

    assert (verdict.decision, verdict.rule) == (Decision.REFUSED, "fakes")


def test_a_hold_by_hs_prefix_and_destination_asks_for_its_documents():
    verdict = decide(content())

    assert verdict.decision is Decision.HELD
    assert verdict.documents_requested == ("Certificate of origin", "invoice")
    other = content(destination="MY")
    assert decide(other).decision is Decision.INSPECTION  # the next rule: value above SGD 25


def test_a_hold_is_passed_over_on_resubmission_with_every_document_it_asked_for():
    supplied = ["certificate of ORIGIN", "Invoice", "photos"]

    assert decide(content(), documents_supplied=supplied, resubmission=True).rule == "big"
    partial = decide(content(), documents_supplied=["invoice"], resubmission=True)
    assert (partial.decision, partial.rule) == (Decision.HELD, "scarves-to-sg")
    first_time = decide(content(), documents_supplied=supplied)
    assert first_time.decision is Decision.HELD


def test_a_hold_without_documents_is_passed_over_on_any_resubmission():
    nz = content(destination="NZ", lines=with_line(), goods_value_minor=550)

    assert decide(nz).decision is Decision.HELD
    assert decide(nz, resubmission=True).decision is Decision.CLEARED


def test_an_inspection_by_value_says_how_it_ends():
    verdict = decide(content(destination="MY", goods_value_minor=2550))

    assert (verdict.decision, verdict.then) == (Decision.INSPECTION, Decision.REFUSED)
    at_the_limit = content(destination="MY", lines=with_line(), goods_value_minor=2500)
    at_the_limit["lines"][0].update(unit_value_minor=2500, total_value_minor=2500)
    assert decide(at_the_limit).decision is Decision.CLEARED
    in_euros = content(destination="MY", currency="EUR", goods_value_minor=999_999)
    assert decide(in_euros).decision is Decision.CLEARED  # the rule names SGD only


def test_the_default_rule_file_parses_and_clears_ordinary_coffee():
    rules = sandbox_rules_parse(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))

    assert [r.name for r in rules] == [
        "weapons",
        "counterfeit",
        "medicines",
        "cosmetics-to-china",
        "high-value",
    ]
    assert sandbox_decide(content(), rules).decision is Decision.CLEARED


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[rule]]\nname='a'\noutcome='maybe'\nreason='r'", "outcome: one of"),
        ("[[rule]]\nname='a'\noutcome='cleared'", "reason: a non-empty reason"),
        ("[[rule]]\noutcome='cleared'\nreason='r'", "name: a non-empty name"),
        ("[[rule]]\nname='a'\noutcome='inspection'\nreason='r'", "ends cleared or refused"),
        ("[[rule]]\nname='a'\noutcome='refused'\nreason='r'\nthen='cleared'", "only an inspec"),
        ("[[rule]]\nname='a'\noutcome='refused'\nreason='r'\ndocuments=['x']", "only a hold"),
        ("[[rule]]\nname='a'\noutcome='held'\nreason='r'\nhs_prefixes=['9A']", "1 to 6 digits"),
        ("[[rule]]\nname='a'\noutcome='held'\nreason='r'\nvalue_above={XXX='1'}", "known curr"),
        ("[[rule]]\nname='a'\noutcome='held'\nreason='r'\nvalue_above={EUR=1}", "decimal str"),
        ("[[rule]]\nname='a'\noutcome='held'\nreason='r'\ncolour='red'", "unknown key `colour`"),
        ("rules = 1", "unknown top-level key"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_a_malformed_rules_file_is_refused_with_the_reason(text, message):
    with pytest.raises(SandboxRulesError, match=message.replace("(", r"\(")):
        sandbox_rules_parse(text)


@given(
    amounts=st.lists(
        st.tuples(
            st.sampled_from(["vat", "consumption_tax", "gst"]),
            st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
        ),
        max_size=6,
    ),
    duty=st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
)
def test_taxes_collected_add_up_to_the_landed_costs_charges_to_the_cent(amounts, duty):
    landed = {
        "collected": "at_checkout",
        "duties": [{"amount": str(duty)}],
        "taxes": [{"kind": kind, "amount": str(amount)} for kind, amount in amounts],
    }

    taxes = taxes_collected(landed, currency="CNY")

    expected = int((duty + sum((a for _, a in amounts), Decimal(0))) * 100)
    assert taxes["total_minor"] == expected
    assert taxes["total_minor"] == sum(item["amount_minor"] for item in taxes["items"])
    assert all(item["amount_minor"] > 0 for item in taxes["items"])
    assert len({item["kind"] for item in taxes["items"]}) == len(taxes["items"])
