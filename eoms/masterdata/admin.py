from django.contrib import admin

from eoms.core.admin import AdminOnly
from eoms.masterdata.models import CustomerUser


@admin.register(CustomerUser)
class CustomerUserAdmin(AdminOnly):
    """Which customer a portal user (role 客户) belongs to: he sees that customer's data."""

    list_display = ["user", "customer"]
    search_fields = ["user__username", "customer__code", "customer__name"]
    raw_id_fields = ["user", "customer"]
