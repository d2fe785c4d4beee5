"""The reader's actions on comments after posting: edit or delete one's own within the edit
window, report someone else's, stop the mail about replies. All work without JavaScript;
the actions themselves are in ``services``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from moderation import notifications, services
from moderation.client_ip import network_key
from moderation.models import Comment, Status
from moderation.section.cookies import browser_reader_key, own_comment_ids, remember_reader
from moderation.section.forms import EditCommentForm, ReportForm
from moderation.section.http import SeeOther, comment_url, target_url
from moderation.section.throttling import (
    CommentEditingThrottle,
    CommentPostingThrottle,
    CommentReportingThrottle,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _own_editable(request: HttpRequest, pk: int) -> Comment:
    """The reader's own comment (signed cookie) while its edit window is open; else 404."""
    if pk not in own_comment_ids(request):
        raise Http404
    comment = get_object_or_404(Comment, pk=pk)
    if not services.can_edit(comment):
        raise Http404
    return comment


def _retry_after(throttle: CommentPostingThrottle) -> str:
    """Whole seconds until ``throttle`` lets the reader through again (at least one)."""
    return str(max(1, round(throttle.wait() or 1)))


@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_editable(request, pk)
    form = EditCommentForm(request.POST or None, initial={"comment": comment.text})
    throttle = CommentEditingThrottle()  # the API's rate: edits count with posts and API edits
    too_fast = request.method == "POST" and not throttle.allow_request(request, None)
    if too_fast:
        form.add_error(None, services.TOO_FAST_MESSAGE)
    elif request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment, text=form.cleaned_data["comment"])
        except services.CommentError as error:
            form.add_error(None, error.message)
        else:
            return SeeOther(comment_url(comment))
    context = {"comment": comment, "form": form, "comment_url": comment_url(comment)}
    status = 429 if too_fast else 400 if form.errors else 200
    response = render(request, "moderation/edit.html", context, status=status)
    if too_fast:
        response["Retry-After"] = _retry_after(throttle)
    return response


@require_POST
def delete_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _own_editable(request, pk)
    try:
        services.delete_by_author(comment)
    except services.CommentError:
        raise Http404 from None
    return SeeOther(f"{target_url(comment.target)}#comments")


@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk, status=Status.PUBLISHED)
    context = {"comment": comment, "comment_url": comment_url(comment)}
    if request.method == "GET" and request.GET.get("sent"):
        return render(request, "moderation/report.html", {**context, "sent": True})
    form = ReportForm(request.POST or None)
    status = 200
    reader_key, new_key = browser_reader_key(request)
    throttle = CommentReportingThrottle()  # the API's rate, per network: the form counts too
    if request.method == "POST" and not throttle.allow_request(request, None):
        form.add_error(None, services.TOO_FAST_MESSAGE)
        response = render(request, "moderation/report.html", {**context, "form": form}, status=429)
        response["Retry-After"] = _retry_after(throttle)
        return response
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_comment(
                    comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    reader_key=reader_key,
                    network_key=network_key(request),
                )
            except services.CommentError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                response = SeeOther(f"{reverse('moderation:report', args=[pk])}?sent=1")
                if new_key:
                    remember_reader(request, response, reader_key)
                return response
    return render(request, "moderation/report.html", {**context, "form": form}, status=status)


def _mailed_link_page(
    request: HttpRequest,
    comment: Comment | None,
    *,
    invalid: StrOrPromise,
    template: str,
    act: Callable[[Comment], None],
) -> HttpResponse:
    """A page opened from a signed link in a mail: GET asks (mail scanners open links), POST
    does ``act``; a link that names no comment is a 400 saying ``invalid``."""
    if comment is None:
        return render(request, "moderation/bad_request.html", {"message": invalid}, status=400)
    done = request.method == "POST"
    if done:
        act(comment)
    context = {"comment": comment, "done": done, "comment_url": comment_url(comment)}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def confirm_replies(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in: the POST of the page confirms the request for reply notifications."""
    return _mailed_link_page(
        request,
        notifications.comment_for_confirmation(token),
        invalid=notifications.INVALID_CONFIRM_LINK,
        template="moderation/confirm_replies.html",
        act=services.confirm_reply_notifications,
    )


@csrf_exempt  # the signed token in the URL is the authority; mail clients POST without a form
@require_http_methods(["GET", "POST"])
def unsubscribe_replies(request: HttpRequest, token: str) -> HttpResponse:
    """POST (the page's button, or RFC 8058 one-click from the mail client) unsubscribes."""
    return _mailed_link_page(
        request,
        notifications.comment_for_unsubscribe(token),
        invalid=notifications.INVALID_UNSUBSCRIBE_LINK,
        template="moderation/unsubscribe.html",
        act=services.stop_reply_notifications,
    )
