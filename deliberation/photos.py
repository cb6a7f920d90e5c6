"""Idea photos: checked, shrunk and re-encoded before anything is stored.

A phone photo carries EXIF metadata, its GPS position included: often the resident's
home. So nothing of the uploaded file is kept but its pixels: the image is decoded,
turned upright, shrunk, pasted into a brand-new image and encoded again as JPEG (Pillow
would otherwise carry the JPEG comment and other `info` over on re-saving).

Files live in the instance folder under random names and are served by a route that
applies the idea's visibility (`deliberation.views.photo`), never from /static.
"""
import os
import re
import secrets
import tempfile
import time
import warnings
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event

from voix.extensions import db

from .operations import DeliberationError

ACCEPTED_FORMATS = ["JPEG", "PNG", "WEBP"]
MAX_SIDE = 1600  # px: plenty for a tablet screen, a few hundred KB on disk
# Checked before decoding: a small file can declare a huge canvas (decompression bomb).
MAX_PIXELS = 50_000_000
NAME = re.compile(r"[0-9a-f]{32}\.jpg")
PENDING_MAX_AGE = 24 * 3600  # seconds a photo waits for its idea to be published


def max_bytes() -> int:
    return current_app.config["IDEA_PHOTO_MAX_BYTES"]


def folder(pending=False) -> Path:
    base = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    path = Path(base) / "ideas"
    return path / "pending" if pending else path


def _not_a_photo():
    return DeliberationError(_l("This file is not a photo. Choose a JPEG, PNG or WebP image."))


def max_megabytes() -> str:
    """The limit as people read it: "8", or "0,5" in French."""
    return format_decimal(round(max_bytes() / 2**20, 1))


def _too_large():
    return DeliberationError(_l("The photo is too large: %(mb)s MB at most.", mb=max_megabytes()))


def prepare(upload) -> bytes | None:
    """The cleaned JPEG bytes of an uploaded photo; None when no file was chosen.

    Raises DeliberationError (a message for the resident) for anything else than a
    JPEG, PNG or WebP image of reasonable size.
    """
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_large()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_large() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError):
            raise _not_a_photo() from None
        if image.width * image.height > MAX_PIXELS:
            raise _too_large()
        try:
            image.load()  # decodes everything: a truncated or forged file fails here
            return _clean_jpeg(image)
        except (OSError, SyntaxError, ValueError, TypeError):
            raise _not_a_photo() from None


def _clean_jpeg(image: Image.Image) -> bytes:
    image = ImageOps.exif_transpose(image)  # upright as the phone showed it, before EXIF goes
    image.thumbnail((MAX_SIDE, MAX_SIDE))  # keeps the proportions, never enlarges
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        pixels = Image.new("RGB", rgba.size, "white")  # JPEG has no transparency
        pixels.paste(rgba, mask=rgba.getchannel("A"))
    else:
        pixels = image.convert("RGB")
    clean = Image.new("RGB", pixels.size)  # a new image: no metadata of the upload comes along
    clean.paste(pixels)
    out = BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def store(data: bytes, pending=False) -> str:
    """Write a prepared photo under a new random name and return the name."""
    target = folder(pending)
    target.mkdir(parents=True, exist_ok=True)
    if pending:
        _forget_old_pending(target)
    name = f"{secrets.token_hex(16)}.jpg"
    # Written aside then renamed, so a half-written file is never served.
    handle, temporary = tempfile.mkstemp(dir=target, suffix=".part")
    with os.fdopen(handle, "wb") as f:
        f.write(data)
    os.replace(temporary, target / name)
    return name


def publish_pending(name: str) -> str | None:
    """Move a photo kept while the resident looked at similar ideas; None if it is gone."""
    if not NAME.fullmatch(name or ""):
        return None
    source = folder(pending=True) / name
    if not source.exists():
        return None
    folder().mkdir(parents=True, exist_ok=True)
    os.replace(source, folder() / name)
    return name


def remove(name: str | None, pending=False):
    if name and NAME.fullmatch(name):
        (folder(pending) / name).unlink(missing_ok=True)


def remove_after_commit(names):
    """Delete these published photos' files once the current transaction commits (an erasure
    that deletes their ideas); a rollback keeps them, as it keeps the ideas."""
    _listen_once()
    db.session.info.setdefault(_TO_REMOVE, set()).update(n for n in names if n)


_TO_REMOVE = "deliberation.photos.to_remove"


@lru_cache(maxsize=1)
def _listen_once():
    @event.listens_for(db.session, "after_commit")
    def _remove_files(session):
        for name in session.info.pop(_TO_REMOVE, ()):
            try:
                remove(name)
            except OSError:  # the erasure is committed; a file left is logged, not a 500
                current_app.logger.warning("could not delete the photo %s", name)

    @event.listens_for(db.session, "after_soft_rollback")
    def _keep_files(session, previous_transaction):
        session.info.pop(_TO_REMOVE, None)


def path_of(name: str) -> Path | None:
    """The stored file of a published photo, or None for an unknown or malformed name."""
    if not NAME.fullmatch(name or ""):
        return None
    path = folder() / name
    return path if path.is_file() else None


def _forget_old_pending(target: Path):
    # Photos of ideas never published (the resident left on the "similar ideas" step).
    limit = time.time() - PENDING_MAX_AGE
    for old in target.iterdir():
        try:
            if old.stat().st_mtime < limit:
                old.unlink()
        except FileNotFoundError:  # another worker removed it first
            pass
