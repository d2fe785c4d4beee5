"""No commenter's email, IP or user agent appears anywhere a visitor can reach."""

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from moderation.models import Comment, Status
from tests.factories import make_comment

PLANTED_EMAIL = "planted.secret.7f3a@example.org"
PLANTED_IP = "198.51.100.234"
PLANTED_AGENT = "PlantedAgent/9.9-secret"
SECRETS = [PLANTED_EMAIL, PLANTED_IP, PLANTED_AGENT, "planted.secret.7f3a"]


def crawl(client: Client, start_urls: list[str], limit: int = 300) -> dict[str, str]:
    """Every same-site page reachable from ``start_urls`` by links, outside the admin."""
    seen: dict[str, str] = {}
    queue = list(start_urls)
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode(errors="replace")
        seen[url] = body
        for href in re.findall(r'(?:href|src|action)="([^"#]*)', body):
            target = urljoin(url, html.unescape(href))  # "&amp;" in a page is "&" in the link
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/admin"):
                continue
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.django_db
def test_a_crawl_of_the_public_site_never_shows_a_commenters_private_data(
    an_article, another_article, settings
):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 2}
    for status in Status.values:
        make_comment(
            an_article,
            status=status,
            author_email=PLANTED_EMAIL,
            ip_address=PLANTED_IP,
            user_agent=PLANTED_AGENT,
            author_url="https://site.example",
            text=f"Testo {status}",
        )
    parent = Comment.objects.get(status=Status.PUBLISHED)
    make_comment(an_article, parent=parent, author_email=PLANTED_EMAIL, ip_address=PLANTED_IP)
    for _ in range(4):
        make_comment(another_article, author_email=PLANTED_EMAIL, ip_address=PLANTED_IP)

    pages = crawl(Client(), ["/", "/en/", an_article.get_absolute_url()])
    assert len(pages) >= 8  # articles, pages of comments, reply links, English, privacy
    assert any("Testo published" in body for body in pages.values())
    for url, body in pages.items():
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked on {url}"


@pytest.mark.django_db
def test_the_error_page_shows_no_other_commenters_private_data(an_article, post_comment):
    make_comment(an_article, author_email=PLANTED_EMAIL, ip_address=PLANTED_IP)
    response = post_comment(Client(), an_article, email="not-valid")
    assert response.status_code == 400
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body


@pytest.mark.django_db
def test_the_api_its_schema_and_docs_never_show_a_commenters_private_data(an_article, settings):
    """Every public URL without parameters (feeds included, when there are some), every
    comment through the API, with and without a status token, the schema, and every
    reader's write (report, edit, delete) on every comment."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from moderation.api.tokens import status_token

    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"]}
    comments = [
        make_comment(
            an_article,
            status=status,
            author_email=PLANTED_EMAIL,
            ip_address=PLANTED_IP,
            user_agent=PLANTED_AGENT,
        )
        for status in Status.values
    ]

    def plain_urls(resolver: URLResolver, prefix: str = "") -> list[str]:
        urls = []
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
            if "<" in route or "(" in route or route.startswith("admin"):
                continue
            if isinstance(entry, URLResolver):
                urls += plain_urls(entry, route)
            elif isinstance(entry, URLPattern):
                urls.append("/" + route)
        return urls

    target = f"articles.article:{an_article.pk}"
    urls = [
        *plain_urls(get_resolver()),
        f"/api/comments/?target={target}",
        f"/api/comments/count/?target={target}",
        *(f"/api/comments/{c.pk}/" for c in comments),
    ]
    assert "/api/schema/" in urls and "/api/docs/" in urls
    client = Client()
    authors = [
        (f"/api/comments/{c.pk}/", {"HTTP_X_COMMENT_TOKEN": status_token(c.pk)}) for c in comments
    ]
    for url, sent in [*((url, {}) for url in urls), *authors]:
        response = client.get(url, **sent)
        assert response.status_code < 500, url
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked on {url}"
    listed = client.get(f"/api/comments/?target={target}").json()["results"]
    assert listed and "email" not in listed[0]

    # The readers' writes: reports, and the author's edit and delete, answered or refused.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "1000/minute"},
    }
    cache.clear()
    writes = []
    for c in comments:
        url, own = f"/api/comments/{c.pk}/", {"HTTP_X_COMMENT_TOKEN": status_token(c.pk)}
        for data in ({"reason": "spam"}, {"reason": "spam"}, {"reason": "nonsense"}):
            writes.append(client.post(f"{url}report/", data, content_type="application/json"))
        for text in ("", f"Testo corretto {c.pk}"):
            writes.append(client.patch(url, {"text": text}, content_type="application/json", **own))
        writes += [client.patch(url, {"text": "x"}, content_type="application/json")]
        writes += [client.delete(url), client.delete(url, **own), client.delete(url, **own)]
    statuses = {response.status_code for response in writes}
    assert {201, 409, 202, 204, 400, 403, 404} <= statuses
    for response in writes:
        assert response.status_code < 500, response.request["PATH_INFO"]
        body = response.content.decode(errors="replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked on {response.request['PATH_INFO']}"
    cache.clear()
