"""Template tags for the site's templates: ``{% load moderation_tags %}`` then
``{% comment_section article %}`` where the comments belong."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

from moderation.models import Comment
from moderation.section import formatting
from moderation.section.context import section_context, template_names
from moderation.section.counts import COUNT_ATTRIBUTE

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, target) -> SafeString:
    """The published comments of ``target``, the reader's own pending ones, and the form."""
    request = context["request"]
    return render_to_string(
        template_names(target, "section.html"),
        section_context(request, target),
        request=request,
    )


@register.simple_tag
def comment_count(target) -> int:
    """How many comments of ``target`` are published: the annotation of
    ``counts.with_comment_counts`` when the target has it, else one query."""
    annotated = getattr(target, COUNT_ATTRIBUTE, None)
    if annotated is not None:
        return annotated
    return Comment.objects.for_target(target).published().count()


@register.simple_tag
def moderation_head() -> SafeString:
    """The default stylesheet and the small script that moves the form under a comment."""
    return format_html(
        '<link rel="stylesheet" href="{}">\n<script src="{}" defer></script>',
        static("moderation/comments.css"),
        static("moderation/comments.js"),
    )


@register.filter
def comment_text(text: str) -> SafeString:
    """The comment escaped, paragraphs and line breaks kept, bare URLs made nofollow links."""
    return formatting.comment_text_html(text)


@register.filter
def comment_datetime(value) -> str:
    """'28 novembre 2026 alle 14:05' in Italian, 'November 28, 2026 at 2:05 pm' in English."""
    return formatting.comment_datetime_text(value)


@register.filter
def reply_to(name: str) -> SafeString:
    """'to NAME' after "Reply" ('a Marco', 'ad Anna' in Italian)."""
    return formatting.reply_to_text(name)


@register.filter
def starts_with_a(name: str) -> bool:
    """Whether a preposition before ``name`` takes its form for names beginning with a."""
    return formatting.starts_with_a(name)
