"""The moderators' queue in the admin: order, rows, actions through services, detail page,
badge, permissions, and a number of queries that does not grow with the rows shown."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

import moderation
from moderation.admin.actions import MODERATION_ACTIONS
from moderation.admin.comments import CommentAdmin
from moderation.admin.markup import highlight
from moderation.models import (
    AuthorRule,
    Comment,
    ModerationEvent,
    RejectReason,
    Status,
    TrainingLabel,
)
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/moderation/comment/"


@pytest.fixture
def moderator_client(a_moderator) -> Client:
    client = Client()
    client.force_login(a_moderator)
    return client


def _age(comment: Comment, seconds: int) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    return comment


def _row_ids(response) -> list[int]:
    return [
        int(pk)
        for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
    ]


def _act(client: Client, action: str, comments, **extra):
    data = {
        "action": action,
        "_selected_action": [c.pk for c in comments],
        "index": "0",
        **extra,
    }
    return client.post(f"{CHANGELIST}?status=all", data)


# The queue's order and rows -------------------------------------------------------------------


def test_the_queue_opens_on_held_then_stale_pending_comments(moderator_client, an_article):
    fresh_pending = make_comment(an_article, status=Status.PENDING)
    stale_pending = _age(make_comment(an_article, status=Status.PENDING), 3600)
    old_held = _age(make_comment(an_article, status=Status.HELD), 60)
    new_held = make_comment(an_article, status=Status.HELD)
    make_comment(an_article, status=Status.PUBLISHED)
    make_comment(an_article, status=Status.SPAM)

    response = moderator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert _row_ids(response) == [old_held.pk, new_held.pk, stale_pending.pk]
    assert fresh_pending.pk not in _row_ids(response)


def test_the_status_filter_shows_any_status_or_all(moderator_client, an_article):
    published = make_comment(an_article, status=Status.PUBLISHED)
    spam = make_comment(an_article, status=Status.SPAM)
    assert _row_ids(moderator_client.get(CHANGELIST, {"status": "spam"})) == [spam.pk]
    assert set(_row_ids(moderator_client.get(CHANGELIST, {"status": "all"}))) == {
        published.pk,
        spam.pk,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"spam": "high"}, "spammy"),
        ({"toxicity": "high"}, "toxic"),
        ({"links": "yes"}, "linked"),
        ({"language": "en"}, "english"),
        ({"q": "needle"}, "searched"),
        ({"q": "10.9.8.7"}, "searched"),
    ],
)
def test_the_filters_and_search_narrow_the_queue(moderator_client, an_article, params, expected):
    comments = {
        "spammy": make_comment(an_article, status=Status.HELD, spam_score=0.93),
        "toxic": make_comment(an_article, status=Status.HELD, toxicity_score=0.85),
        "linked": make_comment(an_article, status=Status.HELD, text="see https://x.example"),
        "english": make_comment(an_article, status=Status.HELD, language="en-gb"),
        "searched": make_comment(
            an_article, status=Status.HELD, text="a needle here", ip_address="10.9.8.7"
        ),
    }
    assert _row_ids(moderator_client.get(CHANGELIST, params)) == [comments[expected].pk]


def test_the_article_filter_keeps_the_comments_on_one_article(
    moderator_client, an_article, another_article
):
    mine = make_comment(an_article, status=Status.HELD)
    make_comment(another_article, status=Status.HELD)
    response = moderator_client.get(CHANGELIST)
    link = re.search(r'href="\?[^"]*target=(\d+-\d+)[^"]*"', response.content.decode())
    assert link is not None
    filtered = moderator_client.get(CHANGELIST, {"target": link.group(1)})
    assert len(_row_ids(filtered)) == 1
    own = moderator_client.get(CHANGELIST, {"target": f"{mine.content_type_id}-{an_article.pk}"})
    assert _row_ids(own) == [mine.pk]


def test_the_article_filter_names_comment_targets_only(moderator_client, an_article):
    """Issue 18, row 9: ``?target=<auth.user>-<pk>`` printed the user's name in the filter."""
    make_comment(an_article, status=Status.HELD)
    someone = User.objects.create_user("giulia.rossi.private")
    user_type = ContentType.objects.get_for_model(User)
    response = moderator_client.get(CHANGELIST, {"target": f"{user_type.pk}-{someone.pk}"})
    assert response.status_code == 200
    assert someone.username not in response.content.decode()
    assert len(_row_ids(response)) == 1  # not a comment target: no filter at all


