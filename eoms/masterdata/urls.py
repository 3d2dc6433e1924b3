from typing import Any

from django.urls import include, path

from eoms.masterdata import views

app_name = "masterdata"
KIND_NAMES = ["customer", "supplier", "materialcategory", "material", "project", "site",
              "costcode"]

urlpatterns: list[Any] = []
for name in KIND_NAMES:
    kind = {"kind": name}
    urlpatterns += [
        path(f"{name}/", views.list_view, kind, name=f"{name}_list"),
        path(f"{name}/new/", views.create_view, kind, name=f"{name}_create"),
        path(f"{name}/export/", views.export_view, kind, name=f"{name}_export"),
        path(f"{name}/<int:pk>/", views.detail_view, kind, name=f"{name}_detail"),
        path(f"{name}/<int:pk>/edit/", views.edit_view, kind, name=f"{name}_edit"),
        path(f"{name}/<int:pk>/delete/", views.delete_view, kind, name=f"{name}_delete"),
    ]
urlpatterns += [
    path("project/<int:pk>/members/", views.member_add_view, name="project_member_add"),
    path("project/<int:pk>/members/<int:member_pk>/remove/", views.member_remove_view,
         name="project_member_remove"),
]

# Excel import pages (eoms/masterdata/urls_import.py): masterdata:<kind>_import …
urlpatterns.append(path("", include("eoms.masterdata.urls_import")))
