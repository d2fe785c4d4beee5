"""Bad input, generated: the form and the API answer every request with 2xx, 3xx or 4xx and a
message, store nothing they refuse, and never render what a reader sent unescaped."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from moderation.models import Comment, Status
from moderation.section.forms import TARGET_SALT, sign_target
from moderation.section.second_thought import acknowledgement

CASES: Counter[str] = Counter()
FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

INJECTIONS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "'; DROP TABLE moderation_comment; --",
    "1 OR 1=1",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "javascript:alert(1)",
    "</textarea><script>alert(2)</script>",
]
#: What must never appear raw in a page: the markup of the payloads above.
RAW_MARKUP = ["<script>alert(", "<img src=x onerror", "<svg/onload", "</textarea><script>"]

unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
tricky = st.sampled_from(
    ["\x00", "\u202e", "\u200f", "\ufeff", "\u0000\u0001\u001f", "😀👍🏽", "\r\n\r\n", " "]
)
payload = st.one_of(
    unicode_text,
    st.sampled_from(INJECTIONS),
    st.tuples(unicode_text, tricky, st.sampled_from(INJECTIONS)).map("".join),
    st.integers(65_000, 1_100_000).map(lambda n: "x" * n),
)
emails = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "",
            "no-at-sign",
            "a@b",
            "a@@example.org",
            "anna@bücher.example",
            "<script>@example.org",
            "a" * 200 + "@example.org",
            "anna@example.org\x00",
            "javascript:alert(1)@x.org",
        ]
    ),
    payload,
)
urls = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "ftp://example.org/",
            "http://bücher.example/",
            "https://xn--bcher-kva.example/",
            "http://" + "a" * 300 + ".example/",
            "//evil.example/",
            'http://example.org/"><script>alert(1)</script>',
        ]
    ),
    payload,
)


@pytest.fixture(scope="module", autouse=True)
def _report_cases(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and CASES:
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(CASES.items()))
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nfuzz cases run: {sum(CASES.values())} ({detail})")


@pytest.fixture
def fuzz_settings(settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0, "API_TARGET_MODELS": ["articles.article"]}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "1000000/minute"},
    }
    cache.clear()
    return settings


def assert_nothing_raw(body: str, sent: str = "") -> None:
    for markup in RAW_MARKUP:
        if markup in sent:
            assert markup not in body


def assert_answered(response, stored_before: int, label: str) -> str:
    """A 2xx/3xx/4xx answer, with a message when refused; nothing stored when refused."""
    CASES[label] += 1
    event(f"{label}: HTTP {response.status_code}")
    assert response.status_code < 500, response.content[:300]
    body = response.content.decode(errors="replace")
    if response.status_code >= 400:
        assert body.strip(), "a refusal without a message"
        assert Comment.objects.count() == stored_before
    return body


# The form -----------------------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(
    comment=payload,
    author=payload,
    email=emails,
    url=urls,
    parent=st.one_of(st.none(), st.integers(), st.text(max_size=20)),
)
def test_the_form_answers_any_fields_without_a_server_error_or_raw_markup(
    an_article, fuzz_settings, comment, author, email, url, parent
):
    data = {"target": sign_target(an_article), "comment": comment, "author": author}
    data |= {"email": email, "url": url}
    if parent is not None:
        data["parent"] = parent
    before = Comment.objects.count()
    response = Client().post("/comments/post/", data)
    body = assert_answered(response, before, "form fields")
    assert_nothing_raw(body, comment + author + email + url)
    if response.status_code == 303:
        stored = Comment.objects.latest("pk")
        assert stored.status == Status.PENDING and "\x00" not in stored.text


@pytest.mark.slow
@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=2000),
        st.binary(min_size=1, max_size=50).map(lambda b: b"comment=" + b + b"\xff\xfe\xc3("),
        st.integers(1001, 5000).map(lambda n: "&".join(f"f{i}=v" for i in range(n)).encode()),
        st.integers(1, 4).map(lambda n: b"comment=" + b"y" * (n * 1_100_000)),
    ),
    content_type=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin-1",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "text/plain",
        ]
    ),
)
def test_the_form_answers_any_raw_body_without_a_server_error(an_article, body, content_type):
    before = Comment.objects.count()
    response = Client().generic("POST", "/comments/post/", body, content_type=content_type)
    assert_answered(response, before, "form raw bodies")
    assert response.status_code in (400, 403, 413)  # never accepted without target and token


def expired_target(article) -> str:
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 30 * 86400):
        return sign_target(article)


def signed(ref: str, salt: str = TARGET_SALT) -> str:
    return signing.TimestampSigner(salt=salt).sign(ref)


target_refs = st.one_of(
    st.text(max_size=60),
    st.builds(
        "{}:{}".format,
        st.sampled_from(
            ["articles.article", "auth.user", "moderation.comment", "nope.nothing", "", "a.b.c"]
        ),
        st.one_of(st.integers(), st.text(max_size=12), st.just(10**30)),
    ),
)


@pytest.mark.slow
@settings(FUZZ, max_examples=60)
@given(
    kind=st.sampled_from(["forged", "other salt", "signed ref", "tampered", "expired", "replayed"]),
    ref=target_refs,
)
@example(kind="replayed", ref="PUSS1ES")
def test_forged_expired_and_replayed_targets_are_refused_clearly(
    an_article, fuzz_settings, kind, ref
):
    client = Client()
    valid = sign_target(an_article)
    target = {
        "forged": ref,
        "other salt": signed(ref, salt="another.salt"),
        "signed ref": signed(ref),
        "tampered": valid[:-3] + "abc",
        "expired": expired_target(an_article),
        "replayed": valid,
    }[kind]
    # Hypothesis runs its examples in one database: a unique text keeps them apart. A text the
    # second thought asks about ("PUSS1ES") is posted anyway, as the post_comment fixture does.
    text = f"Commento {ref!r} {uuid.uuid4().hex}"
    data = {
        "target": target,
        "comment": text,
        "author": "A",
        "email": "a@x.org",
        "second_thought": acknowledgement(text),
    }
    first = client.post("/comments/post/", data)
    before = Comment.objects.count()
    response = client.post("/comments/post/", data)  # every target is also replayed
    body = assert_answered(response, before, "targets")
    if kind == "replayed":
        assert first.status_code == 303 and response.status_code == 409
    elif kind == "signed ref":
        assert response.status_code in (303, 400, 409)
    else:
        assert response.status_code == 400 and first.status_code == 400
        assert "<form" in body or "not valid" in body or "non è valido" in body


def test_a_signed_reference_to_a_model_that_does_not_exist_is_refused(db):
    response = Client().post(
        "/comments/post/",
        {
            "target": signed("nope.nothing:1"),
            "comment": "x",
            "author": "A",
            "email": "a@x.org",
        },
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


# The API ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | unicode_text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@pytest.mark.slow
@FUZZ
@given(
    target=st.one_of(target_refs, json_values),
    text=st.one_of(payload, json_values),
    name=st.one_of(payload, json_values),
    email=st.one_of(emails, json_values),
    website=st.one_of(urls, json_values),
    parent=st.one_of(st.none(), st.integers(), json_values),
    extra=st.dictionaries(st.text(max_size=10), json_values, max_size=3),
)
def test_the_api_answers_any_json_without_a_server_error(
    an_article, fuzz_settings, target, text, name, email, website, parent, extra
):
    body = {**extra, "target": target, "text": text, "name": name, "email": email}
    body |= {"website": website, "parent": parent}
    if target == "":
        body["target"] = f"articles.article:{an_article.pk}"
    before = Comment.objects.count()
    response = Client().post("/api/comments/", json.dumps(body), content_type="application/json")
    answer = assert_answered(response, before, "api json")
    assert response.status_code in (202, 400, 409, 413), answer[:300]  # 413: over 2.5 MB
    if response.status_code in (400, 413):
        assert isinstance(response.json(), dict)


@pytest.mark.slow
@FUZZ
@given(
    body=st.one_of(st.binary(max_size=500), st.just(b'{"text": "\xff\xfe"}'), st.just(b"[" * 5000)),
    content_type=st.sampled_from(["application/json", "text/plain", "application/xml", ""]),
    query=st.dictionaries(st.sampled_from(["target", "cursor", "token", "page"]), target_refs),
    path=st.sampled_from(["/api/comments/", "/api/comments/count/", "/api/comments/1/"]),
)
def test_the_api_answers_any_raw_body_or_query_without_a_server_error(
    an_article, fuzz_settings, body, content_type, query, path
):
    before = Comment.objects.count()
    client = Client()
    response = client.generic("POST", "/api/comments/", body, content_type=content_type)
    assert_answered(response, before, "api raw bodies")
    assert_answered(client.get(f"{path}?{urlencode(query)}"), before, "api queries")


# After publication --------------------------------------------------------------------------


@pytest.mark.django_db
def test_published_injection_payloads_are_shown_escaped_on_the_page_and_in_the_api(
    an_article, post_comment, fuzz_settings
):
    client = Client()
    for i, text in enumerate(INJECTIONS):
        assert (
            post_comment(client, an_article, comment=text, author=f"{text} {i}").status_code == 303
        )
    Comment.objects.update(status=Status.PUBLISHED)
    page = Client().get(an_article.get_absolute_url()).content.decode()
    api = Client().get(f"/api/comments/?target=articles.article:{an_article.pk}")
    assert api.status_code == 200
    for markup in RAW_MARKUP:
        assert markup not in page
    assert "&lt;script&gt;alert(" in page
    texts = [c["text"] for c in api.json()["results"]]
    assert "<script>alert('x')</script>" in texts  # JSON carries the text; clients escape it
    assert api["Content-Type"] == "application/json"
