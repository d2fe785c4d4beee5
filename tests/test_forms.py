"""The reader's form: the source site's fields in order, attributes and server-side rules."""

import re

import pytest
from django.utils import translation

from moderation.section.forms import CommentForm, load_target, sign_target


def test_fields_come_in_the_source_sites_order():
    assert list(CommentForm().fields)[:5] == ["comment", "author", "email", "url", "save_info"]


@pytest.mark.parametrize(
    ("field", "attrs"),
    [
        ("comment", ['maxlength="65525"', "required"]),
        ("author", ['maxlength="245"', "required"]),
        (
            "email",
            ['type="email"', 'maxlength="100"', "required", 'aria-describedby="email-notes"'],
        ),
        ("url", ['type="url"', 'maxlength="200"']),
    ],
)
def test_html_attributes_mirror_the_server_rules(field, attrs):
    html = str(CommentForm()[field])
    for attr in attrs:
        assert attr in html
    if field == "url":
        assert "required" not in html


def _data(**overrides):
    return {
        "comment": "Testo",
        "author": "Anna",
        "email": "anna@example.org",
        "target": "x",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comment", "a" * 65526),
        ("author", "a" * 246),
        ("email", "a" * 90 + "@example.org"),
        ("email", "not-an-email"),
        ("url", "javascript:alert(1)"),
        ("url", "ftp://example.org/"),
        ("url", "data:text/html,hi"),
        ("url", "https://example.org/" + "a" * 200),
        ("comment", ""),
        ("author", ""),
        ("email", ""),
        ("comment", "null\x00byte"),
    ],
)
def test_the_server_refuses_what_the_rules_forbid(field, value):
    form = CommentForm(_data(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_a_valid_form_keeps_an_http_website():
    form = CommentForm(_data(url="http://example.org/blog"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["url"] == "http://example.org/blog"


def test_a_signed_target_round_trips(an_article):
    assert load_target(sign_target(an_article)) == an_article


def test_a_tampered_target_is_refused(an_article):
    signed = sign_target(an_article)
    forged = re.sub(r"article:\d+", "article:999", signed)
    with pytest.raises(Exception, match=r"non è valido|not valid"):
        load_target(forged)


@pytest.mark.parametrize(
    "name",
    ["Anna\u202egro.elpmaxe", "Anna\u2066Bruno\u2069", "Anna\nRossi", "Anna\x1b[31m", "A\u200fB"],
)
def test_names_with_control_characters_or_direction_marks_are_refused_in_italian(name):
    with translation.override("it"):
        form = CommentForm(data=_data(author=name))
        assert not form.is_valid()
        assert form.errors["author"] == [
            "Il nome non può contenere caratteri di controllo o segni di direzione del testo."
        ]


@pytest.mark.parametrize("name", ["Anna Rossi", "Zoë O'Brien", "محمد", "👩‍💻 Dev", "李小龍"])
def test_ordinary_names_in_any_script_pass(name):
    assert "author" not in CommentForm(data=_data(author=name)).errors
