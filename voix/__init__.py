"""Voix des quartiers: the application factory, which reads as the map of the platform.

- voix/: configuration, database rules, accounts and roles, territories, kiosk devices
- surveys/: recurring questionnaires, waves, responses, exports
- deliberation/: consultations, ideas, supports, statements, pairwise votes, debates
- insights/: discourse analysis of residents' texts (plain Python; `flask insights`)
- the JSON API lives under /api/v1 (voix/api.py), each feature adding its routes
"""
import os
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from . import config as default_config
from .extensions import babel, csrf, db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            # Out of range is unknown whatever the method: a ValidationError would make Werkzeug
            # answer 405 when a rule for another method has the same path (GET and POST .../ideas).
            raise NotFound() from None


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(default_config)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("VOIX")
    else:
        app.config.from_mapping(test_config)
    _configure_database(app)
    _configure_secret_key(app)
    # Ids beyond a 32-bit integer are simply unknown (404), never a database error.
    app.url_map.converters["int"] = BoundedInt
    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import database, i18n, invitations, placeholders, request_input, security, text_direction
    from .accounts.auth import load_current_user

    request_input.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    database.init_app(app)
    security.init_app(app)
    app.before_request(load_current_user)
    app.context_processor(i18n.template_context)
    app.add_template_global(invitations.invitation_qr)
    text_direction.init_app(app)
    placeholders.init_app(app)  # [nom] shown as [name] / [اسم]

    _register_blueprints(app)
    _register_commands(app)
    from . import limits
    limits.init_app(app)  # last: see voix/limits.py
    return app


def _register_blueprints(app):
    from deliberation import api as deliberation_api
    from deliberation.manage import bp as deliberation_manage
    from deliberation.resident_views import bp as residents
    from deliberation.views import bp as deliberation
    from insights import api as insights_api
    from insights.dashboard import bp as indicators
    from insights.results import bp as results
    from insights.review import bp as insights_review
    from insights.views import bp as insights
    from surveys import api as surveys_api
    from surveys.manage import bp as surveys_manage
    from surveys.views import bp as surveys

    from deliberation import rights as deliberation_rights
    from surveys import rights as survey_rights

    from . import api, errors, rights, views
    from .accounts.views import bp as accounts
    from .audit.views import bp as audit
    from .institutions.views import bp as institutions
    from .kiosk.views import bp as kiosk
    from .territories.views import bp as territories

    for blueprint in (views.bp, accounts, territories, institutions, kiosk, surveys, surveys_manage, deliberation, deliberation_manage,
                      residents, insights, insights_review, indicators, results, audit, rights.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api.create_blueprint(surveys_api.bp, deliberation_api.bp, insights_api.bp))
    errors.init_app(app)
    # Erasure by code: each feature erases what its codes link to (voix/rights.py).
    rights.init_app(app, erasers=[survey_rights.erase_by_code, deliberation_rights.erase_by_code])


def _register_commands(app):
    from deliberation.cli import deliberation
    from insights.cli import insights
    from surveys.cli import surveys

    from .accounts.cli import users
    from .backup import backup
    from .demo import demo
    from .privacy.cli import privacy
    from .translate import translate

    # What voix/privacy.cli cannot hold without importing the features: the retention
    # purge reads both surveys and deliberation (insights/), erasure runs every feature's eraser.
    from insights.retention import purge_command

    from .rights import erase_command

    privacy.add_command(purge_command)
    privacy.add_command(erase_command)
    for group in (users, demo, translate, surveys, insights, deliberation, backup, privacy):
        app.cli.add_command(group)


def _configure_database(app):
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        _choose_database_url(app)


def _choose_database_url(app):
    url = os.environ.get("DATABASE_URL") if app.config.get("TESTING") is not True else None
    if url:
        # Heroku-style URLs name the old driver; we use psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix):]
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    else:
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "voix.sqlite")


def _configure_secret_key(app):
    servers = int(app.config.get("SERVERS") or 1)
    if servers > 1 and not app.config.get("UPLOAD_FOLDER"):
        raise RuntimeError(
            f"VOIX_SERVERS={servers}: set VOIX_UPLOAD_FOLDER to a folder every app server shares "
            "(idea photos are files: one server must find what another stored). See docs/deploy.md.")
    if app.config.get("SECRET_KEY"):
        return
    if servers > 1 or not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A key file made on one machine differs from the next one's: sessions, sign-ins and
        # kiosk registrations would work on one server and be refused by the other.
        raise RuntimeError(
            "No secret key configured. With several app servers (VOIX_SERVERS) or a shared database "
            "(PostgreSQL), every server must sign sessions and kiosk cookies with the same key, so the key "
            "file made on one machine (instance/secret_key) is not used: set VOIX_SECRET_KEY, the same on "
            "every server (python -c 'import secrets; print(secrets.token_hex(32))'). See docs/deploy.md.")
    # First run on a fresh machine: make a random key and keep it in the instance folder.
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()
