from django.contrib import admin
from django.urls import include, path, re_path

from yanglao import api as api_module
from yanglao.api import api
from yanglao.core import views as core_views

admin.site.site_header = "养老服务综合平台 · 系统管理"
admin.site.site_title = "养老服务综合平台"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("events/", core_views.events_stream, name="events"),
    re_path(r"^api/(?P<path>.*)$", api_module.not_found),
    path("", include("yanglao.people.urls")),
    path("", include("yanglao.assessment.urls")),
    path("", include("yanglao.facilities.urls")),
    path("", include("yanglao.services.urls")),
    path("", include("yanglao.alarms.urls")),
    path("", include("yanglao.benefits.urls")),
    path("", include("yanglao.ltc.urls")),
    path("", include("yanglao.dashboard.urls")),
    path("", include("yanglao.core.urls")),
]
