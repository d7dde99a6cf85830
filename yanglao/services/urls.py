from django.urls import path

from yanglao.services import views

app_name = "services"

urlpatterns = [
    path("services/catalogue/", views.catalogue, name="catalogue"),
    path("services/catalogue/<str:code>/rules/", views.rule_edit, name="rule_edit"),
    path("services/basic-list/", views.basic_list, name="basic_list"),
    path("elders/<int:pk>/services/", views.elder_panel, name="elder_panel"),
    path("services/orders/", views.order_list, name="order_list"),
    path("services/offerings/", views.offering_list, name="offering_list"),
    path("services/care/", views.care_today, name="care_today"),
    path("services/care/<int:order_id>/", views.care_job, name="care_job"),
]
