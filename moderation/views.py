"""The reader's side: posting a comment through the form."""

from __future__ import annotations

import functools
import logging

from django import db
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import display, second_thought, services
from .client_ip import client_ip
from .forms import CommentForm, TargetError, load_target, sign_target, target_of_expired

logger = logging.getLogger(__name__)

HONEYPOT_REASON = "honeypot field filled"
UNAVAILABLE_MESSAGE = _(
    "Your comment could not be saved because the site is busy. "
    "Please wait a moment and send it again."
)


class SeeOther(HttpResponseRedirect):
    status_code = 303


def _target_url(target) -> str:
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else "/"


def _form_again(request: HttpRequest, target, form: CommentForm, status: int) -> HttpResponse:
    """The form with the reader's input kept and the errors next to the fields."""
    context = display.section_context(request, target, form=form)
    context["target_url"] = _target_url(target)
    return render(
        request, display.template_names(target, "form_errors.html"), context, status=status
    )


def build_submission(request: HttpRequest, target, data: dict) -> services.Submission:
    """The reader's submission from the form's cleaned data and the request's metadata."""
    return services.Submission(
        target=target,
        author_name=data["author"],
        author_email=data["email"],
        author_url=data.get("url") or "",
        text=data["comment"],
        parent=data.get("parent"),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        language=get_language() or "",
        user=request.user,
        notify_replies=bool(data.get("notify_replies")),
    )


def drop_connection() -> None:
    """Close the connection after a database error so that the next query opens a new one
    (kept inside a transaction, whose owner must roll it back first)."""
    if not db.connection.in_atomic_block:
        db.connection.close()


def _unavailable(request: HttpRequest, error: db.Error) -> HttpResponse:
    """A 503 in the reader's language, the form again with their input when the database
    answers again (a dropped connection), else a short page; never a traceback."""
    logger.warning("database error while posting a comment: %s", error)
    drop_connection()
    try:
        target = load_target(request.POST.get("target", ""))
        form = CommentForm(request.POST)
        form.is_valid()
        form.add_error(None, UNAVAILABLE_MESSAGE)
        response = _form_again(request, target, form, status=503)
    except (db.Error, TargetError):
        drop_connection()
        response = render(
            request, "moderation/bad_request.html", {"message": UNAVAILABLE_MESSAGE}, status=503
        )
    response["Retry-After"] = "5"
    return response


def _database_errors_answered(view):
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except db.Error as error:
            return _unavailable(request, error)

    return wrapper


def _ask_second_thought(
    request: HttpRequest, target, form: CommentForm, kinds: list[str]
) -> HttpResponse:
    """The form once more, input kept, asking whether to edit or post anyway (HTTP 200)."""
    context = display.section_context(request, target, form=form)
    context["target_url"] = _target_url(target)
    context["second_thought"] = {
        "messages": [second_thought.MESSAGES[kind] for kind in kinds],
        "ack": second_thought.acknowledgement(form.cleaned_data["comment"]),
        "field": second_thought.ACK_FIELD,
    }
    return render(request, display.template_names(target, "second_thought.html"), context)


@require_POST
@_database_errors_answered
def post_comment(request: HttpRequest) -> HttpResponse:
    signed = request.POST.get("target", "")
    form = CommentForm(request.POST)
    try:
        target = load_target(signed)
    except TargetError as error:
        target = target_of_expired(signed) if error.expired else None
        if target is None:
            return render(request, "moderation/bad_request.html", {"message": error}, status=400)
        form = CommentForm({**request.POST.dict(), "target": sign_target(target)})
        form.is_valid()
        form.add_error(None, str(error))
        return _form_again(request, target, form, status=400)

    if not form.is_valid():
        return _form_again(request, target, form, status=400)
    submission = build_submission(request, target, form.cleaned_data)
    if form.is_trapped:
        services.submit_trapped_spam(submission, HONEYPOT_REASON)
        return SeeOther(_target_url(target))
    acknowledged = second_thought.is_acknowledged(
        request.POST.get(second_thought.ACK_FIELD, ""), submission.text
    )
    if not acknowledged:
        kinds = second_thought.reasons_to_ask(submission)
        if kinds:
            return _ask_second_thought(request, target, form, kinds)
    try:
        comment = services.submit_comment(submission)
    except services.CommentError as error:
        form.add_error(None, error.message)
        return _form_again(request, target, form, status=error.status_code)

    response = SeeOther(f"{_target_url(target)}#comment-{comment.pk}")
    display.remember_own_comment(request, response, comment)
    display.update_remembered_author(
        request, response, form.cleaned_data, consent=form.cleaned_data["save_info"]
    )
    return response
