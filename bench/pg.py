"""Fresh PostgreSQL databases for the side-by-side benchmarks, and the peer's environment.

``BENCH_PG`` is the server (default ``postgresql://postgres@127.0.0.1:5432``); each run drops
and recreates its own databases there, so ours and the peer's start equally empty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PEER_VENV = ROOT / "var" / "bench-peer-venv"
PEER_PACKAGES = [
    "django==5.2.19",
    "django-contrib-comments==2.2.0",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
    "dj-database-url==3.1.2",
]


def fresh_database(name: str) -> str:
    """Drop and create database ``name``; returns its URL."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{SERVER}/{name}"


def peer_python() -> Path:
    """The peer's virtual environment (created on first use) and its interpreter."""
    python = PEER_VENV / "bin" / "python"
    marker = PEER_VENV / ".installed"
    if not marker.exists() or marker.read_text() != "\n".join(PEER_PACKAGES):
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *PEER_PACKAGES], check=True)
        marker.write_text("\n".join(PEER_PACKAGES))
    return python


def peer_project() -> Path:
    """A temporary folder holding the peer site (bench/peer) and the shared comment data."""
    folder = Path(tempfile.mkdtemp(prefix="bench-peer-"))
    shutil.copytree(ROOT / "bench" / "peer", folder, dirs_exist_ok=True)
    shutil.copy(ROOT / "bench" / "commentdata.py", folder)
    return folder


def peer_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "peer_settings"}
