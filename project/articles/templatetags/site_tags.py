"""The demo site's own template tags."""

from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in(context, language: str) -> str:
    """This page's address in ``language`` (a link, so that a cached page needs no form)."""
    return translate_url(context["request"].get_full_path(), language)
