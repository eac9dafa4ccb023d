# syntax=docker/dockerfile:1
#
# One image for every process of the portal: web (gunicorn, the default command),
# the one-shot migrate, the Celery worker and the one beat (see docker-compose.yml).
#
#   docker build -t jipp .
#
# Nothing secret is baked in: SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and
# the rest come from the environment at run time (.env.example lists them all).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: the virtualenv, the compiled catalogue and the collected static files ----
FROM ${PYTHON_IMAGE} AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv
WORKDIR /app
COPY . .

# Production dependencies only (no dev extra), pinned by constraints.txt. The portal
# runs from its source tree in /app, where settings.BASE_DIR finds templates/, static/
# and locale/ (the wheel holds .py files only, not even jipp/data/), so the copy of the
# code pip puts in site-packages is removed again: one copy of the code, never two.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -c constraints.txt . \
    && pip uninstall --yes jipp \
    && rm -rf build ./*.egg-info

# The Indonesian catalogue, compiled without GNU gettext. polib is a dev-extra package:
# it goes to a scratch directory of this stage only and never reaches the image.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --target /tmp/build-tools -c constraints.txt polib \
    && PYTHONPATH=/tmp/build-tools python -m jipp.catalogue compile \
    && rm -rf /tmp/build-tools

# Settings refuse to load with DEBUG off unless SECRET_KEY and ALLOWED_HOSTS are set:
# throwaway values for this one command only, never in the image's environment.
RUN SECRET_KEY=collectstatic-at-build-time-only-not-a-real-secret-key \
    ALLOWED_HOSTS=build.invalid SITE_URL=https://build.invalid \
    python manage.py collectstatic --noinput

# --- runtime --------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=jipp.settings \
    MEDIA_ROOT=/app/var/media

RUN groupadd --system --gid 10001 jipp \
    && useradd --system --uid 10001 --gid jipp --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin jipp

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

# Code and static files stay root-owned (read-only to the portal); only the media
# folder, a volume in docker-compose.yml, is the portal's to write. A fresh named
# volume takes this ownership from the image.
RUN mkdir -p /app/var/media && chown jipp:jipp /app/var/media

WORKDIR /app
USER 10001:10001
EXPOSE 8000

# Gunicorn's heartbeat files go to /dev/shm, not the container's overlay filesystem; no
# control socket (its default place, $HOME/.gunicorn, is not writable here).
CMD ["gunicorn", "jipp.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--workers", "3", \
     "--worker-tmp-dir", "/dev/shm", \
     "--no-control-socket", \
     "--access-logfile", "-", \
     "--error-logfile", "-"]
