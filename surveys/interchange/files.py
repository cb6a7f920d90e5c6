"""Opening uploaded files without trusting them: size limits, zip bombs, XML attacks."""
import io
import zipfile

from defusedxml import DefusedXmlException
from defusedxml import ElementTree
from flask_babel import lazy_gettext as _l
from python_calamine import CalamineError, CalamineWorkbook

from .draft import ImportRefused

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # an .xlsx is a zip: refuse one that inflates beyond this


def check_size(content: bytes):
    if len(content) > MAX_FILE_BYTES:
        raise ImportRefused(_l("This file is too large (8 MB at most)."))
    if not content.strip():
        raise ImportRefused(_l("This file is empty."))


def workbook_sheets(content: bytes) -> dict[str, list[list]]:
    """Each sheet's rows (cell values), within the cells that hold something.

    Read with calamine (python-calamine, the Rust reader pandas also offers): it reads the
    cells that exist, where openpyxl walks the range a sheet declares. Spreadsheet tools
    often declare 1,048,576 x 1,024 cells for a form of 50 rows, or style 1,000 empty
    rows: openpyxl then took 13 s to minutes for a 16-200 KB form, calamine milliseconds.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportRefused(_l("This file is too large once unpacked."))
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=True)
                for name in workbook.sheet_names}
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, CalamineError, ValueError, OSError):  # a damaged or foreign file
        raise ImportRefused(_l("This file is not an Excel workbook (.xlsx) we can read.")) from None


def parse_xml(content: bytes):
    """The root element; entities and DTDs are refused (billion laughs, external entities)."""
    try:
        return ElementTree.fromstring(content, forbid_dtd=True)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ImportRefused(_l("This file is not a LimeSurvey survey (.lss) we can read.")) from None
