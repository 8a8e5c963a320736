from django.contrib import admin, messages

from ehub.core.errors import DomainError
from ehub.sellers.models import Seller, SellerApiKey, SellerMembership, VerificationStatus
from ehub.sellers.services import seller_set_verification


class SellerMembershipInline(admin.TabularInline):
    model = SellerMembership
    extra = 0
    raw_id_fields = ["user"]


class SellerApiKeyInline(admin.TabularInline):
    model = SellerApiKey
    extra = 0
    can_delete = False
    fields = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # keys are created through the API, shown once
        return False


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "country", "region", "payout_currency", "verification_status"]
    list_filter = ["verification_status", "country", "payout_currency"]
    search_fields = ["display_name", "legal_name", "registration_number", "contact_email", "slug"]
    readonly_fields = ["verification_status", "rejection_reason", "verified_at", "created_at"]
    inlines = [SellerMembershipInline, SellerApiKeyInline]
    actions = ["verify"]

    @admin.action(description="Verify selected sellers")
    def verify(self, request, queryset):
        for seller in queryset:
            try:
                seller_set_verification(
                    seller=seller, actor=request.user, status=VerificationStatus.VERIFIED
                )
            except DomainError as exc:
                self.message_user(request, f"{seller}: {exc.message}", level=messages.ERROR)


@admin.register(SellerApiKey)
class SellerApiKeyAdmin(admin.ModelAdmin):
    list_display = ["seller", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["seller"]
    search_fields = ["name", "prefix", "seller__display_name"]
    readonly_fields = ["seller", "prefix", "key_digest", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