def test_a_row_shows_the_author_scores_reasons_and_the_linked_article(moderator_client, an_article):
    make_comment(
        an_article,
        status=Status.HELD,
        author_name="Gino",
        author_email="gino@example.org",
        author_url="https://gino.example.org",
        ip_address="192.0.2.7",
        spam_score=0.91,
        toxicity_score=0.2,
        reasons=["spam 0.91 ≥ 0.80", "3 links"],
    )
    html = moderator_client.get(CHANGELIST).content.decode()
    for text in ["Gino", "gino@example.org", "192.0.2.7", "https://gino.example.org"]:
        assert text in html
    assert "<li>spam 0.91 ≥ 0.80</li><li>3 links</li>" in html
    assert 'class="mod-bar mod-bar--high"' in html and "width: 91%" in html
    assert 'class="mod-bar mod-bar--low"' in html and "width: 20%" in html
    assert an_article.title in html
    assert f'href="{an_article.get_absolute_url()}"' in html


def test_a_javascript_website_is_not_linked(moderator_client, an_article):
    make_comment(an_article, status=Status.HELD, author_url="javascript:alert(1)")
    html = moderator_client.get(CHANGELIST).content.decode()
    assert 'href="javascript:' not in html


# Actions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "event_action"),
    [
        ("approve", Status.PUBLISHED, "approved"),
        ("mark_spam", Status.SPAM, "marked_spam"),
        ("mark_ham", Status.PUBLISHED, "marked_ham"),
    ],
)
def test_a_status_action_goes_through_services_for_each_comment(
    moderator_client, a_moderator, an_article, action, status, event_action
):
    chosen = [make_comment(an_article, status=Status.HELD) for _ in range(2)]
    untouched = make_comment(an_article, status=Status.HELD)

    response = _act(moderator_client, action, chosen)

    assert response.status_code == 302
    for comment in chosen:
        comment.refresh_from_db()
        assert comment.status == status
        event = ModerationEvent.objects.get(comment=comment)
        assert (event.action, event.user, event.from_status) == (
            event_action,
            a_moderator,
            Status.HELD,
        )
        assert TrainingLabel.objects.get(comment=comment).moderator == a_moderator
    untouched.refresh_from_db()
    assert untouched.status == Status.HELD
    assert not ModerationEvent.objects.filter(comment=untouched).exists()


def test_restore_puts_decided_comments_back_in_the_queue_without_a_label(
    moderator_client, an_article
):
    comment = make_comment(an_article, status=Status.SPAM)
    _act(moderator_client, "restore", [comment])
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert ModerationEvent.objects.get(comment=comment).action == "restored"
    assert not TrainingLabel.objects.exists()


def test_three_comments_are_rejected_at_once_with_a_reason(moderator_client, an_article):
    chosen = [make_comment(an_article, status=Status.HELD) for _ in range(3)]

    _act(moderator_client, "reject", chosen, reason=RejectReason.OFFENSIVE)

    assert set(Comment.objects.values_list("status", flat=True)) == {Status.REJECTED}
    events = ModerationEvent.objects.filter(action="rejected")
    assert sorted(e.comment_id for e in events) == sorted(c.pk for c in chosen)
    assert {e.reason for e in events} == {RejectReason.OFFENSIVE}
    labels = TrainingLabel.objects.all()
    assert len(labels) == 3
    assert {(label.is_spam, label.is_toxic) for label in labels} == {(None, True)}


def test_rejecting_without_a_reason_changes_nothing(moderator_client, an_article):
    comment = make_comment(an_article, status=Status.HELD)
    response = _act(moderator_client, "reject", [comment], reason="")
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert not ModerationEvent.objects.exists()
    page = moderator_client.get(response["Location"]).content.decode()
    assert '<li class="error">Scegli un motivo per il rifiuto.</li>' in page


