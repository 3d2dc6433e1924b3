"""The schedule pages of an order, the task list and the task pages (namespace
"scheduling", mounted at /schedule/)."""

from django.urls import path

from eoms.scheduling import views_links, views_schedule, views_task_list, views_tasks

urlpatterns = [
    path("orders/<int:order_pk>/", views_schedule.order_schedule, name="order_schedule"),
    path("orders/<int:order_pk>/settings/", views_schedule.schedule_settings,
         name="schedule_settings"),
    path("orders/<int:order_pk>/recompute/", views_schedule.schedule_recompute,
         name="schedule_recompute"),
    path("orders/<int:order_pk>/tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/", views_task_list.task_list, name="task_list"),
    path("tasks/export/", views_task_list.task_export, name="task_export"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/delete/", views_tasks.task_delete, name="task_delete"),
    path("tasks/<int:pk>/progress/", views_tasks.task_progress, name="task_progress"),
    path("tasks/<int:pk>/links/new/", views_links.link_add, name="link_add"),
    path("links/<int:pk>/edit/", views_links.link_edit, name="link_edit"),
    path("links/<int:pk>/delete/", views_links.link_delete, name="link_delete"),
]
