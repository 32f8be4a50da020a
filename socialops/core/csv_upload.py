"""Read a CSV file people upload: the encodings and delimiters spreadsheets really save."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def decode(raw: bytes, max_bytes: int) -> str:
    """Return the file's text: UTF-8 (with or without a BOM), else Windows-1252 as Excel saves."""
    if len(raw) > max_bytes:
        raise ValidationError(_("The file is larger than %(size)d kB.")
                              % {"size": max_bytes // 1000})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def records(text: str) -> list[list[str]]:
    """Return the non-blank rows of a CSV text, whatever its delimiter (`,` `;` or tab)."""
    sample = text[:4096]
    # A French Excel saves with semicolons; the sniffer picks the delimiter that fits.
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
