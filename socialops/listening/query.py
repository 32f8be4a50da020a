"""The boolean query language of listening queries: parse, explain errors, match texts.

Grammar (case-insensitive operators; adjacency means AND):

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := "NOT" unary | "-" unary | atom
    atom   := WORD | "exact phrase" | "(" or ")"

A word matches a whole word of the text, ignoring case and accents; a word ending in
``*`` matches any word starting with it. A phrase matches those words in that order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

MAX_LENGTH = 1000
OPERATORS = {"AND", "OR", "NOT"}
TOKEN_RE = re.compile(r'\s+|\(|\)|"[^"]*"?|-(?=\S)|[^\s()"]+')
WORD_RE = re.compile(r"[\w@#.*'-]+", re.UNICODE)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return _("%(message)s (at character %(position)d)") % {
            "message": self.message, "position": self.position + 1}


def normalise(text: str) -> str:
    """Return text lower-cased without accents (so "Rappel" matches "rappel")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text: str) -> list[str]:
    """Split a text into normalised words, dropping leading "@"/"#" and edge punctuation."""
    words = []
    for raw in re.split(r"[^\w@#.'-]+", normalise(text)):
        word = raw.strip(".'-").lstrip("@#")
        if word:
            words.append(word)
            # "@instagram.maisonarlette" also answers to "maisonarlette".
            words.extend(part for part in re.split(r"[.'-]", word) if part and part != word)
    return words


@dataclass(frozen=True)
class Term:
    """One word (prefix if it ends with *) or an exact phrase."""

    text: str
    phrase: bool = False

    @cached_property
    def words(self) -> tuple[str, ...]:
        if self.phrase:
            return tuple(words_of(self.text))
        # Same clean-up as the text's words, so "#arlette" and "@arlette" find "arlette".
        return (normalise(self.text).strip(".'-").lstrip("@#"),)

    def matches(self, text_words: list[str], word_set: frozenset[str]) -> bool:
        """Return whether the term occurs in a text given as its words."""
        if not self.phrase:
            word = self.words[0]
            if word.endswith("*"):
                stem = word[:-1]
                return any(w.startswith(stem) for w in word_set)
            return word in word_set
        n = len(self.words)
        if n == 0:
            return False
        return any(tuple(text_words[i:i + n]) == self.words
                   for i in range(len(text_words) - n + 1))

    def __str__(self) -> str:
        return f'"{self.text}"' if self.phrase else self.text


@dataclass(frozen=True)
class Not:
    operand: Node

    def __str__(self) -> str:
        return f"NOT {self.operand}"


@dataclass(frozen=True)
class And:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return "(" + " AND ".join(map(str, self.operands)) + ")"


@dataclass(frozen=True)
class Or:
    operands: tuple[Node, ...]

    def __str__(self) -> str:
        return "(" + " OR ".join(map(str, self.operands)) + ")"


Node = Term | Not | And | Or


@dataclass(frozen=True)
class _Token:
    kind: str  # "word", "phrase", "(", ")", "and", "or", "not"
    text: str
    position: int


