"""Opening uploaded files without trusting them: size limits, zip bombs, XML attacks."""
import io
import zipfile

from defusedxml import DefusedXmlException
from defusedxml import ElementTree
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from .draft import ImportRefused

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # an .xlsx is a zip: refuse one that inflates beyond this


def check_size(content: bytes):
    if len(content) > MAX_FILE_BYTES:
        raise ImportRefused(_l("This file is too large (8 MB at most)."))
    if not content.strip():
        raise ImportRefused(_l("This file is empty."))


def open_workbook(content: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportRefused(_l("This file is too large once unpacked."))
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise ImportRefused(_l("This file is not an Excel workbook (.xlsx) we can read.")) from None


def parse_xml(content: bytes):
    """The root element; entities and DTDs are refused (billion laughs, external entities)."""
    try:
        return ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ImportRefused(_l("This file is not a LimeSurvey survey (.lss) we can read.")) from None
