"""Turn a Mastodon status's HTML `content` into the plain text people typed.

Mastodon returns statuses as sanitized HTML (paragraphs, line breaks, links whose
scheme hides in an invisible span, mention cards). The inbox stores plain text and
escapes it when rendering, so nothing from a hostile author is ever trusted as markup.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_MENTION = re.compile(r"@[\w.-]+(?:@[\w.-]+)?")
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._paragraphs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            if self._paragraphs:
                self.parts.append("\n\n")
            self._paragraphs += 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(content: str) -> str:
    """Return the text of a status's HTML content (tags dropped, entities decoded)."""
    collector = _TextCollector()
    collector.feed(content or "")
    collector.close()
    return "".join(collector.parts).strip()


def comparable(text: str) -> str:
    """Reduce a text to what survives Mastodon's rendering, to recognise our own post.

    Mentions are dropped (a remote `@user@host` renders as `@user`) and whitespace
    collapsed (paragraphs become line breaks).
    """
    return _SPACES.sub(" ", _MENTION.sub("", text)).strip()
