"""`flask users ...`: staff accounts from the command line."""
import secrets

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..database import begin_write
from ..extensions import db
from ..models import utcnow
from ..territories.models import territory_by_slug
from .auth import issue_api_token
from .models import ApiToken, Role, User, as_utc, user_by_email

users = AppGroup("users", help="Staff accounts.")


def create_user(email, name, role: Role, territory_slugs=(), password=None) -> tuple[User, str]:
    """Create a staff account; returns it with its password (generated when not given)."""
    if user_by_email(email) is not None:
        raise click.UsageError(f"an account already exists for {email}")
    territories = []
    for slug in territory_slugs:
        territory = territory_by_slug(slug)
        if territory is None:
            raise click.UsageError(f"unknown territory: {slug}")
        territories.append(territory)
    if role in (Role.facilitator, Role.moderator) and not territories:
        raise click.UsageError("a facilitator or moderator needs at least one --territory")
    password = password or secrets.token_urlsafe(12)
    user = User(email=email.strip().lower(), name=name, role=role, territories=territories)
    user.set_password(password)
    db.session.add(user)
    return user, password


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--territory", "territories", multiple=True, help="Territory slug; repeat for several.")
@click.option("--password", help="Leave out to generate one; it is printed once.")
def create_command(email, name, role, territories, password):
    """Create a staff account scoped to territories."""
    begin_write()
    user, password = create_user(email, name, Role(role), territories, password)
    db.session.commit()
    click.echo(f"created {user.email} ({user.role.value}) password: {password}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="export", show_default=True, help="What the token is for, shown by `users tokens`.")
@click.option("--days", type=click.IntRange(1, 3660), help="Days it works [default: API_TOKEN_DAYS, 90].")
def token_command(email, name, days):
    """Issue an API bearer token for a staff account (printed once, alone on stdout)."""
    begin_write()
    user = _existing_user(email)
    token = issue_api_token(user, name, days)
    db.session.commit()
    click.echo(token)


@users.command("tokens")
@click.argument("email")
def tokens_command(email):
    """List a staff account's API tokens: id, name, created, expires, last used, state."""
    user = _existing_user(email)
    now = utcnow()
    click.echo("id\tname\tcreated\texpires\tlast used\tstate")
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)):
        state = ("revoked " + _when(token.revoked_at) if token.revoked_at
                 else "works" if token.works_at(now) else "expired")
        click.echo("\t".join([str(token.id), token.name, _when(token.created_at), _when(token.expires_at),
                              _when(token.last_used_at), state]))


@users.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_token_command(token_id):
    """Revoke an API token by its id (from `users tokens`): the API refuses it at once."""
    begin_write()
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.UsageError(f"no API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.commit()
    click.echo(f"revoked token {token.id} ({token.name}) of {token.user.email}")


def _existing_user(email) -> User:
    user = user_by_email(email)
    if user is None:
        raise click.UsageError(f"no account for {email}")
    return user


def _when(moment) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


@users.command("list")
def list_command():
    """List staff accounts with their role and territories."""
    for user in db.session.scalars(db.select(User).order_by(User.email)):
        scope = ", ".join(t.slug for t in user.territories) or "-"
        click.echo(f"{user.email}\t{user.role.value}\t{scope}\t{'active' if user.active else 'disabled'}")
