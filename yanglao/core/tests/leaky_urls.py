"""A URLconf with two deliberately wrong views, used only to prove the leak walker catches them."""

from django.http import HttpResponse, JsonResponse
from django.urls import path

from yanglao.core.models import Organisation
from yanglao.urls import urlpatterns as real_urlpatterns


def unscoped_list(request):
    rows = Organisation.objects.unscoped(reason="deliberately leaky view for the leak-test self-check")
    return HttpResponse("\n".join(o.name for o in rows))


def forgot_scope(request):
    return HttpResponse("\n".join(o.name for o in Organisation.objects.all()))


def unscoped_json(request):
    """JSON escapes Chinese as \\uXXXX: the walker must still read the names."""
    rows = Organisation.objects.unscoped(reason="deliberately leaky API for the leak-test self-check")
    return JsonResponse({"names": [o.name for o in rows]})


def unscoped_write(request):
    """Renames whatever organisation a POST names, without asking whose it is."""
    if request.method == "POST" and str(request.POST.get("organisation", "")).isdigit():
        Organisation.objects.unscoped(reason="deliberately leaky write for the leak-test self-check").filter(
            pk=int(request.POST["organisation"])
        ).update(name="改写")
    return HttpResponse("ok")


urlpatterns = [
    path("leaky/write/", unscoped_write),
    path("leaky/unscoped/", unscoped_list),
    path("leaky/json/", unscoped_json),
    path("leaky/forgot-scope/", forgot_scope),
    *real_urlpatterns,
]
