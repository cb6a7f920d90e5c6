"""CSV and XLSX downloads, the same way for every table of the platform.

Rows hold typed values (str, int, float, date, datetime). A CSV is text, opened by
spreadsheets that run any cell starting with = + - @ as a formula: CSV cells get a
protective `'` unless the caller asks for the raw text. An XLSX cell carries its type,
so text is written as text (never as a formula) and needs no prefix.
"""
import csv
import io
from datetime import date, datetime, timezone

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def spreadsheet_safe(value):
    # Spreadsheet formula injection: a cell starting with = + - @ would run as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(value):
    """A typed value as CSV text: ISO dates and date-times, booleans as 1/0, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def csv_bytes(rows, safe: bool = True) -> bytes:
    """CSV with a BOM (Excel then opens accents correctly); `safe`: prefix would-be formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        cells = [csv_text(value) for value in row]
        writer.writerow([spreadsheet_safe(value) for value in cells] if safe else cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A typed cell: numbers as numbers, dates as dates, text as text (never a formula)."""
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # XLSX has no time zones: UTC, as in the CSV exports
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, (int, float)) or value is None:
        return WriteOnlyCell(sheet, value)
    cell = WriteOnlyCell(sheet, str(value))
    cell.data_type = "s"  # openpyxl would otherwise write a text starting with "=" as a formula
    return cell


def xlsx_bytes(sheets: dict) -> bytes:
    """A workbook with one sheet per {title: rows}."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_response(rows, filename: str) -> Response:
    return attachment(csv_bytes(rows), "text/csv", filename)