def tokenize(source: str) -> list[_Token]:
    """Split a query into tokens, or raise QuerySyntaxError."""
    tokens: list[_Token] = []
    for match in TOKEN_RE.finditer(source):
        text, position = match.group(), match.start()
        if text.isspace():
            continue
        if text in "()":
            tokens.append(_Token(text, text, position))
        elif text.startswith('"'):
            if len(text) < 2 or not text.endswith('"'):
                raise QuerySyntaxError(_("This quote is never closed."), position)
            if not words_of(text[1:-1]):
                raise QuerySyntaxError(_("This phrase is empty."), position)
            tokens.append(_Token("phrase", text[1:-1], position))
        elif text == "-":
            tokens.append(_Token("not", text, position))
        elif text.upper() in OPERATORS and text.isupper():
            tokens.append(_Token(text.lower(), text, position))
        else:
            if not WORD_RE.fullmatch(text) or text.strip("*") == "":
                raise QuerySyntaxError(_("“%(word)s” is not a word that can be searched.")
                                       % {"word": text}, position)
            if "*" in text[:-1]:
                raise QuerySyntaxError(_("A * may only end a word."), position)
            tokens.append(_Token("word", text, position))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise QuerySyntaxError(_("The query is empty."), 0)
        node = self.parse_or()
        extra = self.peek()
        if extra is not None:  # only a stray ")" can be left over
            raise QuerySyntaxError(_("This parenthesis closes nothing."), extra.position)
        return node

    def parse_or(self) -> Node:
        operands = [self.parse_and()]
        while (token := self.peek()) is not None and token.kind == "or":
            self.take()
            operands.append(self.parse_and())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def parse_and(self) -> Node:
        operands = [self.parse_unary()]
        while (token := self.peek()) is not None and token.kind not in ("or", ")"):
            if token.kind == "and":
                self.take()
            operands.append(self.parse_unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def parse_unary(self) -> Node:
        token = self.peek()
        if token is not None and token.kind == "not":
            self.take()
            return Not(self.parse_unary())
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(_("The query ends where a word was expected."),
                                   len(self.source))
        if token.kind in ("and", "or"):
            raise QuerySyntaxError(_("%(operator)s needs a word or a phrase before and after it.")
                                   % {"operator": token.text}, token.position)
        if token.kind == ")":
            raise QuerySyntaxError(_("A word was expected before this parenthesis."),
                                   token.position)
        self.take()
        if token.kind == "word":
            return Term(token.text)
        if token.kind == "phrase":
            return Term(token.text, phrase=True)
        node = self.parse_or()
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise QuerySyntaxError(_("This parenthesis is never closed."), token.position)
        self.take()
        return node


def parse(source: str) -> Node:
    """Parse a query into a tree; raise QuerySyntaxError with a position on bad input."""
    if len(source) > MAX_LENGTH:
        raise QuerySyntaxError(_("A query has at most %(max)d characters.") % {"max": MAX_LENGTH},
                               MAX_LENGTH)
    node = _Parser(source).parse()
    if not positive_terms(node):
        raise QuerySyntaxError(_("The query must look for at least one word, not only exclude."),
                               0)
    return node


def _evaluate(node: Node, text_words: list[str], word_set: frozenset[str]) -> bool:
    if isinstance(node, Term):
        return node.matches(text_words, word_set)
    if isinstance(node, Not):
        return not _evaluate(node.operand, text_words, word_set)
    if isinstance(node, And):
        return all(_evaluate(child, text_words, word_set) for child in node.operands)
    return any(_evaluate(child, text_words, word_set) for child in node.operands)


def matches(node: Node, text: str) -> bool:
    """Return whether a text satisfies the query."""
    text_words = words_of(text)
    return _evaluate(node, text_words, frozenset(text_words))


def positive_terms(node: Node, negated: bool = False) -> list[Term]:
    """Return the terms that must be looked for (not under a NOT), in query order.

    A network search is asked for each of them; the full query then filters the results.
    """
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return positive_terms(node.operand, not negated)
    found: list[Term] = []
    for child in node.operands:
        found.extend(t for t in positive_terms(child, negated) if t not in found)
    return found


def search_terms(node: Node) -> list[str]:
    """Return the strings to send to a network's keyword search (one search each).

    For an AND only one operand needs searching (the others filter): the first term of
    each OR branch is enough, so a query costs as few searches as its OR branches.
    """
    if isinstance(node, Term):
        return [node.text.rstrip("*")]
    if isinstance(node, Not):
        return []
    if isinstance(node, And):
        for child in node.operands:
            if terms := search_terms(child):
                return terms
        return []
    found: list[str] = []
    for child in node.operands:
        found.extend(t for t in search_terms(child) if t not in found)
    return found
