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
from werkzeug.routing import IntegerConverter

from . import config as default_config
from .extensions import babel, csrf, db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


class BoundedInt(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


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

    from . import database, i18n, invitations, security
    from .accounts.auth import load_current_user

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    database.init_app(app)
    security.init_app(app)
    app.before_request(load_current_user)
    app.context_processor(i18n.template_context)
    app.add_template_global(invitations.invitation_qr)

    _register_blueprints(app)
    _register_commands(app)
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

    from . import api, errors, views
    from .accounts.views import bp as accounts
    from .institutions.views import bp as institutions
    from .kiosk.views import bp as kiosk
    from .territories.views import bp as territories

    for blueprint in (views.bp, accounts, territories, institutions, kiosk, surveys, surveys_manage, deliberation, deliberation_manage,
                      residents, insights, insights_review, indicators, results):
        app.register_blueprint(blueprint)
    app.register_blueprint(api.create_blueprint(surveys_api.bp, deliberation_api.bp, insights_api.bp))
    errors.init_app(app)


def _register_commands(app):
    from deliberation.cli import deliberation
    from insights.cli import insights
    from surveys.cli import surveys

    from .accounts.cli import users
    from .demo import demo
    from .privacy.cli import privacy
    from .translate import translate

    for group in (users, demo, translate, surveys, insights, deliberation, privacy):
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
    if app.config.get("SECRET_KEY"):
        return
    # First run on a fresh machine: make a random key and keep it in the instance folder.
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()
