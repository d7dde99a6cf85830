"""The real URLconf plus one view that fails, to prove the 500 page (tests only)."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("a deliberate failure for the error-page test")


urlpatterns = [path("boom/", boom), path("", include("yanglao.urls"))]
