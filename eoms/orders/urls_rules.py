from django.urls import path

from eoms.orders import views_rules

urlpatterns = [
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/new/", views_rules.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views_rules.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views_rules.rule_delete, name="rule_delete"),
    path("rules/<int:pk>/move/", views_rules.rule_move, name="rule_move"),
    path("rules/groups/", views_rules.group_list, name="groups"),
    path("rules/groups/new/", views_rules.group_create, name="group_create"),
    path("rules/groups/<int:pk>/edit/", views_rules.group_edit, name="group_edit"),
]
