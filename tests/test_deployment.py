"""The docker-compose deployment: its file names real code and demands the secrets, its image
refuses to start without a key, and it configures a site that passes
``manage.py check --deploy`` without a warning."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS = ROOT / "project" / "settings.py"
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Variables read by a program other than Django's settings.
READ_ELSEWHERE = {"FORWARDED_ALLOW_IPS": "gunicorn"}
# What an owner puts in .env: the required variables of docker-compose.yml.
OWNER_ENV = {
    "SECRET_KEY": "x7Hq2-owner-chosen-secret-for-tests-9fKd81mZp0Lw3vRt6yBn4cQe5sJa",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "POSTGRES_PASSWORD": "pw",
    "MODERATION_NOTIFY_EMAILS": "moderatori@example.org",
    "EMAIL_HOST": "smtp.example.org",
}
INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``."""

    def replace(match: re.Match) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name} is required: {rest}")
        return rest or ""

    return INTERPOLATION.sub(replace, value)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def service_environment(compose: dict, service: str, env: dict[str, str]) -> dict[str, str]:
    variables = compose["services"][service]["environment"]
    return {name: interpolate(str(value), env) for name, value in variables.items()}


# What the tests' own settings put in the environment: a deployment starts without them.
NOT_INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
}


def run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_the_wsgi_module_readies_the_broker_client_without_connecting(tmp_path):
    """The first post does not import the broker's transport; and nothing is connected before
    gunicorn forks its workers (--preload), which would share the socket."""
    with socket.socket() as broker:
        broker.bind(("127.0.0.1", 0))
        broker.listen()
        broker.setblocking(False)
        redis_url = f"redis://127.0.0.1:{broker.getsockname()[1]}/0"
        code = "import sys, project.wsgi; print('kombu.transport.redis' in sys.modules)"
        assert _run_with_the_wsgi_module(code, tmp_path, redis_url) == "True"
        with pytest.raises(BlockingIOError):  # no client ever knocked
            broker.accept()


@pytest.mark.slow
def test_the_wsgi_module_leaves_the_loaded_models_out_of_full_collections(tmp_path):
    """What start-up loaded is frozen: the garbage collector's full passes skip the models."""
    code = (
        "import gc, project.wsgi; from moderation.learning import loaded_models; "
        "model = loaded_models.get_models()['toxicity'].pipeline; "
        "print(not any(o is model for o in gc.get_objects()))"
    )
    assert _run_with_the_wsgi_module(code, tmp_path, "redis://127.0.0.1:1/0") == "True"


def _run_with_the_wsgi_module(code: str, tmp_path, redis_url: str) -> str:
    """The last word ``code`` prints, run in a new demo-site process on SQLite."""
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env = {
        **clean,
        "DJANGO_DEBUG": "1",
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split(), result.stderr
    return result.stdout.split()[-1]


# The compose file ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_transaction_pooler_turns_off_server_side_cursors():
    env = {**os.environ, "DATABASE_TRANSACTION_POOLING": "1", "DJANGO_DEBUG": "1"}
    env["DATABASE_URL"] = "postgres://moderation@pgbouncer:6432/moderation"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; "
        "print(d['DISABLE_SERVER_SIDE_CURSORS'], d['CONN_MAX_AGE'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "project.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "0"]


def test_the_commands_name_real_modules_and_management_commands(compose):
    import project.celery

    for name in APP_SERVICES:
        command = compose["services"][name]["command"]
        program = command[0]
        if program == "gunicorn":
            module, _, attribute = command[1].partition(":")
            assert find_spec(module) is not None, command
            assert attribute == "application"
        elif program == "celery":
            assert command[1:3] == ["-A", "project"]
            assert isinstance(project.celery.app.main, str)
            assert command[3] in {"worker", "beat"}
        else:
            assert command[:2] == ["python", "manage.py"]
            assert command[2] in get_commands()


def test_every_environment_variable_is_read_by_the_settings(compose):
    settings_source = SETTINGS.read_text()
    for name in APP_SERVICES:
        for variable in compose["services"][name]["environment"]:
            if variable in READ_ELSEWHERE:
                continue
            assert re.search(rf"[\"']{variable}[\"']", settings_source), variable


def test_the_environment_demands_the_secrets(compose):
    with pytest.raises(KeyError, match="SECRET_KEY"):
        service_environment(compose, "web", {})


# The image ----------------------------------------------------------------------------------


def image_entrypoint() -> list[str]:
    line = re.search(r"^ENTRYPOINT (.+)$", DOCKERFILE.read_text(), flags=re.M).group(1)
    return json.loads(line)


