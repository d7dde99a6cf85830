"""The registry's pages. Thin: parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yanglao.core import lists, pages, workflows
from yanglao.core import selectors as core_selectors
from yanglao.core.errors import DomainError
from yanglao.core.forms import domain_errors_to_form
from yanglao.people import exports, groups, panels, selectors, services
from yanglao.people.choices import TransferStatus
from yanglao.people.forms import ElderForm, FamilyJoinForm, FamilyLinkForm, LifeEventForm, MoveForm
from yanglao.people.models import ElderTransfer


@login_required
@permission_required("people.view_elder", raise_exception=True)
def elder_list(request: HttpRequest) -> HttpResponse:
    fs = selectors.elder_filterset(user=request.user, params=request.GET)
    template = lists.fragment(request, "people/elder_list.html", "people/_elder_rows.html")
    context = lists.page_context(request, fs)
    if template.endswith("elder_list.html"):
        context["region_names"] = core_selectors.region_names_in_scope(user=request.user)
    return render(request, template, context)


@login_required
@permission_required("people.view_elder", raise_exception=True)
def elder_counts(request: HttpRequest) -> HttpResponse:
    """The group tiles above the list, fetched after the list so the list never waits for a count."""
    counts = selectors.elder_group_counts(user=request.user, region=request.GET.get("region", ""))
    return render(request, "people/_group_counts.html", {"counts": counts, "groups": groups.GROUPS})


@login_required
def elder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    context = {
        "elder": elder,
        "age": selectors.elder_age(elder),
        "groups": selectors.elder_groups(elder),
        "contacts": elder.contacts.all(),
        "events": selectors.elder_events(user=request.user, elder=elder),
        "can_reveal": request.user.has_perm("people.reveal_elder"),
        "can_change": request.user.has_perm("people.change_elder"),
        "today": timezone.localdate(),
        "panels": panels.urls_for(request.user, elder.pk),
    }
    return render(request, "people/elder_detail.html", context)


@login_required
@require_POST
def elder_reveal(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    value = services.elder_reveal(actor=request.user, elder=elder, field_name=field)
    return render(request, "people/_revealed.html", {"value": value, "tel": field == "phone"})


@login_required
@require_POST
def contact_reveal(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    try:
        value = services.elder_contact_reveal(actor=request.user, elder=elder, position=position)
    except DomainError as exc:
        raise Http404 from exc
    return render(request, "people/_revealed.html", {"value": value, "tel": True})


@login_required
@permission_required("people.add_elder", raise_exception=True)
def elder_create(request: HttpRequest) -> HttpResponse:
    return pages.form_page(
        request,
        ElderForm(request.POST or None, regions=core_selectors.regions_for_choice(user=request.user)),
        template="people/elder_form.html",
        save=lambda data: services.elder_create(actor=request.user, data=data["schema"]),
        success_url=lambda elder: reverse("people:elder_detail", args=[elder.pk]),
        message=lambda elder: f"已登记：{elder.name}",
    )


EVENT_ACTIONS = {
    "death": (
        LifeEventForm,
        "登记死亡",
        lambda actor, pk, d: services.elder_record_death(
            actor=actor, elder_id=pk, date=d["date"], note=d["note"]
        ),
    ),
    "move_out": (
        LifeEventForm,
        "办理迁出",
        lambda actor, pk, d: services.elder_move_out(
            actor=actor, elder_id=pk, date=d["date"], note=d["note"]
        ),
    ),
    "move": (
        MoveForm,
        "迁居",
        lambda actor, pk, d: services.elder_relocate(
            actor=actor,
            elder_id=pk,
            region_code=d["region_code"],
            date=d["date"],
            address=d["address"] or None,
            note=d["note"],
        ),
    ),
}


@login_required
@permission_required("people.change_elder", raise_exception=True)
def elder_event(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in EVENT_ACTIONS:
        raise Http404
    form_class, title, action = EVENT_ACTIONS[kind]
    elder = selectors.elder_get(user=request.user, elder_id=pk)

    def done(outcome) -> str:
        if isinstance(outcome, ElderTransfer):
            return f"已发起迁出转移，待{outcome.to_region.name}所在街道接收"
        return f"{title}已记录"

    return pages.form_page(
        request,
        form_class(request.POST or None),
        template="people/elder_event.html",
        context={"elder": elder, "title": title},
        save=lambda data: action(request.user, elder.pk, data),
        success_url=lambda outcome: reverse("people:elder_detail", args=[elder.pk]),
        message=done,
    )


@login_required
@permission_required("people.export_elder", raise_exception=True)
def elder_export(request: HttpRequest) -> HttpResponse:
    """The current filter as a file: inline up to core.exports.INLINE_MAX_ROWS rows, a job beyond."""
    return exports.ELDERS.respond(request)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The old template link: the registry's import now lives on core's import pages."""
    return redirect("core:import_template", kind="elders")


