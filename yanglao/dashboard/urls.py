from django.urls import path

from yanglao.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.overview, name="overview"),
    path("dashboard/panel/", views.home_panel, name="home_panel"),
    path("dashboard/wall/", views.wall, name="wall"),
    path("dashboard/report/", views.report, name="report"),
    path("dashboard/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("dashboard/refresh/", views.refresh, name="refresh"),
    path("dashboard/indicators/<slug:code>/", views.indicator, name="indicator"),
    path("dashboard/targets/", views.target_list, name="target_list"),
    path("dashboard/targets/new/", views.target_create, name="target_create"),
    path("dashboard/targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("dashboard/targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    path("dashboard/targets/<int:pk>/withdraw/", views.target_withdraw, name="target_withdraw"),
]