@pytest.mark.parametrize(
    ("action", "kind", "field", "value"),
    [
        ("block_email", AuthorRule.Kind.BLOCK, AuthorRule.Field.EMAIL, "troll@spam.example"),
        ("block_domain", AuthorRule.Kind.BLOCK, AuthorRule.Field.DOMAIN, "spam.example"),
        ("block_ip", AuthorRule.Kind.BLOCK, AuthorRule.Field.IP, "203.0.113.9"),
        ("trust_author", AuthorRule.Kind.TRUST, AuthorRule.Field.READER, "browser-token"),
    ],
)
def test_author_actions_create_one_rule(
    moderator_client, a_moderator, an_article, action, kind, field, value
):
    comments = [
        make_comment(
            an_article,
            status=Status.HELD,
            author_email="Troll@Spam.example",
            ip_address="203.0.113.9",
            reader_key="browser-token",
        )
        for _ in range(2)
    ]
    _act(moderator_client, action, comments)
    rule = AuthorRule.objects.get()
    assert (rule.kind, rule.field, rule.value, rule.created_by) == (
        kind,
        field,
        value,
        a_moderator,
    )
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.HELD}


def test_the_detail_pages_buttons_run_the_action_and_open_the_next_comment(
    moderator_client, an_article
):
    first = _age(make_comment(an_article, status=Status.HELD), 60)
    following = make_comment(an_article, status=Status.HELD)
    response = moderator_client.post(
        reverse("admin:moderation_comment_moderate", args=[first.pk]), {"action": "mark_spam"}
    )
    first.refresh_from_db()
    assert first.status == Status.SPAM
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:moderation_comment_change", args=[following.pk])


def test_the_detail_page_rejects_with_the_chosen_reason(moderator_client, an_article):
    comment = make_comment(an_article, status=Status.HELD)
    moderator_client.post(
        reverse("admin:moderation_comment_moderate", args=[comment.pk]),
        {"action": "reject", "reason": RejectReason.PERSONAL_DATA},
    )
    assert ModerationEvent.objects.get(comment=comment).reason == RejectReason.PERSONAL_DATA


def test_the_next_url_may_not_leave_the_site(moderator_client, an_article):
    comment = make_comment(an_article, status=Status.HELD)
    response = moderator_client.post(
        reverse("admin:moderation_comment_moderate", args=[comment.pk]),
        {"action": "approve", "next": "https://evil.example/"},
    )
    assert not response["Location"].startswith("https://evil.example")


# The status is read-only ----------------------------------------------------------------------


def test_the_status_cannot_be_changed_through_the_change_form(moderator_client, an_article):
    comment = make_comment(an_article, status=Status.HELD)
    url = reverse("admin:moderation_comment_change", args=[comment.pk])
    page = moderator_client.get(url).content.decode()
    assert 'name="status"' not in page
    moderator_client.post(url, {"status": Status.PUBLISHED, "text": "changed"})
    comment.refresh_from_db()
    assert (comment.status, comment.text) == (Status.HELD, comment.text)
    assert not ModerationEvent.objects.exists()


def test_no_one_edits_or_adds_comments_in_the_admin(rf, a_moderator):
    request = rf.get("/")
    request.user = User.objects.create_superuser("boss", "boss@example.org", "pw")
    model_admin = CommentAdmin(Comment, admin.site)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)
    assert "status" in model_admin.get_readonly_fields(request)


# The detail page ------------------------------------------------------------------------------


def test_the_words_behind_the_scores_are_highlighted_and_the_text_stays_escaped(
    moderator_client, an_article
):
    comment = make_comment(
        an_article,
        status=Status.HELD,
        text='Buy CHEAP pills <script>alert("x")</script> now, idiot',
        explanation={"spam": [["cheap", 0.8], ["script", 0.1]], "toxicity": [["idiot", 0.9]]},
    )
    html = moderator_client.get(
        reverse("admin:moderation_comment_change", args=[comment.pk])
    ).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert (
        '&lt;<mark class="mod-hl-spam" title="spam +0.10">script</mark>&gt;alert(&quot;x&quot;)'
        in html
    )
    assert '<mark class="mod-hl-spam" title="spam +0.80">CHEAP</mark>' in html
    assert '<mark class="mod-hl-toxicity" title="toxicity +0.90">idiot</mark>' in html