@login_required
@permission_required("people.view_eldertransfer", raise_exception=True)
def transfer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "people/transfer_list.html", _transfer_lists(request))


TRANSFER_LISTS = {
    "incoming": {"direction": "incoming", "status": TransferStatus.PENDING},  # shown first: to decide
    "outgoing": {"direction": "outgoing"},
}


def _transfer_lists(request: HttpRequest) -> dict:
    """Both lists, each paged by keyset on its own cursor (``incoming_after``, ``outgoing_after``), each
    transfer with the steps the user may take on it now."""
    context: dict = {}
    for name, params in TRANSFER_LISTS.items():
        fs = selectors.transfer_filterset(user=request.user, params=params)
        page = lists.page_for(request, fs, key=f"{name}_after")
        context[name] = [(t, workflows.allowed_actions(request.user, t)) for t in page.rows]
        query = request.GET.copy()  # the other list keeps its place
        query[f"{name}_after"] = page.next
        context[f"{name}_next"] = query.urlencode() if page.next else ""
    context["incoming_total"] = (
        selectors.transfer_filterset(user=request.user, params=TRANSFER_LISTS["incoming"])
        .qs.order_by()
        .count()
    )
    return context


TRANSFER_ACTIONS = {
    "accept": (services.elder_transfer_accept, "已接收，老人已迁入本辖区"),
    "reject": (services.elder_transfer_reject, "已退回"),
    "cancel": (services.elder_transfer_cancel, "已撤回"),
}


@login_required
@require_POST
@permission_required("people.change_eldertransfer", raise_exception=True)
def transfer_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRANSFER_ACTIONS:
        raise Http404
    service, done = TRANSFER_ACTIONS[action]
    try:
        service(actor=request.user, transfer_id=pk, note=request.POST.get("note", ""))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from exc
        context = {**_transfer_lists(request), "error": exc.message, "error_for": pk}
        return render(request, "people/transfer_list.html", context, status=422)
    messages.success(request, done)
    return redirect("people:transfer_list")


# ---------------------------------------------------------------- family accounts (家属绑定)


def _family_panel(request: HttpRequest, elder, *, code: str = "", form=None, error: str = "", status=200):
    context = {
        "elder": elder,
        "links": selectors.family_links(user=request.user, elder=elder),
        "open_codes": selectors.family_invitations_open(user=request.user, elder=elder).count(),
        "can_link": request.user.has_perm("people.add_familylink"),
        "code": code,
        "form": form or FamilyLinkForm(),
        "error": error,
    }
    return render(request, "people/_family_panel.html", context, status=status)


@login_required
@permission_required("people.view_familylink", raise_exception=True)
def family_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The person page's 家属绑定 panel: the linked accounts, a new code (shown once) and a direct link."""
    return _family_panel(request, selectors.elder_get(user=request.user, elder_id=pk))


@login_required
@require_POST
@permission_required("people.add_familylink", raise_exception=True)
def family_invite(request: HttpRequest, pk: int) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    try:
        _invitation, code = services.family_invite(actor=request.user, elder_id=elder.pk)
    except DomainError as exc:
        return _family_panel(request, elder, error=exc.message, status=422)
    return _family_panel(request, elder, code=code)


@login_required
@require_POST
@permission_required("people.add_familylink", raise_exception=True)
def family_link(request: HttpRequest, pk: int) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    form = FamilyLinkForm(request.POST)
    if form.is_valid():
        try:
            services.family_link(actor=request.user, elder_id=elder.pk, **form.cleaned_data)
        except DomainError as exc:
            domain_errors_to_form(form, exc)
        else:
            return _family_panel(request, elder)
    return _family_panel(request, elder, form=form, status=422)


@login_required
@require_POST
@permission_required("people.view_familylink", raise_exception=True)
def family_unlink(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    elder = selectors.elder_get(user=request.user, elder_id=pk)
    services.family_unlink(actor=request.user, link_id=link_id)
    return _family_panel(request, elder)


@login_required
def family_join(request: HttpRequest) -> HttpResponse:
    """A family account types the code the community gave it (on a phone)."""
    return pages.form_page(
        request,
        FamilyJoinForm(request.POST or None),
        template="people/family_join.html",
        save=lambda data: services.family_join(actor=request.user, **data),
        success_url=lambda link: reverse("core:home"),
        message=lambda link: f"已绑定：{link.elder.name}",
    )
