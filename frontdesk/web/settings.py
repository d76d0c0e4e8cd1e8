"""Django settings for the Frontdesk web application.

Everything that differs between installations comes from the environment:
``FRONTDESK_WORKSPACE`` (the workspace folder; its ``frontdesk.db`` is the default database),
``DATABASE_URL`` (``postgres://…`` or ``sqlite:///…``, overrides the workspace database),
``FRONTDESK_SECRET_KEY`` (else generated once into ``<workspace>/secret_key``),
``FRONTDESK_DEBUG=1``, ``FRONTDESK_ALLOWED_HOSTS`` (comma-separated) and ``FRONTDESK_HTTPS=1``
(cookies only over HTTPS, for installations served over TLS).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from frontdesk.web.database_url import parse_database_url
from frontdesk.web.secret_key import load_secret_key

WEB_DIR = Path(__file__).resolve().parent

WORKSPACE: Path | None = (
    Path(os.environ["FRONTDESK_WORKSPACE"]) if os.environ.get("FRONTDESK_WORKSPACE") else None
)
if WORKSPACE is not None and not WORKSPACE.is_dir():
    raise ImproperlyConfigured(
        f"FRONTDESK_WORKSPACE {WORKSPACE} is not a folder; create it with 'frontdesk init --workspace {WORKSPACE}'"
    )

SECRET_KEY = load_secret_key(WORKSPACE)
DEBUG = os.environ.get("FRONTDESK_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("FRONTDESK_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "frontdesk.web.accounts",
    "frontdesk.web.appraisal",
    "frontdesk.web.insights",  # analysis pages (home, quality, evaluation, transcripts): no models
    "frontdesk.web.appeals",
    "frontdesk.web.api",
    "frontdesk.web.feedback",
    "frontdesk.web.imports",
    "django_htmx",  # ships htmx.min.js as a static file: the scorecard's drill-down, same origin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "frontdesk.web.urls"
# What the use-case layer calls on this database (frontdesk.usecases.database.open_database).
FRONTDESK_BRIDGE = "frontdesk.web.bridge"
WSGI_APPLICATION = "frontdesk.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdesk.web.appraisal.context_processors.navigation",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": parse_database_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": (WORKSPACE or Path.cwd()) / "frontdesk.db",
            # The CLI may write while the server reads: WAL lets readers go on, and writers queue, not fail.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, so a reader can always find their own.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files are served by the application itself (whitenoise), straight from the apps' static
# folders: no CDN and no collectstatic step, because many installations run on closed intranets.
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Server errors go to stderr (Django's default only prints them in DEBUG and otherwise mails admins).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "ERROR"}},
}

HTTPS = os.environ.get("FRONTDESK_HTTPS", "") == "1"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
