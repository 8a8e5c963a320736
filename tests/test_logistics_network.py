"""The hub network: loaded from network.toml (validated against the checkout's corridors,
idempotent, from the service and the CLI) and exposed with rate bands and transit days."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ehub.checkout.domain import shipping_rates
from ehub.core.errors import DomainError
from ehub.logistics.models import Hub, Route
from ehub.logistics.services import network_load

pytestmark = pytest.mark.django_db

DEMO_SELLER_COUNTRIES = {"US", "CA", "MY", "CN", "FR", "NZ", "JP", "SG", "DE", "AU", "GB"}
DEMO_MARKETS = {"CN", "MY", "SG", "US", "CA", "GB", "DE", "FR", "JP", "AU"}


def test_the_network_has_the_demo_hubs_and_a_route_for_every_sellable_demo_corridor():
    result = network_load()

    assert {"KUL", "HGH", "LAX", "LGG", "SYD"} <= set(Hub.objects.values_list("code", flat=True))
    assert Hub.objects.get(code="LGG").country == "BE"
    corridors = {
        pair
        for pair in shipping_rates().corridors
        if pair[0] in DEMO_SELLER_COUNTRIES and pair[1] in DEMO_MARKETS
    }
    routes = set(Route.objects.values_list("origin_country", "destination_country"))
    assert routes == corridors
    assert result.routes_created == len(corridors)
    assert Route.objects.get(origin_country="MY", destination_country="CN").origin_hub.code == "KUL"
    assert Route.objects.get(
        origin_country="MY", destination_country="CN"
    ).destination_hub.code == ("HGH")


def test_loading_twice_changes_nothing():
    network_load()
    before = list(Route.objects.values_list("pk", "origin_hub_id", "transit_min_days"))

    again = network_load()

    assert (again.hubs_created, again.hubs_updated, again.routes_created, again.routes_updated) == (
        0,
        0,
        0,
        0,
    )
    assert list(Route.objects.values_list("pk", "origin_hub_id", "transit_min_days")) == before


def test_a_changed_file_updates_and_deactivates(tmp_path):
    network_load()
    small = tmp_path / "network.toml"
    small.write_text(
        'source = "test"\n'
        '[hubs.KUL]\nname = "KL"\ncountry = "MY"\ncity = "Sepang"\naddress = "x"\n'
        'operator = "o"\nrole = "both"\n'
        '[[routes]]\nhub = "KUL"\nfrom = ["MY"]\nto = { CN = [9, 12] }\n',
        encoding="utf-8",
    )

    result = network_load(path=small)

    assert result.hubs_updated == 1
    assert result.routes_updated == 1
    assert Route.objects.filter(active=True).count() == 1
    assert Route.objects.get(origin_country="MY", destination_country="CN").transit_min_days == 9
    assert result.routes_deactivated == Route.objects.filter(active=False).count() > 0


def test_an_invalid_file_writes_nothing_and_the_cli_exits_2(tmp_path):
    bad = tmp_path / "network.toml"
    bad.write_text(
        'source = "test"\n[hubs.KUL]\nname = "KL"\ncountry = "MY"\ncity = "S"\naddress = "x"\n'
        'operator = "o"\nrole = "both"\n[[routes]]\nhub = "KUL"\nfrom = ["MY"]\n'
        "to = { KR = [1, 2], CN = [3, 1] }\n",
        encoding="utf-8",
    )

    with pytest.raises(DomainError) as caught:
        network_load(path=bad)
    with pytest.raises(CommandError) as cli:
        call_command("logistics", "load-network", "--file", str(bad))
    with pytest.raises(CommandError) as missing:
        call_command("logistics", "load-network", "--file", str(tmp_path / "nope.toml"))

    assert caught.value.detail["problems"] == [
        "routes[0]: MY→KR: checkout has no shipping-rate corridor for it",
        "routes[0]: MY→CN: transit days are [min, max] with 1 <= min <= max <= 90",
    ]
    assert not Hub.objects.exists()
    assert cli.value.returncode == 2
    assert "MY→KR" in str(cli.value)
    assert "MY→CN" in str(cli.value)
    assert missing.value.returncode == 2


def test_the_cli_loads_the_bundled_network():
    out = io.StringIO()

    call_command("logistics", "load-network", stdout=out)

    assert "hubs: 6 created" in out.getvalue()


def test_routes_are_listed_with_their_rate_bands_and_transit_days(client):
    network_load()

    response = client.get("/api/v1/logistics/routes?from=MY&to=CN")

    assert response.status_code == 200
    [route] = response.json()
    corridor = shipping_rates().corridor("MY", "CN")
    assert route["origin_hub"]["code"] == "KUL"
    assert route["destination_hub"]["code"] == "HGH"
    assert (route["transit_min_days"], route["transit_max_days"]) == (4, 7)
    assert route["rate_currency"] == corridor.bands[0].price.currency
    assert route["rate_bands"][0] == {
        "max_grams": corridor.bands[0].max_grams,
        "price": {"amount": str(corridor.bands[0].price.amount), "currency": "MYR"},
    }
    assert len(route["rate_bands"]) == len(corridor.bands)


def test_routes_filter_by_origin_or_destination_and_hubs_are_listed(client):
    network_load()

    from_my = client.get("/api/v1/logistics/routes?from=my").json()
    to_au = client.get("/api/v1/logistics/routes?to=AU").json()
    hubs = client.get("/api/v1/logistics/hubs").json()

    assert {r["origin_country"] for r in from_my} == {"MY"}
    assert {r["destination_country"] for r in to_au} == {"AU"}
    assert {r["origin_country"] for r in to_au} == DEMO_SELLER_COUNTRIES - {"AU"}
    assert [h["code"] for h in hubs] == ["HGH", "KUL", "LAX", "LGG", "NRT", "SYD"]