@pytest.mark.parametrize("secret_key", [None, ""])
def test_the_image_refuses_to_start_without_a_secret_key(secret_key):
    env = {"PATH": os.environ["PATH"]} | ({} if secret_key is None else {"SECRET_KEY": ""})
    result = subprocess.run(
        [*image_entrypoint(), "echo", "started"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "set the SECRET_KEY environment variable" in result.stderr


def test_the_image_runs_its_command_when_given_a_secret_key():
    env = {"PATH": os.environ["PATH"], "SECRET_KEY": OWNER_ENV["SECRET_KEY"]}
    result = subprocess.run(
        [*image_entrypoint(), "echo", "started", "with args"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout) == (0, "started with args\n")


# Production settings ------------------------------------------------------------------------


@pytest.mark.slow
def test_production_settings_pass_the_deployment_check_without_a_warning(compose):
    result = run_manage(["check", "--deploy"], service_environment(compose, "web", OWNER_ENV))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # The one silenced: the request to be preloaded into browsers, off until the owner asks.
    assert "System check identified no issues (1 silenced)." in output


@pytest.mark.slow
def test_without_any_environment_the_settings_refuse_to_load():
    result = run_manage(["check"], {})
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable (or DJANGO_DEBUG=1" in result.stderr


@pytest.mark.slow
def test_a_secret_key_alone_gives_production_settings():
    probe = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "SECRET_KEY": OWNER_ENV["SECRET_KEY"],
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False"], result.stderr


@pytest.mark.slow
def test_development_mode_keeps_one_private_key_in_var():
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEBUG, settings.SECRET_KEY)"
    )
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "project.settings"}
    env["DJANGO_DEBUG"] = "1"
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    debug, key = runs[0]
    assert debug == "True"
    assert len(key) >= 50
    stored = ROOT / "var" / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage(["check"], {"DJANGO_DEBUG": "0", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_insecure_production_settings_are_reported_by_the_deployment_check():
    env = {"DJANGO_DEBUG": "0", "SECRET_KEY": "short", "SECURE_SSL_REDIRECT": "0"}
    result = run_manage(["check", "--deploy"], env)
    assert "security.W008" in result.stderr
    assert "security.W009" in result.stderr


PROBE = """
import django, os
django.setup()
from django.conf import settings
from django.test import Client
from moderation.conf import moderation_settings
client = Client()
insecure = client.get("/no-such-page/", HTTP_HOST="news.example.org")
secure = client.get("/no-such-page/", HTTP_HOST="news.example.org", HTTP_X_FORWARDED_PROTO="https")
hsts = secure.get("Strict-Transport-Security").replace(" ", "")
proxies = ",".join(moderation_settings.TRUSTED_PROXIES)
print(insecure.status_code, insecure.get("Location"), secure.status_code, hsts, proxies)
"""


@pytest.mark.slow
def test_behind_the_proxy_plain_http_is_redirected_and_https_served_with_hsts(compose):
    env = service_environment(compose, "web", {**OWNER_ENV, "TRUSTED_PROXIES": "10.0.0.2"})
    env["DJANGO_SETTINGS_MODULE"] = "project.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, **env, "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    redirect, location, served, hsts, proxies = result.stdout.split()
    assert (redirect, location) == ("301", "https://news.example.org/no-such-page/")
    assert served == "404"
    assert hsts.startswith("max-age=31536000")
    assert "preload" not in hsts
    assert proxies == "10.0.0.2"


@pytest.mark.slow
def test_static_files_are_collected_with_the_production_storage(compose, tmp_path):
    env = service_environment(compose, "web", OWNER_ENV)
    result = run_manage(["collectstatic", "--noinput"], {**env, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "moderation/comments.css" in manifest
    assert list(tmp_path.glob("moderation/comments.*.css.gz"))


THROTTLE_PROBE = """
import django
django.setup()
from django.test import RequestFactory
from moderation.section.throttling import CommentPostingThrottle
request = RequestFactory().post("/api/comments/", REMOTE_ADDR="198.51.100.7")
request.user = None
print(sum(CommentPostingThrottle().allow_request(request, None) for _ in range({n})))
"""


@pytest.mark.slow
def test_with_a_cache_url_the_throttle_counts_across_processes(tmp_path):
    """Issue 18: with a cache per process, each gunicorn worker allowed the rate again."""
    from project.embedded_redis import EmbeddedRedis

    redis = EmbeddedRedis(tmp_path / "redis.sock").start()
    try:
        env = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "project.settings",
            "DJANGO_DEBUG": "1",
            "SECRET_KEY": OWNER_ENV["SECRET_KEY"],
            "CACHE_URL": redis.cache_url,
        }
        allowed = [
            subprocess.run(
                [sys.executable, "-c", THROTTLE_PROBE.format(n=n)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout.split()
            for n in (7, 7)
        ]
    finally:
        redis.stop()
    assert allowed == [["7"], ["3"]]  # "10/minute" for the two processes together