def test_highlighted_words_cannot_inject_markup():
    html = highlight("a <b> b", {"spam": [['<img src=x onerror="1">', 1.0], ["b", 0.5]]})
    assert "<img" not in html
    assert html == 'a &lt;<mark class="mod-hl-spam" title="spam +0.50">b</mark>&gt; ' + (
        '<mark class="mod-hl-spam" title="spam +0.50">b</mark>'
    )


def test_the_detail_page_shows_thread_history_and_audit_trail(
    moderator_client, a_moderator, an_article
):
    parent = make_comment(an_article, status=Status.PUBLISHED, text="The parent's words")
    make_comment(an_article, status=Status.SPAM, author_email="same@example.org")
    make_comment(an_article, status=Status.SPAM, author_email="SAME@example.org")
    make_comment(an_article, status=Status.PUBLISHED, ip_address="198.51.100.4")
    comment = make_comment(
        an_article,
        status=Status.HELD,
        parent=parent,
        author_email="same@example.org",
        ip_address="198.51.100.4",
    )
    ModerationEvent.objects.create(
        comment=comment,
        actor="classifier",
        action="classified",
        to_status="held",
        reason="spam 0.85 ≥ 0.80",
    )
    html = moderator_client.get(
        reverse("admin:moderation_comment_change", args=[comment.pk])
    ).content.decode()

    assert "The parent&#x27;s words" in html
    assert "spam 0.85 ≥ 0.80" in html  # the audit trail
    email_spam = "author_email__iexact=same%40example.org&amp;status=spam"
    assert re.search(rf'href="[^"]*\?{email_spam}">2</a>', html)
    ip_published = "ip_address=198.51.100.4&amp;status=published"
    assert re.search(rf'href="[^"]*\?{ip_published}">1</a>', html)
    history = moderator_client.get(
        CHANGELIST, {"author_email__iexact": "same@example.org", "status": "spam"}
    )
    assert len(_row_ids(history)) == 2


def test_the_audit_tab_lists_the_picks_with_a_badge_and_confirming_empties_it(
    moderator_client, a_moderator, an_article
):
    picks = [make_comment(an_article, audit_pick=pick) for pick in ("random", "near")]
    make_comment(an_article)
    make_comment(an_article, status=Status.HELD)
    audit = moderator_client.get(CHANGELIST, {"status": "audit"})
    assert sorted(_row_ids(audit)) == [c.pk for c in picks]
    assert re.search(r'id="to-audit-count"[^>]*>2 ', audit.content.decode())

    assert _act(moderator_client, "confirm_audit", picks).status_code == 302
    assert not _row_ids(moderator_client.get(CHANGELIST, {"status": "audit"}))
    assert Comment.objects.filter(status=Status.PUBLISHED).count() == 3
    assert set(ModerationEvent.objects.values_list("action", "user")) == {
        ("audit_confirmed", a_moderator.pk)
    }


# The badge ------------------------------------------------------------------------------------


@pytest.fixture
def moderation_templates_first(settings):
    """The template order a site gets with "moderation" listed before "django.contrib.admin",
    which the index badge's ``admin/index.html`` override needs."""
    engine = {**settings.TEMPLATES[0]}
    engine["DIRS"] = [Path(moderation.__file__).parent / "templates", *engine["DIRS"]]
    settings.TEMPLATES = [engine]


def test_the_badge_counts_what_awaits_review_on_the_index_and_the_queue(
    moderator_client, an_article, moderation_templates_first
):
    for _ in range(3):
        make_comment(an_article, status=Status.HELD)
    _age(make_comment(an_article, status=Status.PENDING), 3600)
    make_comment(an_article, status=Status.PENDING)
    make_comment(an_article, status=Status.PUBLISHED)

    index = moderator_client.get("/admin/").content.decode()
    queue = moderator_client.get(CHANGELIST).content.decode()

    assert re.search(r'id="moderation-queue-badge".*?<span class="mod-badge">4</span>', index, re.S)
    assert '<span class="mod-badge" id="awaiting-review-count"' in queue
    assert re.search(r'id="awaiting-review-count"[^>]*>4</span>', queue)


