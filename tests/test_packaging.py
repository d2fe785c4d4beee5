"""The app as a site owner gets it: a wheel, installed into a fresh virtual environment, used
by a throwaway project that follows docs/quickstart.md.

How the fresh environment is made (offline apart from the build backend): the wheel is built
with ``pip wheel --no-deps`` from a copy of the repository (pip fetches setuptools for the
isolated build), a venv is created ``--without-pip`` from the base interpreter, and the wheel
alone is installed into it with ``pip --python``. The dependencies (Django, DRF, Celery,
scikit-learn...) come from this test run's own site-packages on ``PYTHONPATH``: that directory
holds no ``moderation`` and no ``project``, so every import of the app resolves to the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import moderation

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = (".git", ".venv", "var", "staticfiles", "build", "dist", "*.egg-info", "__pycache__")

SETTINGS = """
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "packaging-test-secret"
DEBUG = True
ALLOWED_HOSTS = ["testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "rest_framework",
    "moderation",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
USE_TZ = True
LANGUAGE_CODE = "it"
STATIC_URL = "static/"
CELERY_BROKER_URL = "redis://localhost:6379/0"
MODERATION = {"PRIVACY_URL": "/privacy/"}
"""

URLS = """
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("comments/", include("moderation.urls")),
]
"""

# What a site owner's article template does, with a user account as the commented object.
RENDER = """
import django
django.setup()
from django.contrib.auth.models import User
from django.template import engines
from django.test import RequestFactory
import moderation

target = User.objects.create(username="an-article")
template = engines["django"].from_string(
    "{% load moderation_tags %}{% moderation_head %}{% comment_section target %}"
)
print(moderation.__file__)
print(template.render({"target": target}, RequestFactory().get("/")))
"""


def installed_into_fresh_venv(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source],
        check=True,
        timeout=300,
    )
    wheels = list((tmp_path / "dist").glob("django_moderation_ml-*.whl"))
    assert len(wheels) == 1
    venv = tmp_path / "venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheels[0]],
        check=True,
        timeout=300,
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "settings.py").write_text(SETTINGS)
    (site / "urls.py").write_text(URLS)
    dependencies = sysconfig.get_paths()["purelib"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))},
        "DJANGO_SETTINGS_MODULE": "settings",
        "PYTHONPATH": os.pathsep.join([str(site), dependencies]),
    }
    return python, env


def run(python: Path, args: list[str], env: dict[str, str], cwd: Path) -> str:
    result = subprocess.run(
        [python, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.mark.slow
def test_the_wheel_installs_and_runs_in_a_minimal_project(tmp_path):
    python, env = installed_into_fresh_venv(tmp_path)
    site = tmp_path / "site"

    checked = run(python, ["-m", "django", "check"], env, site)
    assert "System check identified no issues" in checked
    migrated = run(python, ["-m", "django", "migrate", "--noinput"], env, site)
    assert "Applying moderation.0001_initial... OK" in migrated

    rendered = run(python, ["-c", RENDER], env, site)
    package = Path(rendered.splitlines()[0]).parent
    assert package.is_relative_to(tmp_path / "venv")
    assert "Lascia un commento" in rendered  # the template and the Italian catalogue
    assert "moderation/comments.css" in rendered

    for shipped in [
        "templates/moderation/section.html",
        "templates/moderation/email/held_digest.txt",
        "static/moderation/comments.css",
        "static/moderation/comments.js",
        "locale/it/LC_MESSAGES/django.po",
        "locale/it/LC_MESSAGES/django.mo",
        "trained/spam.skops",
        "trained/spam.json",
        "trained/toxicity.skops",
        "trained/toxicity.json",
        "migrations/0001_initial.py",
        "management/commands/import_wordpress_comments.py",
    ]:
        assert (package / shipped).is_file(), shipped
    assert not (package.parent / "project").exists()
    assert not (package.parent / "tests").exists()
    dist_info = package.parent / f"django_moderation_ml-{moderation.__version__}.dist-info"
    for shipped in ("LICENSE", "NOTICE"):  # the app's licence, the word lists' attributions
        assert (dist_info / "licenses" / shipped).is_file(), shipped
