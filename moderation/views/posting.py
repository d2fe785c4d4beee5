"""The reader's side: posting a comment through the form."""

from __future__ import annotations

import functools
import logging

from django import db
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from moderation import services
from moderation.section import ordering, second_thought
from moderation.section.caching import csrf_for_private_readers
from moderation.section.context import section_context, template_names
from moderation.section.cookies import (
    browser_reader_key,
    remember_own_comment,
    remember_reader,
    update_remembered_author,
)
from moderation.section.forms import (
    CommentForm,
    TargetError,
    load_target,
    sign_target,
    target_of_expired,
)
from moderation.section.http import (
    UNAVAILABLE_MESSAGE,
    UNAVAILABLE_RETRY_AFTER,
    SeeOther,
    build_submission,
    drop_connection,
    link_to_comment,
    target_url,
)

logger = logging.getLogger(__name__)

HONEYPOT_REASON = "honeypot field filled"


def _form_again(request: HttpRequest, target, form: CommentForm, status: int) -> HttpResponse:
    """The form with the reader's input kept and the errors next to the fields."""
    context = section_context(request, target, form=form)
    context["target_url"] = target_url(target)
    return render(request, template_names(target, "form_errors.html"), context, status=status)


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
    response["Retry-After"] = UNAVAILABLE_RETRY_AFTER
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
    context = section_context(request, target, form=form)
    context["target_url"] = target_url(target)
    context["second_thought"] = {
        "messages": [second_thought.MESSAGES[kind] for kind in kinds],
        "ack": second_thought.acknowledgement(form.cleaned_data["comment"]),
        "field": second_thought.ACK_FIELD,
    }
    return render(request, template_names(target, "second_thought.html"), context)


def _link_after_posting(request: HttpRequest, target, comment) -> str:
    """Where the reader goes once the comment is stored: to it, in the order they were reading."""
    order = ordering.query(ordering.order_for_new_comment(request))
    return link_to_comment(target_url(target), comment.pk, order)


@csrf_for_private_readers
@require_POST
@_database_errors_answered
def post_comment(request: HttpRequest) -> HttpResponse:
    signed = request.POST.get("target", "")
    form = CommentForm(request.POST)
    try:
        target = load_target(signed)
    except TargetError as error:
        expired = target_of_expired(signed) if error.expired else None
        if expired is None:
            return render(request, "moderation/bad_request.html", {"message": error}, status=400)
        form = CommentForm({**request.POST.dict(), "target": sign_target(expired)})
        form.is_valid()
        form.add_error(None, str(error))
        return _form_again(request, expired, form, status=400)

    if not form.is_valid():
        return _form_again(request, target, form, status=400)
    reader_key, new_reader = browser_reader_key(request)
    submission = build_submission(request, target, form.cleaned_data, reader_key=reader_key)
    try:
        if form.is_trapped:  # answered as any post: the bot learns nothing
            trapped = services.submit_trapped_spam(submission, HONEYPOT_REASON)
            return SeeOther(_link_after_posting(request, target, trapped))
        acknowledged = second_thought.is_acknowledged(
            request.POST.get(second_thought.ACK_FIELD, ""), submission.text
        )
        kinds = [] if acknowledged else second_thought.reasons_to_ask(submission)
        if kinds:
            # Flood and duplicates answer first, so a prompt is only shown for a comment
            # that may go in and never tells anything a refusal would not.
            services.check_submission(submission)
            return _ask_second_thought(request, target, form, kinds)
        comment = services.submit_comment(submission)
    except services.CommentError as error:
        form.add_error(None, error.message)
        return _form_again(request, target, form, status=error.status_code)

    response = SeeOther(_link_after_posting(request, target, comment))
    remember_own_comment(request, response, comment)
    if new_reader:
        remember_reader(request, response, reader_key)
    update_remembered_author(
        request, response, form.cleaned_data, consent=form.cleaned_data["save_info"]
    )
    return response
