"""The one way a page takes a POST: a valid form calls one service and redirects with a success message;
invalid input or a refusal (``DomainError``) shows the same page again with the errors on the form and status
422 — never a redirect with an error flash, which loses what was typed and tells tests and screen readers
nothing. Actions posted from a detail page (assign, confirm, admit) re-render that detail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from yanglao.core.errors import DomainError
from yanglao.core.forms import domain_errors_to_form


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str,
    save: Callable[[dict], Any],
    success_url: Callable[[Any], str],
    message: Callable[[Any], str] | str = "",
    context: Callable[[], dict] | dict | None = None,
    form_name: str = "form",
) -> HttpResponse:
    """Show ``form`` in ``template``; on a valid POST run ``save(cleaned_data)`` and go to ``success_url``.

    ``context`` may be a function, so a detail page's context is built only when the page is shown.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except DomainError as exc:
            domain_errors_to_form(form, exc)
        else:
            text = message(saved) if callable(message) else message
            if text:
                messages.success(request, text)
            return redirect(success_url(saved))
    extra = context() if callable(context) else (context or {})
    if request.method != "POST":
        return render(request, template, {**extra, form_name: form})
    # ``posted_form``: a page with several action forms shows the refused one's errors in one place.
    return render(request, template, {**extra, form_name: form, "posted_form": form}, status=422)
