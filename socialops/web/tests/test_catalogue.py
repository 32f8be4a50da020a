"""The French catalogue is complete."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

PO_FILE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def _strings(block: str, keyword: str) -> list[str]:
    """Return the values of every `keyword` line group (msgstr, msgstr[0], ...) of an entry."""
    pattern = rf'^{keyword}(?:\[\d+\])? ((?:".*"\n?)+)'
    return [
        "".join(re.findall(r'"(.*)"', match.group(1)))
        for match in re.finditer(pattern, block + "\n", re.M)
    ]


def _entries(text: str) -> list[str]:
    """Return the live entries of a .po file: no header, no obsolete (#~) entries."""
    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if re.search(r"^msgid ", b, re.M)]
    return [b for b in blocks if _strings(b, "msgid") != [""]]


def test_every_french_entry_is_translated_and_not_fuzzy() -> None:
    text = PO_FILE.read_text(encoding="utf-8")
    entries = _entries(text)
    assert len(entries) > 50
    untranslated = [
        b for b in entries if not _strings(b, "msgstr") or not all(_strings(b, "msgstr"))
    ]
    fuzzy = [b for b in entries if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    assert not untranslated, "untranslated:\n\n" + "\n\n".join(untranslated[:10])
    assert not fuzzy, "fuzzy:\n\n" + "\n\n".join(fuzzy[:10])


def test_the_compiled_catalogue_is_up_to_date() -> None:
    assert MO_FILE.exists()
    assert MO_FILE.stat().st_mtime >= PO_FILE.stat().st_mtime - 1


def _msgids(po_text: str) -> set[str]:
    """Return every (context, msgid) of a .po text, as 'context\\x04msgid' like gettext."""
    found = set()
    for block in _entries(po_text):
        ids = _strings(block, "msgid")
        contexts = _strings(block, "msgctxt")
        if ids and ids[0]:
            found.add((contexts[0] + "\x04" if contexts else "") + ids[0])
    return found


def _extracted_msgids(tmp_path: Path) -> set[str]:
    """Extract the translatable strings of the sources the way makemessages does."""
    package = Path(settings.BASE_DIR)
    sources = []
    for path in sorted(package.rglob("*")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.suffix == ".py":
            sources.append(path)
        elif path.suffix == ".html" and "templates" in path.parts:
            # Templates are turned into Python-like code first, as makemessages does.
            target = tmp_path / (str(path.relative_to(package)).replace("/", "_") + ".py")
            target.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)),
                              encoding="utf-8")
            sources.append(target)
    xgettext = shutil.which("xgettext")
    assert xgettext, "xgettext is missing: install Debian's gettext (./run test does)"
    result = subprocess.run(
        [xgettext, "--language=Python", "--from-code=UTF-8", "--output=-",
         *(f"--keyword={k}" for k in XGETTEXT_KEYWORDS), *map(str, sources)],
        capture_output=True, text=True, check=True,
    )
    return _msgids(result.stdout)


XGETTEXT_KEYWORDS = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2",
                     "npgettext:1c,2,3", "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3"]


def test_every_source_string_is_in_the_french_catalogue(tmp_path: Path) -> None:
    catalogue = _msgids(PO_FILE.read_text(encoding="utf-8"))
    missing = sorted(_extracted_msgids(tmp_path) - catalogue)
    assert not missing, (
        "strings missing from the French catalogue (run makemessages, then translate):\n"
        + "\n".join(missing[:20])
    )
