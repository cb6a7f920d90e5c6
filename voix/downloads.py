"""CSV downloads, the same way for every table of the platform."""
import csv
import io

from flask import Response


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens accents correctly


def csv_response(rows, filename: str) -> Response:
    return Response(csv_bytes(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
