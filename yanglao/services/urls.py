from django.urls import path

from yanglao.services import views

app_name = "services"


urlpatterns = [
    path("services/catalogue/", views.catalogue, name="catalogue"),
    path("services/catalogue/<str:code>/rules/", views.rule_edit, name="rule_edit"),
    path("services/basic-list/", views.basic_list, name="basic_list"),
    path("elders/<int:pk>/services/", views.elder_panel, name="elder_panel"),
    path("elders/<int:pk>/services/order/", views.elder_order_new, name="elder_order_new"),
    path("services/orders/", views.order_list, name="order_list"),
    path("services/orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("services/orders/<int:pk>/<str:action>/", views.order_step, name="order_step"),
    path("services/offerings/", views.offering_list, name="offering_list"),
    path("services/caregivers/", views.caregiver_list, name="caregiver_list"),
    path("services/caregivers/update/", views.caregiver_update, name="caregiver_update"),
    path("services/care/", views.care_today, name="care_today"),
    path("services/care/<int:order_id>/", views.care_job, name="care_job"),
    path("services/care/<int:order_id>/<str:action>/", views.care_answer, name="care_answer"),
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
    path("services/quality/settings/", views.quality_settings, name="quality_settings"),
    path("services/monitor/", views.monitor, name="monitor"),
    path("services/supervision/", views.supervision, name="supervision"),
    path("services/alerts/", views.alert_list, name="alert_list"),
    path("services/alerts/export/", views.alert_export, name="alert_export"),
    path("services/alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("services/follow-ups/", views.follow_ups, name="follow_ups"),
    path("services/follow-ups/<int:order_id>/", views.follow_up_new, name="follow_up_new"),
    path("services/complaints/", views.complaint_list, name="complaint_list"),
    path("services/complaints/export/", views.complaint_export, name="complaint_export"),
    path("services/complaints/new/", views.complaint_new, name="complaint_new"),
    path("services/complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("family/", views.family_home, name="family_home"),
    path("family/panel/", views.family_panel, name="family_panel"),
    path("family/order/", views.family_order_new, name="family_order_new"),
    path("family/orders/<int:pk>/", views.family_order, name="family_order"),
    path("family/orders/<int:pk>/<str:action>/", views.family_order_act, name="family_order_act"),
    path("family/plans/", views.family_plans, name="family_plans"),
    path("family/plans/<int:pk>/stop/", views.family_plan_stop, name="family_plan_stop"),
]
