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
    path("services/settlements/", views.settlement_list, name="settlement_list"),
    path("services/settlements/prepare/", views.settlement_prepare, name="settlement_prepare"),
    path("services/settlements/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path(
        "services/settlements/<int:pk>/statement.xlsx",
        views.settlement_statement,
        name="settlement_statement",
    ),
    path("services/settlements/<int:pk>/return/", views.settlement_return, name="settlement_return"),
    path("services/settlements/<int:pk>/decide/", views.settlement_decide, name="settlement_decide"),
    path("services/settlements/<int:pk>/<str:action>/", views.settlement_step, name="settlement_step"),
]
