"""Device register pages: the list with its export, a device's page with its history and the lost / return
actions, the register, edit and replace forms, a new key, and the person page's devices panel. Thin:
selectors read, services write. A write that issues a key answers with the key page itself (shown once,
never put in a redirect, a message or the session), as core's API-token page does."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yanglao.alarms import device_exports
from yanglao.alarms.device_forms import (
    DeviceEditForm,
    DeviceKeyForm,
    DeviceLostForm,
    DeviceNoteForm,
    DeviceRegisterForm,
    DeviceReplaceForm,
)
from yanglao.alarms.selectors import devices as selectors
from yanglao.alarms.services import devices as services
from yanglao.core import lists, pages
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import DomainError, NotFound
from yanglao.core.forms import domain_errors_to_form

MANAGE = "alarms.manage_device"


def _streets(request: HttpRequest) -> list:
    return [r for r in core_selectors.regions_for_choice(user=request.user) if r.level == "township"]


@login_required
@permission_required("alarms.view_device", raise_exception=True)
def device_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.device_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "alarms/device_list.html", "alarms/_device_rows.html")
    context = {**lists.page_context(request, fs), "streets": _streets(request)}
    return render(request, template, {**context, "can_manage": request.user.has_perm(MANAGE)})


@login_required
@permission_required("alarms.view_device", raise_exception=True)
def device_export(request: HttpRequest) -> HttpResponse:
    return device_exports.DEVICES.respond(request)


def _detail_context(request: HttpRequest, pk: int) -> dict:
    file = selectors.device_file(user=request.user, device_id=pk)
    return {
        "file": file,
        "device": file.device,
        "lost_form": DeviceLostForm(),
        "return_form": DeviceNoteForm(),
        "key_form": DeviceKeyForm(),
    }


@login_required
@permission_required("alarms.view_device", raise_exception=True)
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "alarms/device_detail.html", _detail_context(request, pk))


def _shown_once(request: HttpRequest, form, *, template: str, context: dict, save, heading: str):
    """The form page of a write that may issue a key: on success the key page (200, not a redirect);
    invalid input or a refusal the same form with 422."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registered = save(form.cleaned_data)
            except DomainError as exc:
                domain_errors_to_form(form, exc)
                status = 422
            else:
                return render(
                    request, "alarms/device_key.html", {"registered": registered, "heading": heading}
                )
        else:
            status = 422
    extra = {"posted_form": form} if status == 422 else {}
    return render(request, template, {**context, "form": form, **extra}, status=status)


def _person_asked(request: HttpRequest):
    raw = request.GET.get("elder", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return selectors.person_for_device(user=request.user, elder_id=int(raw))


def _register(request: HttpRequest, person, data: dict):
    elder = person or selectors.person_by_id_number(user=request.user, id_number=data["id_number"])
    if elder is None:
        message = "未找到该公民身份号码的老人，或不在您的管辖范围内"
        raise NotFound(message, fields={"id_number": message})
    return services.device_register(
        actor=request.user,
        elder_id=elder.pk,
        kind=data["kind"],
        serial=data["serial"],
        key=data["key"],
        provider_id=data["provider"],
        model_name=data["model_name"],
        firmware=data["firmware"],
        heartbeat_seconds=data["heartbeat_seconds"],
        installed_on=data["installed_on"],
        note=data["note"],
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_register(request: HttpRequest) -> HttpResponse:
    person = _person_asked(request)
    form = DeviceRegisterForm(
        request.POST or None,
        providers=selectors.providers_for_choice(user=request.user),
        person=person,
    )
    return _shown_once(
        request,
        form,
        template="alarms/device_form.html",
        context={"person": person, "title": "登记智能设备"},
        save=lambda data: _register(request, person, data),
        heading="设备已登记",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_edit(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, device_id=pk)
    if not selectors.device_may_manage(user=request.user, device=device):
        raise Http404
    initial = {f: getattr(device, f) for f in services.DETAIL_FIELDS} | {"provider": device.provider_id}
    return pages.form_page(
        request,
        DeviceEditForm(
            request.POST or None, initial=initial, providers=selectors.providers_for_choice(user=request.user)
        ),
        template="alarms/device_form.html",
        context={"device": device, "title": f"修改设备 {device.serial}"},
        save=lambda d: services.device_update(
            actor=request.user,
            device_id=device.pk,
            provider_id=d.pop("provider"),
            **{f: d[f] for f in services.DETAIL_FIELDS},
        ),
        success_url=lambda saved: reverse("alarms:device_detail", args=[saved.pk]),
        message="已保存设备信息",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
def device_replace(request: HttpRequest, pk: int) -> HttpResponse:
    device = selectors.device_get(user=request.user, device_id=pk)
    if not selectors.device_may_manage(user=request.user, device=device):
        raise Http404
    form = DeviceReplaceForm(request.POST or None, initial={"model_name": device.model_name})
    return _shown_once(
        request,
        form,
        template="alarms/device_form.html",
        context={"device": device, "replacing": True, "title": f"更换设备 {device.serial}"},
        save=lambda d: services.device_replace(
            actor=request.user,
            device_id=device.pk,
            serial=d["serial"],
            kind=d["kind"] or None,
            key=d["key"],
            model_name=d["model_name"],
            firmware=d["firmware"],
            heartbeat_seconds=d["heartbeat_seconds"],
            installed_on=d["installed_on"],
            note=d["note"],
        ),
        heading="新设备已登记，原设备已标记为“已更换”",
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def device_key(request: HttpRequest, pk: int) -> HttpResponse:
    """更换密钥, posted from the device page: the key page, or the device page again with the refusal."""
    form = DeviceKeyForm(request.POST)
    if form.is_valid():
        try:
            registered = services.device_key_rotate(
                actor=request.user, device_id=pk, key=form.cleaned_data["key"]
            )
        except DomainError as exc:
            domain_errors_to_form(form, exc)
        else:
            return render(
                request, "alarms/device_key.html", {"registered": registered, "heading": "设备密钥已更换"}
            )
    context = _detail_context(request, pk)
    return render(request, "alarms/device_detail.html", {**context, "posted_form": form}, status=422)


STATUS_ACTIONS = {
    "lost": (DeviceLostForm, services.device_mark_lost, "已挂失设备 {serial}"),
    "return": (DeviceNoteForm, services.device_return, "已办理设备 {serial} 退还"),
}


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def device_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """挂失 / 退还, posted from the device page (re-rendered with the errors on refusal)."""
    if action not in STATUS_ACTIONS:
        raise Http404
    form_class, write, message = STATUS_ACTIONS[action]
    return pages.form_page(
        request,
        form_class(request.POST),
        template="alarms/device_detail.html",
        context=lambda: _detail_context(request, pk),
        form_name=f"{action}_form",
        save=lambda d: write(actor=request.user, device_id=pk, note=d["note"]),
        success_url=lambda saved: reverse("alarms:device_detail", args=[saved.pk]),
        message=lambda saved: message.format(serial=saved.serial),
    )


@login_required
@permission_required("alarms.view_device", raise_exception=True)
def elder_devices(request: HttpRequest, pk: int) -> HttpResponse:
    """The person page's panel: the person's devices and, for those who may, 登记设备."""
    person = selectors.person_for_device(user=request.user, elder_id=pk)
    return render(
        request,
        "alarms/_elder_devices.html",
        {"elder": person, "devices": selectors.devices_of(user=request.user, elder=person)},
    )
