"""`flask users ...`: staff accounts from the command line."""
import secrets

import click
from flask.cli import AppGroup

from ..database import begin_write
from ..extensions import db
from ..territories.models import territory_by_slug
from .auth import issue_api_token
from .models import Role, User, user_by_email

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
@click.option("--name", default="export", show_default=True)
def token_command(email, name):
    """Issue an API bearer token for a staff account (printed once)."""
    begin_write()
    user = user_by_email(email)
    if user is None:
        raise click.UsageError(f"no account for {email}")
    token = issue_api_token(user, name)
    db.session.commit()
    click.echo(token)


@users.command("list")
def list_command():
    """List staff accounts with their role and territories."""
    for user in db.session.scalars(db.select(User).order_by(User.email)):
        scope = ", ".join(t.slug for t in user.territories) or "-"
        click.echo(f"{user.email}\t{user.role.value}\t{scope}\t{'active' if user.active else 'disabled'}")
