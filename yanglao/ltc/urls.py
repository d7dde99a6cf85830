from django.urls import path

from yanglao.ltc import views

app_name = "ltc"

urlpatterns = [
    path("ltc/", views.application_list, name="application_list"),
    path("ltc/export/", views.application_export, name="application_export"),
    path("ltc/new/<int:elder>/", views.application_new, name="application_new"),
    path("ltc/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("ltc/applications/<int:pk>/plan/", views.plan_new, name="plan_new"),
    path("ltc/people/<int:pk>/panel/", views.elder_panel, name="elder_panel"),
    path("ltc/family/", views.family, name="family"),
    path("ltc/settlements/", views.settlement_list, name="settlement_list"),
    path("ltc/settlements/prepare/", views.settlement_prepare, name="settlement_prepare"),
    path("ltc/settlements/<int:pk>/", views.settlement_detail, name="settlement_detail"),
    path("ltc/settlements/<int:pk>/step/<str:action>/", views.settlement_step, name="settlement_step"),
    path("ltc/settlements/<int:pk>/decide/", views.settlement_decide, name="settlement_decide"),
    path("ltc/settlements/<int:pk>/statement.xlsx", views.settlement_statement, name="settlement_statement"),
    path("ltc/report/", views.yearly_report, name="report"),
]
