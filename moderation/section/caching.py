"""Anonymous readers served from a cache: ``cache_comment_page`` for the site's article view,
and the shared answer it and the live endpoint give, with ``ETag``, ``Last-Modified``, 304s
and ``Cache-Control`` for a CDN. Readers with the app's cookies, a session or an account
get private pages, never stored (docs/deployment.md, "Caching the article page")."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from moderation.conf import moderation_settings
from moderation.models import Comment, Status
from moderation.page_versions import comments_version, page_cache
from moderation.section.cookies import is_private_reader


@dataclass(frozen=True)
class CommentsState:
    """What a reader sees of a target's comments, in short: changes whenever they change."""

    fingerprint: str
    last_modified: int  # seconds since the epoch
    published: int  # how many comments are published


def comments_state(content_type_id: int, object_pk: str) -> CommentsState:
    """The state of a target's comments: one query and one cache read.

    The version in the cache moves on every change the app makes (status, edit, erasure,
    deletion); the published count and the latest decision, read from the database, keep
    the state right even for a change made in a process whose cache is not this one.
    """
    row = Comment.objects.filter(content_type_id=content_type_id, object_pk=object_pk).aggregate(
        published=models.Count("pk", filter=models.Q(status=Status.PUBLISHED)),
        decided=models.Max("decided_at"),
    )
    version = comments_version(content_type_id, object_pk)
    decided = row["decided"]
    return CommentsState(
        fingerprint=f"{version}/{row['published']}/{decided.isoformat() if decided else ''}",
        last_modified=max(version, int(decided.timestamp()) if decided else 0),
        published=row["published"],
    )


def target_state(target: models.Model) -> CommentsState:
    content_type = ContentType.objects.get_for_model(target)  # cached by Django
    return comments_state(content_type.pk, str(target.pk))


def shared_response(
    request: HttpRequest, state: CommentsState, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The answer every anonymous reader of this address shares: a 304 when the reader's copy
    is current, else the cached copy, else ``render()`` stored for the next readers."""
    s = moderation_settings
    key = f"{state.fingerprint}|{request.get_full_path()}|{get_language()}|{s.PAGE_VERSION}"
    digest = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    etag = f'"{digest}"'
    response = get_conditional_response(request, etag=etag, last_modified=state.last_modified)
    if response is None:
        cache, cache_key = page_cache(), f"moderation:page:{digest}"
        response = cache.get(cache_key)
        if response is None:
            response = render()
            if hasattr(response, "render"):
                response = response.render()  # a TemplateResponse, rendered before it is stored
            if response.status_code != 200:
                return response
            if not response.cookies:
                cache.set(cache_key, response, s.PAGE_CACHE_TIMEOUT)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(state.last_modified)
    patch_cache_control(
        response,
        public=True,
        max_age=s.PAGE_MAX_AGE,
        stale_while_revalidate=s.PAGE_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Cookie"])
    return response


def private_response(response: HttpResponse) -> HttpResponse:
    """A page that may show the reader's own details: kept by no cache, shared by no one."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def cache_comment_page(target_getter: Callable[..., models.Model]):
    """Decorate the site's view of a page with a comment section::

        article_detail = cache_comment_page(
            lambda request, slug: get_object_or_404(Article, slug=slug)
        )(ArticleDetailView.as_view())

    ``target_getter`` takes the view's arguments and returns the commented object. Anonymous
    readers share a cached copy, revalidated by ``ETag`` and ``Last-Modified`` and dropped
    as soon as a comment of the object is published, edited or removed; private readers
    (``cookies.is_private_reader``) get the page rendered for them, uncached.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD") or not moderation_settings.PAGE_CACHE:
                return view(request, *args, **kwargs)
            if is_private_reader(request):
                return private_response(view(request, *args, **kwargs))
            state = target_state(target_getter(request, *args, **kwargs))
            return shared_response(request, state, lambda: view(request, *args, **kwargs))

        return wrapper

    return decorator


# The form on a shared page ------------------------------------------------------------------

CROSS_SITE_MESSAGE = _("Comments can only be posted from this site's pages.")
_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


def _same_origin(request: HttpRequest) -> bool:
    """Whether the browser says the post comes from this site (or says nothing)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site") != "cross-site"
    return origin == f"{request.scheme}://{request.get_host()}" or origin in getattr(
        settings, "CSRF_TRUSTED_ORIGINS", ()
    )


def csrf_for_private_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """CSRF protection for a form that may sit on a page shared through a cache.

    A private reader (cookies, session, account) got the page rendered for them, token
    included, and Django checks it as usual: a forged post would ride on their identity.
    A reader without any of those has no identity a forged post could use, and their shared
    page can carry no token of theirs: their post needs to come from this site (``Origin``),
    and the signed target and the honeypot field guard it as before.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_private_reader(request):
            refusal = _csrf.process_view(request, view, args, kwargs)
            if refusal is not None:
                return refusal
        elif not _same_origin(request):
            context = {"message": CROSS_SITE_MESSAGE}
            return render(request, "moderation/bad_request.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper
