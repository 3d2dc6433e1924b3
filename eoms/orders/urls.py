"""Order URLs, one file per page family: staff pages, rules, customer portal."""

from eoms.orders import urls_import, urls_pages, urls_portal, urls_rules

app_name = "orders"
urlpatterns = (urls_pages.urlpatterns + urls_rules.urlpatterns + urls_portal.urlpatterns
               + urls_import.urlpatterns)
