from __future__ import annotations

import factory

from ehub.accounts.models import Role
from ehub.accounts.tests.factories import UserFactory
from ehub.sellers.models import Seller, SellerMembership, VerificationStatus


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    slug = factory.Sequence(lambda n: f"seller-{n}")
    legal_name = factory.Sequence(lambda n: f"Seller {n} Sdn Bhd")
    display_name = factory.Sequence(lambda n: f"Seller {n}")
    country = "MY"
    region = "MY-07"
    city = "George Town"
    address_line1 = factory.Sequence(lambda n: f"{n + 1} Lebuh Armenian")
    postal_code = "10200"
    contact_phone = "+60 4 555 0100"
    registration_number = factory.Sequence(lambda n: f"2023010{n:05d}")
    contact_email = factory.Sequence(lambda n: f"hello{n}@seller.example")
    payout_currency = "MYR"
    verification_status = VerificationStatus.VERIFIED


class SellerStaffFactory(UserFactory):
    role = Role.SELLER_STAFF

    @factory.post_generation
    def seller(self, create, extracted, **kwargs):
        if not create:
            return
        SellerMembership.objects.create(
            user=self, seller=extracted or SellerFactory(), role=SellerMembership.Role.OWNER
        )
