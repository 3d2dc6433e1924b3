from django.urls import path

from eoms.orders import views, views_detail, views_form

urlpatterns = [
    path("", views.order_list, name="list"),
    path("board/", views.order_board, name="board"),
    path("export/", views.order_export, name="export"),
    path("filters/save/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("new/", views_form.order_create, name="create"),
    path("<int:pk>/", views_detail.order_detail, name="detail"),
    path("<int:pk>/edit/", views_form.order_edit, name="edit"),
    path("<int:pk>/transition/", views_detail.order_transition, name="transition"),
    path("<int:pk>/assign/", views_detail.order_assign, name="assign"),
    path("<int:pk>/extension/", views_detail.order_extension, name="extension"),
    path("<int:pk>/comments/", views_detail.order_comment, name="comment"),
    path("<int:pk>/attachments/", views_detail.order_attach, name="attach"),
    path("attachments/<int:pk>/", views_detail.attachment_download, name="attachment"),
]
