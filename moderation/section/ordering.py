"""The orders a reader can choose for the comments (``?ordine=``): their names, the slugs of
the links, and the order a request asks for."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moderation.conf import moderation_settings

ORDER_PARAM = "ordine"
OLDEST, NEWEST, PICKS = "oldest", "newest", "picks"
#: Each order's slug in the links; the URL also takes the English names (oldest, ...).
SLUGS = {OLDEST: "meno-recenti", NEWEST: "recenti", PICKS: "scelti"}
LABELS = {OLDEST: _("Oldest"), NEWEST: _("Newest"), PICKS: _("Editors’ picks")}
_BY_SLUG = {**{slug: order for order, slug in SLUGS.items()}, **{order: order for order in SLUGS}}


def default_order() -> str:
    """``COMMENT_ORDER``, or oldest first if it names no order (a system check says so)."""
    order = moderation_settings.COMMENT_ORDER
    return order if order in SLUGS else OLDEST


def chosen_order(request: HttpRequest, *, has_picks: bool) -> str:
    """The order the reader asked for; an unknown or missing value gives the default (oldest
    first while a default of picks would show none)."""
    asked = _BY_SLUG.get(request.GET.get(ORDER_PARAM, ""))
    if asked is not None:
        return asked
    default = default_order()
    return OLDEST if default == PICKS and not has_picks else default


def query(order: str) -> str:
    """The part of a query string that asks for ``order``, ending in "&" ("" for the default)."""
    return "" if order == default_order() else f"{ORDER_PARAM}={SLUGS[order]}&"


def order_for_new_comment(request: HttpRequest) -> str:
    """The order a reader is shown their new comment in: the one they were reading (named on
    the form's action), but not the editors' picks, where a new comment is not (then oldest
    first)."""
    order = chosen_order(request, has_picks=False)
    return OLDEST if order == PICKS else order
