"""The OpenAPI schema: complete, valid, private-field free, and true of the live API."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from moderation.api.tokens import status_token
from moderation.models import Status
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"
PUBLIC_COMPONENTS = [
    "PublicComment",
    "CommentStatus",
    "SubmittedComment",
    "CommentCount",
    "CommentEdit",
    "Report",
    "ReportReceived",
]
PRIVATE_FIELDS = {
    "email",
    "author_email",
    "ip_address",
    "user_agent",
    "spam_score",
    "toxicity_score",
    "reasons",
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi_3(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_describes_every_endpoint_and_method(schema):
    operations = {(path, method) for path, item in schema["paths"].items() for method in item} - {
        (path, "parameters") for path in schema["paths"]
    }
    assert operations == {
        ("/api/comments/", "get"),
        ("/api/comments/", "post"),
        ("/api/comments/count/", "get"),
        ("/api/comments/{id}/", "get"),
        ("/api/comments/{id}/", "patch"),
        ("/api/comments/{id}/", "delete"),
        ("/api/comments/{id}/report/", "post"),
        ("/api/moderation/queue/", "get"),
        ("/api/moderation/audit/", "get"),
        ("/api/moderation/comments/{id}/", "get"),
        ("/api/moderation/comments/{id}/decision/", "post"),
        ("/api/moderation/comments/{id}/featured/", "post"),
        ("/api/moderation/decisions/", "post"),
        ("/api/moderation/comments/{id}/author-rule/", "post"),
        ("/api/moderation/discussion/", "get"),
        ("/api/moderation/discussion/", "put"),
    }


def test_the_schema_documents_the_error_responses(schema):
    paths = schema["paths"]
    assert set(paths["/api/comments/"]["post"]["responses"]) == {
        "202",
        "400",
        "403",
        "409",
        "429",
    }
    assert "400" in paths["/api/comments/"]["get"]["responses"]
    assert "404" in paths["/api/comments/{id}/"]["get"]["responses"]
    comment = paths["/api/comments/{id}/"]
    assert set(comment["patch"]["responses"]) == {"202", "400", "403", "404", "429"}
    assert set(comment["delete"]["responses"]) == {"204", "403", "404"}
    for method in ("get", "patch", "delete"):
        names = {(p["in"], p["name"]) for p in comment[method]["parameters"]}
        assert ("header", "X-Comment-Token") in names
        assert not any(name == "token" for _, name in names)  # never in the URL
    report = paths["/api/comments/{id}/report/"]["post"]
    assert set(report["responses"]) == {"201", "400", "403", "404", "409", "429"}
    for path, item in paths.items():
        if path.startswith("/api/moderation/"):
            for operation in item.values():
                assert {"401", "403"} <= set(operation["responses"]), path


def test_the_edit_and_report_fields_carry_the_forms_limits_and_choices(schema):
    components = schema["components"]["schemas"]
    edit = components["CommentEdit"]
    assert (edit["required"], edit["properties"]["text"]["maxLength"]) == (["text"], 65525)
    report = components["Report"]
    assert report["required"] == ["reason"]
    assert report["properties"]["note"]["maxLength"] == 500
    reason = components[report["properties"]["reason"]["$ref"].rpartition("/")[2]]
    assert reason["enum"] == ["spam", "offensive", "off-topic", "other"]


def test_the_submission_fields_carry_the_forms_limits(schema):
    submission = schema["components"]["schemas"]["CommentSubmission"]
    assert sorted(submission["required"]) == ["email", "name", "target", "text"]
    limits = {name: field.get("maxLength") for name, field in submission["properties"].items()}
    assert limits == {
        "target": None,
        "parent": None,
        "name": 245,
        "email": 100,
        "website": 200,
        "text": 65525,
    }


@pytest.mark.parametrize("component", PUBLIC_COMPONENTS)
def test_no_public_component_has_a_private_field(schema, component):
    fields = set(schema["components"]["schemas"][component]["properties"])
    assert fields
    assert not fields & PRIVATE_FIELDS


def test_the_docs_page_is_served_from_local_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "unpkg" not in html.lower()


# Property-based: generated requests against the live server ---------------------------------

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.mark.slow
@override_settings(
    MODERATION={"API_TARGET_MODELS": ["articles.article"], "FLOOD_INTERVAL": 0},
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "rest_framework.authentication.TokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "1000/minute"},
    },
)
def test_generated_requests_get_no_server_error_and_answers_true_to_the_schema(
    live_server, an_article, a_moderator
):
    cache.clear()
    reader = User.objects.create_user("reader", "reader@example.org", "pw-for-tests")
    tokens = {
        "anonymous": {},
        "reader": {"Authorization": f"Token {Token.objects.create(user=reader).key}"},
        "moderator": {"Authorization": f"Token {Token.objects.create(user=a_moderator).key}"},
    }
    parent = make_comment(an_article)
    ids = [
        parent.pk,
        make_comment(an_article, parent=parent).pk,
        make_comment(an_article, status=Status.HELD, spam_score=0.7, reasons=["links"]).pk,
        make_comment(an_article, status=Status.SPAM, ip_address="203.0.113.9").pk,
    ]
    real_target = f"articles.article:{an_article.pk}"
    schema = schemathesis.openapi.from_url(live_server.url + SCHEMA_URL)
    session = requests.Session()
    operations = st.sampled_from([result.ok() for result in schema.get_all_operations()])

    @st.composite
    def cases(draw):
        operation = draw(operations)
        case = draw(operation.as_strategy())
        # Half of the cases name things that exist, so the deeper paths run too.
        if draw(st.booleans()):
            if "id" in (case.path_parameters or {}):
                case.path_parameters["id"] = draw(st.sampled_from(ids))
                # the author's token of that comment, so that edits and deletions happen too
                if case.headers and "X-Comment-Token" in case.headers:
                    case.headers["X-Comment-Token"] = status_token(case.path_parameters["id"])
            if case.query and "target" in case.query:
                case.query["target"] = real_target
            if isinstance(case.body, dict) and "target" in case.body:
                case.body["target"] = real_target
            if isinstance(case.body, dict) and "ids" in case.body:
                case.body["ids"] = draw(st.lists(st.sampled_from(ids), min_size=1))
        return case, draw(st.sampled_from(sorted(tokens)))

    @settings(
        max_examples=300,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(cases())
    def answers_within_the_schema(generated):
        case, who = generated
        response = case.call(base_url=live_server.url, session=session, headers=tokens[who])
        case.validate_response(response, checks=CHECKS, headers=tokens[who])

    answers_within_the_schema()
