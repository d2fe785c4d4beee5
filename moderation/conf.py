"""Every setting of the app, with its default, read lazily from ``settings.MODERATION``.

A site overrides any key in one dict::

    MODERATION = {"SPAM_HOLD_THRESHOLD": 0.6, "WATCH_WORDS": ["idiota"]}

Values are looked up on first use and cached until the setting changes, so
``override_settings(MODERATION=...)`` works in tests.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.signals import setting_changed

DEFAULTS: dict[str, Any] = {
    # The reader's form and the comment list.
    "MAX_THREAD_DEPTH": 5,  # replies nest up to this many levels (1 = no replies)
    "COMMENTS_PER_PAGE": 50,  # top-level comments per page
    "CLOSE_AFTER_DAYS": None,  # close comments N days after the target's publication date
    "TARGET_DATE_FIELD": "published_at",  # the target's attribute holding its publication date
    "TARGET_SIGNATURE_MAX_AGE": 2 * 24 * 3600,  # seconds a rendered form stays valid
    "TARGET_CACHE_SECONDS": 10,  # a process reads a commented object at most this often; 0: always
    "FLOOD_INTERVAL": 15,  # seconds between two comments from one network or reader; 0 disables
    "FLOOD_KEYS": ("ip", "reader"),  # "ip" and the reader's own comments (cookie, account)
    "REMEMBER_COOKIE_AGE": 365 * 24 * 3600,  # "save my name, email and website" cookie
    "OWN_COMMENTS_COOKIE_AGE": 30 * 24 * 3600,  # lets an author see their pending comments
    "PRIVACY_URL": None,  # the site's privacy page, linked from the form when set
    # Order of the comments when the reader chooses none (?ordine=): "oldest" first,
    # "newest" first, or the editors' "picks" (docs/readers.md).
    "COMMENT_ORDER": "oldest",
    # Models readers may comment on through the API, as "app_label.model". Empty (the
    # default) opens none: the API reads and writes only comments of listed models, so it
    # cannot be used to probe arbitrary tables for existing primary keys.
    "API_TARGET_MODELS": (),
    "TRUSTED_PROXIES": (),  # addresses / CIDR ranges of reverse proxies trusted for X-Forwarded-For
    # Caching of the article page and live updates (docs/readers.md, docs/deployment.md).
    "PAGE_CACHE": True,  # cache_comment_page serves anonymous readers from the cache; False = off
    "PAGE_CACHE_ALIAS": "default",  # Django cache of the pages and the comments' versions
    "PAGE_CACHE_TIMEOUT": 300,  # seconds a rendered page is kept in that cache
    "PAGE_MAX_AGE": 30,  # Cache-Control max-age of a shared page (browsers, CDN)
    "PAGE_STALE_WHILE_REVALIDATE": 60,  # seconds a CDN may serve it stale while it asks again
    "PAGE_VERSION": "",  # change it (e.g. on deploy) to drop every cached page at once
    "LIVE_UPDATES": True,  # open pages learn of new comments ("2 new comments — show")
    "LIVE_POLL_SECONDS": 15,  # first interval between two checks; doubles while nothing changes
    "LIVE_POLL_MAX_SECONDS": 240,  # the longest interval between two checks
    # Classification and policy. A threshold of None takes the value stored with the model.
    "MODEL_DIR": None,  # folder of the model files; None = the models shipped in the package
    "SPAM_HOLD_THRESHOLD": None,
    "SPAM_REJECT_THRESHOLD": 0.95,
    "TOXICITY_HOLD_THRESHOLD": None,
    "TOXICITY_REJECT_THRESHOLD": None,  # off by default: toxic comments wait for a human
    "MAX_LINKS": 2,  # comments with this many links or more are held (WordPress: 2)
    "BLOCKED_WORDS": (),  # a match marks the comment as spam
    "WATCH_WORDS": (),  # a match holds the comment for a moderator
    "TRUSTED_AUTHORS_SKIP_SCORES": True,  # trusted authors are published unless a rule fires
    "FIRST_COMMENTS_HELD": 0,  # hold authors until this many of their comments were approved
    "PUBLISH_UNCLASSIFIED": False,  # if the classifier keeps failing: False = hold, True = publish
    "CLASSIFIER_MAX_RETRIES": 3,
    "PENDING_SWEEP_AFTER": 60,  # seconds after which a pending comment is enqueued again
    "BATCH_SIZE": 500,  # comments classified per batch task
    # Moderators and privacy.
    "NOTIFY_EMAILS": (),  # addresses that get the digest of held comments
    "NOTIFY_DIGEST_MINUTES": 15,  # at most one digest per this many minutes
    "IP_RETENTION_DAYS": 30,  # IP addresses and user agents are erased after this many days
    "REPORT_NETWORK_RETENTION_DAYS": 30,  # a report's network key is erased after this many days
    # Learning from the moderators (docs/retraining.md).
    "MODEL_REFRESH_SECONDS": 60,  # workers look for a newly activated model this often
    # Folder of the models trained on the site (never inside the package); None = MEDIA_ROOT
    # / "moderation-models".
    "MODEL_STORE_DIR": None,
    "DECISION_WEIGHT": 5.0,  # weight of a moderator's label beside a public data set's row
    "HOLDOUT_SHARE": 0.2,  # newest share of the labels kept aside to compare the models
    "AUTO_PROMOTE": False,  # activate a candidate that beats the active model by itself
    "PROMOTION_MARGIN": 0.02,  # macro-F1 gain on the held-out labels needed to auto-promote
    "PROMOTION_MIN_LABELS": 100,  # fewer held-out labels than this: never auto-promote
    "SHADOW_SCORING": True,  # the newest candidate scores new comments beside the active one
    "AUTO_RETRAIN": False,  # the weekly beat task trains a candidate (off: the task does nothing)
    "RETRAIN_DATA_DIR": None,  # public data sets for the weekly task; None = adapt the active model
    # The audit sample: published comments put before the moderators to confirm, so that
    # the labels see what the models let through, not only what they held.
    "AUDIT_SHARE": 0.08,  # share of the other published comments picked at random; 0 disables
    "AUDIT_NEAR_BAND": 0.15,  # a score this close under its hold threshold is always picked
    "CANDIDATE_MIN_AUDITED": 10,  # fewer random audit labels held out: no candidate is trained
    "IMPORT_LABEL_WEIGHT": 0.2,  # weight of an imported (e.g. WordPress) label; 1 = a held one
    # Readers' features (docs/readers.md).
    "SECOND_THOUGHT": True,  # ask once before posting a likely offensive or repeated comment
    "SECOND_THOUGHT_THRESHOLD": None,  # toxicity that asks; None = the toxicity hold threshold
    "SECOND_THOUGHT_SIMILARITY": 0.8,  # similarity to the author's previous comment that asks
    "EDIT_WINDOW_MINUTES": 5,  # an author may edit or delete a comment this long; 0 disables
    "EDITS_PER_COMMENT": 5,  # edits of one comment, each keeping its previous text for moderators
    "REPORTS_TO_HOLD": 3,  # readers' reports that send a published comment back to the queue
    "REPLY_NOTIFY_MINUTES": 15,  # at most one reply notification per comment per interval
    "SITE_URL": "",  # e.g. "https://www.example.org": makes the links in readers' emails absolute
}


class ModerationSettings:
    """Attribute access to the merged settings, cached until ``MODERATION`` changes."""

    def __init__(self) -> None:
        self._cache: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown moderation setting: {name}")
        if name not in self._cache:
            user = getattr(django_settings, "MODERATION", {}) or {}
            self._cache[name] = user.get(name, DEFAULTS[name])
        return self._cache[name]

    def reset(self) -> None:
        self._cache.clear()


moderation_settings = ModerationSettings()


def _reset_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "MODERATION":
        moderation_settings.reset()


setting_changed.connect(_reset_on_change)