def test_staff_without_the_permission_see_no_badge(
    an_article, a_staff_member, moderation_templates_first
):
    make_comment(an_article, status=Status.HELD)
    client = Client()
    client.force_login(a_staff_member)
    assert "moderation-queue-badge" not in client.get("/admin/").content.decode()


# Permissions ----------------------------------------------------------------------------------


def _comment_admin_urls(comment: Comment) -> list[str]:
    """Every URL the Comment admin serves, with the comment's id filled in."""
    model_admin = admin.site._registry[Comment]
    urls = []
    for pattern in model_admin.get_urls():
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern)
        urls.append(CHANGELIST + re.sub(r"<(?:\w+:)?object_id>", str(comment.pk), route))
    return urls


@pytest.fixture
def staff_who_can_see_but_not_moderate(db) -> User:
    user = User.objects.create_user("viewer", "viewer@example.org", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="moderation",
            codename__in=["view_comment", "change_comment", "delete_comment"],
        )
    )
    return user


@pytest.mark.parametrize("user_fixture", ["a_staff_member", "staff_who_can_see_but_not_moderate"])
def test_staff_without_can_moderate_get_403_on_every_comment_admin_url(
    request, an_article, user_fixture
):
    user = request.getfixturevalue(user_fixture)
    comment = make_comment(an_article, status=Status.HELD)
    client = Client()
    client.force_login(user)
    urls = _comment_admin_urls(comment)
    assert CHANGELIST + "statistics/" in urls
    assert CHANGELIST + f"{comment.pk}/moderate/" in urls
    for url in urls:
        for method in (client.get, client.post):
            response = method(url, {"action": "approve"}, follow=True)
            assert response.status_code == 403, (url, method)
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("action", [a.__name__ for a in MODERATION_ACTIONS])
def test_staff_without_can_moderate_cannot_run_any_action(
    staff_who_can_see_but_not_moderate, an_article, action
):
    comment = make_comment(an_article, status=Status.HELD)
    client = Client()
    client.force_login(staff_who_can_see_but_not_moderate)
    response = _act(client, action, [comment], reason=RejectReason.SPAM)
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert not AuthorRule.objects.exists()


def test_staff_without_can_moderate_do_not_see_the_queue_on_the_index(a_staff_member):
    client = Client()
    client.force_login(a_staff_member)
    assert CHANGELIST not in client.get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(an_article):
    comment = make_comment(an_article, status=Status.HELD)
    for url in _comment_admin_urls(comment):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# Queries --------------------------------------------------------------------------------------


def _queries_for_changelist(client: Client, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("params", [{}, {"status": "all", "q": "Commento"}])
def test_the_changelists_queries_do_not_grow_with_the_rows(
    moderator_client, an_article, another_article, params
):
    def add(n: int) -> None:
        for i in range(n):
            target = an_article if i % 2 else another_article
            parent = make_comment(target, status=Status.PUBLISHED)
            make_comment(target, status=Status.HELD, parent=parent, ip_address="192.0.2.1")

    add(5)
    few = _queries_for_changelist(moderator_client, params)
    assert len(_row_ids(moderator_client.get(CHANGELIST, params))) >= 5
    add(55)
    many = _queries_for_changelist(moderator_client, params)
    assert len(_row_ids(moderator_client.get(CHANGELIST, params))) >= 50
    assert many == few


def test_the_queue_speaks_italian(a_moderator, an_article):
    make_comment(an_article, status=Status.HELD)
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    client.force_login(a_moderator)
    html = client.get(CHANGELIST).content.decode()
    for text in ["Coda di moderazione", "Da revisionare", "Segna come spam", "Motivo del rifiuto…"]:
        assert text in html


def test_the_queue_loads_its_shortcuts_script_and_help(moderator_client, an_article):
    make_comment(an_article, status=Status.HELD)
    html = moderator_client.get(CHANGELIST).content.decode()
    assert "moderation/admin/queue.js" in html
    assert 'id="mod-shortcuts"' in html
    assert html.count('data-reason="') == len(RejectReason.choices)
    assert 'name="csrfmiddlewaretoken"' in html.split('id="changelist-form"')[1]
