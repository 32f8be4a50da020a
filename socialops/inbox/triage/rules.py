"""Keyword and pattern rules of the default triage, kept as data.

Patterns are regular expressions written naturally (accents, any case); they are
compiled against text folded the same way (lower case, accents removed, typographic
apostrophes made plain), so "Plainte", "plainte" and "PLAINTE" all match. Each pattern
is wrapped in word boundaries. English and French rules both apply to every message:
people mix languages, and a false "unknown" language must not hide an urgent case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

URGENT_PATTERNS: dict[str, dict[str, tuple[str, ...]]] = {
    "legal": {
        "en": (
            r"(my|our) (lawyer|attorney|solicitor)s?", r"legal action", r"lawsuit",
            r"(i'?ll|i will|going to|gonna) sue", r"sue you", r"breach of contract",
            r"trading standards", r"formal (complaint|notice)", r"gdpr", r"small claims",
            r"take you to court", r"cease and desist", r"without (my )?permission",
        ),
        "fr": (
            r"mon avocat", r"notre avocat", r"(porte|porter|deposer?|depose|portons) plainte",
            r"plainte (contre|aupres)", r"mise en demeure", r"rupture de contrat", r"dgccrf",
            r"rgpd", r"tribunal", r"poursuites? (judiciaires?|en justice)",
            r"action en justice", r"sans (mon )?autorisation", r"60 millions de consommateurs",
        ),
    },
    "safety": {
        "en": (
            r"caught fire", r"on fire", r"exploded", r"overheat(ed|ing|s)?",
            r"burn(ed|t|s)? (my|his|her|their|our)", r"allergic reaction", r"food poisoning",
            r"(seriously |badly )?(hurt|injured|injury)", r"glass shards?", r"choking",
            r"electric shock", r"hospital", r"dangerous", r"unsafe",
        ),
        "fr": (
            r"pris feu", r"en feu", r"a explose", r"surchauffe", r"brule",
            r"reaction allergique", r"intoxication( alimentaire)?", r"blesse(e|s|es)?",
            r"eclats? de verre", r"s'?etouffe", r"electrocute", r"decharge electrique",
            r"hopital", r"urgences", r"dangereu(x|se)",
        ),
    },
    "press": {
        "en": (
            r"journalist", r"reporter", r"press office", r"request for comment",
            r"comment by \d", r"(writing|working on) (a|an) (story|article|piece)",
            r"(an )?interview with", r"radio show", r"tv show", r"newsroom", r"editor at",
        ),
        "fr": (
            r"journaliste", r"service (de )?presse", r"demande de reaction",
            r"(j'?ecris|je redige|je prepare) un (article|reportage|sujet)",
            r"interviewer", r"emission de (radio|tele|television)", r"redaction de",
            r"un commentaire de .{1,40} avant",
        ),
    },
    "hijack": {
        "en": (
            r"hacked", r"(account|password) (was |has been )?(compromised|stolen)",
            r"password (changed|reset)", r"wasn'?t me", r"fake .{0,30}account", r"phishing",
            r"card details", r"someone (logged|got) into my account", r"impersonat\w*",
        ),
        "fr": (
            r"pirate", r"compte (a ete )?(vole|compromis)", r"changement de mot de passe",
            r"mot de passe (a ete )?(change|modifie)", r"ce n'?etait pas moi",
            r"faux compte", r"hameconnage", r"numeros? de carte", r"usurpation",
        ),
    },
    "self_harm": {
        "en": (
            r"kill myself", r"suicid\w*", r"end (it all|my life)", r"self[- ]harm",
            r"want to die", r"hurt myself",
        ),
        "fr": (
            r"me suicider", r"suicid\w*", r"mettre fin a mes jours", r"en finir avec la vie",
            r"me tuer", r"envie de mourir", r"me faire du mal",
        ),
    },
}

# Strong signs of spam count 2, weaker ones 1; a message scoring SPAM_THRESHOLD is spam.
SPAM_PATTERNS_STRONG: tuple[str, ...] = (
    r"\d+\s?k? (followers|abonnes)", r"(cheap|pas chers?) (followers|abonnes|likes)",
    r"(followers|abonnes) (and|et) likes", r"crypto", r"returns? guaranteed",
    r"rendement garanti", r"free gift cards?", r"cartes? cadeaux? gratuites?",
    r"you'?ve won", r"vous avez gagne", r"claim it here", r"recuperez-le ici",
    r"replica", r"no credit check", r"sans justificatif", r"earn .{0,10}\d+ (a|per) day",
    r"gagnez .{0,10}\d+ .{0,3}par jour", r"lose \d+ ?kg", r"perdez \d+ ?kg",
    r"investment opportunity", r"opportunite d'?investissement", r"exclusive content",
    r"contenu exclusif", r"check my profile", r"va voir mon profil",
)
SPAM_PATTERNS_WEAK: tuple[str, ...] = (
    r"click", r"cliquez", r"free", r"gratuit(e|s|ement)?", r"win", r"gagnez",
    r"limited offer", r"offre limitee", r"today only", r"aujourd'?hui seulement",
    r"dm me", r"ecris-moi", r"message me", r"contactez-moi", r"collab", r"promo",
    r"full video", r"video complete", r"\d+ ?% off", r"a -\d+ ?%", r"loan", r"pret",
)
SPAM_THRESHOLD = 3
LINK_RE = re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(ly|com|net|io|co|example)/\S*", re.I)
SHORTENERS = ("bit.ly", "tinyurl.com", "t.co/", "goo.gl", "ow.ly")

# A small French lexicon that textblob-fr lacks (folded, as for the patterns).
FRENCH_NEGATIVE = (
    r"inadmissible", r"honteu(x|se)", r"scandal(e|eux)", r"arnaque", r"nul(le)?",
    r"decu(e|s)?", r"deception", r"pas terrible", r"toujours (pas|rien)", r"rien recu",
    r"inacceptable", r"la honte", r"pire", r"penible", r"boycott", r"effrayant",
    r"choque(e)?", r"fichu", r"abime", r"raccroche au nez", r"jamais plus", r"plus jamais",
    r"adieu", r"rembourse", r"remboursement", r"en panne", r"ne (marche|fonctionne) plus",
    r"a casse", r"refuse", r"preleve", r"hors de prix", r"ridicule", r"blague", r"cirque",
    r"inutile", r"dangereu(x|se)", r"brule", r"plainte", r"pirate", r"horrible",
)
FRENCH_POSITIVE = (
    r"bravo", r"merci", r"genial(e)?", r"super", r"top", r"j'?adore", r"chapeau",
    r"au top", r"parfait(e)?", r"excellent(e)?", r"ravi(e)?", r"fan(s)? de", r"recommande",
    r"rien a redire", r"jolie surprise", r"apprecie", r"meilleur(e)?",
)
EMOJI_SCORES: dict[str, float] = {
    "😍": 0.6, "👏": 0.5, "❤": 0.6, "🥰": 0.6, "😊": 0.4, "👍": 0.4, "🙏": 0.3, "🎉": 0.5,
    "😡": -0.6, "🤬": -0.7, "😠": -0.5, "👎": -0.5, "🤡": -0.4, "😢": -0.4, "😭": -0.4,
    "💩": -0.5, "🙄": -0.3,
}


APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})


def fold(text: str) -> str:
    """Return text lower-cased, without accents and with plain apostrophes."""
    text = text.translate(APOSTROPHES).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _alternation(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{fold(p)})" for p in patterns)
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


@cache
def urgent_matchers() -> dict[str, re.Pattern[str]]:
    """Return one compiled matcher per urgent category (both languages)."""
    return {
        category: _alternation([p for patterns in by_lang.values() for p in patterns])
        for category, by_lang in URGENT_PATTERNS.items()
    }


@cache
def spam_matchers() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the strong and the weak spam matchers."""
    return _alternation(SPAM_PATTERNS_STRONG), _alternation(SPAM_PATTERNS_WEAK)


@cache
def french_lexicon() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Return the negative and positive French cue matchers."""
    return _alternation(FRENCH_NEGATIVE), _alternation(FRENCH_POSITIVE)
