"""The live-update view: the comments published on a page's target after a given one, as
JSON, shared by every reader and answered 304 like the page (``section.live``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from moderation.conf import moderation_settings
from moderation.section.caching import comments_state, shared_response
from moderation.section.http import parse_id
from moderation.section.live import new_comments as new_comments_answer
from moderation.section.live import unsign


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)


@require_GET
def new_comments(request: HttpRequest, token: str) -> HttpResponse:
    """``?after=<id>``: the target's comments published with a greater id, as JSON (the same
    for every reader, so it is cached and answered 304 like the page)."""
    named = unsign(token)
    if named is None:
        return _bad_request(gettext("This address is not valid."))
    content_type_id, object_pk = named
    after = parse_id(request.GET.get("after", ""))
    if after is None:
        return _bad_request(gettext("“after” must be the number of a comment."))
    if not moderation_settings.LIVE_UPDATES:
        return JsonResponse({"error": gettext("Live updates are off.")}, status=404)
    state = comments_state(content_type_id, object_pk)

    def render() -> HttpResponse:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        target = model._default_manager.filter(pk=object_pk).first() if model else None
        if target is None:
            return JsonResponse({"error": gettext("This page no longer exists.")}, status=404)
        return JsonResponse(new_comments_answer(target, after, state.published))

    return shared_response(request, state, render)
