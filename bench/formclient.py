"""A reader's browser reduced to what posting needs: cookies, the CSRF token (when the page
has one), the signed target."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request


class FormClient:
    def __init__(self, base_url: str, article_path: str, form_action: str = "/comments/post/"):
        self.base_url = base_url
        self.article_path = article_path
        self.form_action = form_action
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        page = self.opener.open(base_url + article_path, timeout=10).read().decode()
        self.hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        # A page shared through a cache carries no CSRF token (docs/deployment.md): its
        # readers post as each new reader does, without cookies.
        if "csrfmiddlewaretoken" not in self.hidden:
            self.opener = urllib.request.build_opener(_NoRedirect())

    def post(self, text: str, author: str, email: str) -> tuple[int, float]:
        """POST one comment; returns the HTTP status and the seconds it took."""
        fields = {
            "target": self.hidden["target"],
            "comment": text,
            "author": author,
            "email": email,
        }
        if "csrfmiddlewaretoken" in self.hidden:
            fields["csrfmiddlewaretoken"] = self.hidden["csrfmiddlewaretoken"]
        return self.post_fields(fields)

    def post_fields(self, fields: dict[str, str]) -> tuple[int, float]:
        """POST ``fields`` as they are to the form's action; the status and the seconds."""
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base_url + self.form_action,
            data=data,
            headers={"Referer": self.base_url + self.article_path},
        )
        started = time.perf_counter()
        try:
            status = self.opener.open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0  # connection refused or reset: counted as a failure
        return status, time.perf_counter() - started


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
