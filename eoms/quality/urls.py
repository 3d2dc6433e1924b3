"""Quality URLs, under /quality/."""

from django.urls import include, path

from eoms.quality import (
    urls_archive,
    views_accept,
    views_inspections,
    views_ncr,
    views_template_edit,
    views_templates,
)

app_name = "quality"
urlpatterns = [
    path("", views_inspections.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", views_inspections.inspection_detail,
         name="inspection_detail"),
    path("inspections/<int:pk>/fill/", views_inspections.inspection_fill,
         name="inspection_fill"),
    path("inspections/<int:pk>/reinspect/", views_inspections.inspection_reinspect,
         name="inspection_reinspect"),
    path("photos/<int:pk>/", views_inspections.photo_image, name="photo_image"),
    path("signatures/<int:pk>/", views_inspections.signature_image, name="signature_image"),
    path("ncrs/", views_ncr.ncr_list, name="ncr_list"),
    path("ncrs/<int:pk>/", views_ncr.ncr_detail, name="ncr_detail"),
    path("ncrs/<int:pk>/close/", views_ncr.ncr_close, name="ncr_close"),
    path("templates/", views_templates.template_list, name="template_list"),
    path("templates/<int:pk>/", views_templates.template_detail, name="template_detail"),
    path("templates/new/", views_template_edit.template_create, name="template_create"),
    path("templates/<int:pk>/edit/", views_template_edit.template_edit, name="template_edit"),
    path("templates/<int:pk>/copy/", views_template_edit.template_copy, name="template_copy"),
    path("checkpoints/new/", views_template_edit.checkpoint_create, name="checkpoint_create"),
    path("checkpoints/<int:pk>/edit/", views_template_edit.checkpoint_edit,
         name="checkpoint_edit"),
    path("tasks/<int:pk>/accept/", views_accept.task_accept, name="task_accept"),
    path("", include(urls_archive)),
]
