"""The Gantt chart pages, their data and the drag (mounted at /schedule/)."""

from django.urls import path

from eoms.scheduling import views_gantt

urlpatterns = [
    path("gantt/", views_gantt.gantt_projects, name="gantt_projects"),
    path("orders/<int:order_pk>/gantt/", views_gantt.gantt_order, name="gantt_order"),
    path("orders/<int:order_pk>/gantt/data/", views_gantt.gantt_order_data,
         name="gantt_order_data"),
    path("projects/<int:project_pk>/gantt/", views_gantt.gantt_project, name="gantt_project"),
    path("projects/<int:project_pk>/gantt/data/", views_gantt.gantt_project_data,
         name="gantt_project_data"),
    path("tasks/<int:pk>/move/", views_gantt.gantt_move, name="gantt_move"),
]
