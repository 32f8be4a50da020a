"""Check a variant against its network's declared limits, in words that say what to change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from socialops.connectors import registry
from socialops.connectors.capabilities import Capabilities, PlacementSpec
from socialops.connectors.validation import (
    Problem,
    hashtags,
    mentions,
    text_length,
    validate_media,
    validate_text,
)
from socialops.governance.models import Channel
from socialops.publishing.models import PUBLISHABLE_PLACEMENTS

PLACEMENT_LABELS: dict[str, Promise] = {
    "feed": gettext_lazy("feed post"),
    "story": gettext_lazy("story"),
    "reel": gettext_lazy("reel"),
    "short": gettext_lazy("short"),
    "thread": gettext_lazy("thread"),
}


def placement_label(placement: str) -> str:
    """Return the readable, translated name of a placement."""
    label = PLACEMENT_LABELS.get(placement)
    return str(label) if label is not None else placement


def publishable_placements(network: str) -> list[str]:
    """Return the placements a post can use on a network, in a stable order."""
    caps = registry.capabilities_for(network)
    return [name for name in PUBLISHABLE_PLACEMENTS if name in caps.placements]


def placement_spec(channel: Channel, placement: str) -> PlacementSpec:
    """Return the spec of a placement of a channel's network (KeyError when unknown)."""
    return registry.capabilities_for(channel.network).placement(placement)


@dataclass(frozen=True)
class Check:
    """What a network makes of a variant: its length counted the network's way, problems."""

    length: int
    limit: int
    counting: str
    hashtags: int
    mentions: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def remaining(self) -> int:
        return self.limit - self.length


def _explain(problem: Problem, caps: Capabilities, spec: PlacementSpec) -> str:
    """Translate one problem into a sentence that says what to change."""
    where = _("%(network)s %(placement)s") % {
        "network": caps.display_name, "placement": placement_label(spec.name),
    }
    params: dict[str, Any] = {**problem.params, "where": where}
    code = problem.code
    if code == "text_too_long" and spec.max_text_length == 0:
        return _("%(where)s: this placement carries no text. Remove the text.") % params
    if code == "text_too_long":
        params["over"] = params["length"] - params["limit"]
        return ngettext(
            "%(where)s: the text is %(length)d characters, the limit is %(limit)d. "
            "Remove %(over)d character.",
            "%(where)s: the text is %(length)d characters, the limit is %(limit)d. "
            "Remove %(over)d characters.",
            params["over"],
        ) % params
    if code == "too_many_hashtags":
        return _("%(where)s: the text has %(count)d hashtags, the limit is %(limit)d. "
                 "Remove some hashtags.") % params
    if code == "too_many_mentions":
        return _("%(where)s: the text mentions %(count)d accounts, the limit is %(limit)d. "
                 "Mention fewer accounts.") % params
    if code == "media_required":
        return ngettext(
            "%(where)s: add at least %(limit)d image or video.",
            "%(where)s: add at least %(limit)d images or videos.",
            params["limit"],
        ) % params
    if code == "too_many_media":
        return _("%(where)s: %(count)d media files are attached, the limit is %(limit)d. "
                 "Remove some.") % params
    if code == "media_format":
        return _("%(where)s: %(mime)s files are not accepted. Use another format.") % params
    if code == "media_too_large":
        return _("%(where)s: a media file is %(size)d bytes, the limit is %(limit)d. "
                 "Use a smaller file.") % params
    if code == "media_not_allowed":
        return _("%(where)s: this placement takes no media. Remove the attachments.") % params
    # A problem this module does not know yet: its English template, translated if possible.
    return _(problem.message) % problem.params


def check_variant(
    network: str,
    placement: str,
    text: str,
    *,
    first_comment: str = "",
    media: Sequence[tuple[str, int]] = (),
) -> Check:
    """Return the length, counters and problems of a variant for a network's placement."""
    caps = registry.capabilities_for(network)
    spec = caps.placement(placement)
    problems = [_explain(p, caps, spec) for p in validate_text(spec, text)]
    problems += [_explain(p, caps, spec) for p in validate_media(spec, list(media))]
    if not text.strip() and not media and spec.max_text_length > 0:
        problems.append(_("Write some text or add an image."))
    if first_comment.strip():
        comment_spec = caps.placements.get("comment")
        if not spec.first_comment or comment_spec is None:
            problems.append(_("%(where)s: this placement has no first comment. Remove it.") % {
                "where": _("%(network)s %(placement)s") % {
                    "network": caps.display_name, "placement": placement_label(spec.name)},
            })
        else:
            for problem in validate_text(comment_spec, first_comment):
                problems.append(_("First comment: %(problem)s") % {
                    "problem": _explain(problem, caps, comment_spec)})
    return Check(
        length=text_length(spec, text),
        limit=spec.max_text_length,
        counting=spec.text_counting,
        hashtags=len(hashtags(text)),
        mentions=len(mentions(text)),
        problems=problems,
    )
