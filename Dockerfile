# The demo news site with the moderation app: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Translations and static files are built into the image; the values below exist only for
# this build step (production settings refuse to start without a real SECRET_KEY).
RUN DJANGO_DEBUG=0 SECRET_KEY=image-build-only ALLOWED_HOSTS=localhost \
        python manage.py compilemessages --ignore ".venv" \
    && DJANGO_DEBUG=0 SECRET_KEY=image-build-only ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p /app/var \
    && chown -R app /app/var

USER app
EXPOSE 8000
# Every process of the image (web, worker, beat, migrate) refuses to start without a key.
ENTRYPOINT ["sh", "-c", "if [ -z \"$SECRET_KEY\" ]; then echo 'Refusing to start: set the SECRET_KEY environment variable (50+ random characters, see docs/deployment.md).' >&2; exit 78; fi; exec \"$@\"", "entrypoint"]
CMD ["gunicorn", "project.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
