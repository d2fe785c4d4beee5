"""Finding the site's object for each post of a WordPress export: by slug, by WordPress
id, or by the post's old address (``import_wordpress_comments --match``)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from django.db import models
from django.urls import NoReverseMatch

from moderation.wordpress.export import WordPressPost

#: Finds the site's object for a WordPress post, or None.
PostMatcher = Callable[[WordPressPost], models.Model | None]


#: Query parameters of WordPress's plain permalinks, which name the post by its id.
_PLAIN_PERMALINK_PARAMS = ("p", "page_id")


def plain_permalink_id(url: str) -> int | None:
    """The post id of a plain permalink (``/?p=2002``, ``/?page_id=7``), else None."""
    query = parse_qs(urlsplit(url).query)
    for name in _PLAIN_PERMALINK_PARAMS:
        value = query.get(name, [""])[0]
        if value.isdigit():
            return int(value)
    return None


def _address_key(url: str) -> str:
    """What identifies a page by its URL: the decoded path, and the post id of a plain
    permalink (whose path is only ``/``)."""
    key = unquote(urlsplit(url).path).rstrip("/")
    post_id = plain_permalink_id(url)
    return f"{key}?p={post_id}" if post_id is not None else key


def field_matcher(
    model: type[models.Model], field_name: str, value: Callable[[WordPressPost], object]
) -> PostMatcher:
    """Match a post by ``value(post)`` against ``model.<field_name>``."""

    def match(post: WordPressPost) -> models.Model | None:
        wanted = value(post)
        if not wanted:
            return None
        return model._default_manager.filter(**{field_name: wanted}).first()

    return match


def slug_matcher(model: type[models.Model], field_name: str = "slug") -> PostMatcher:
    """Match a post by its slug (``post_name``) against ``model.<field_name>``."""
    return field_matcher(model, field_name, lambda post: post.slug)


def id_matcher(model: type[models.Model], field_name: str) -> PostMatcher:
    """Match a post by its WordPress id (``post_id``) against ``model.<field_name>``."""
    return field_matcher(model, field_name, lambda post: post.id)


def _object_url(obj: models.Model, field_name: str | None) -> str:
    if field_name:
        return str(getattr(obj, field_name) or "")
    try:
        return obj.get_absolute_url()  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""  # an address the site cannot write matches no post


def url_matcher(model: type[models.Model], field_name: str | None = None) -> PostMatcher:
    """Match a post by its URL's path (with the id of a plain permalink) against each
    object's ``get_absolute_url()``, or ``model.<field_name>`` holding the old URL."""
    by_address: dict[str, models.Model] | None = None

    def match(post: WordPressPost) -> models.Model | None:
        nonlocal by_address
        if by_address is None:
            by_address = {}
            for obj in model._default_manager.iterator():
                url = _object_url(obj, field_name)
                if url:
                    by_address.setdefault(_address_key(url), obj)
        return by_address.get(_address_key(post.link)) if post.link else None

    return match


def names_another_post(post: WordPressPost) -> str:
    """Why the post's own link contradicts its id ("" if it does not)."""
    linked = plain_permalink_id(post.link)
    if linked is not None and post.id and linked != post.id:
        return f"its link names post {linked}, not {post.id}"
    return ""
