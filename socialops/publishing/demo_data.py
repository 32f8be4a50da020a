"""Fill the demo organization's calendar: two weeks of a French retailer's publications.

Everything goes through the real services (drafts, review, approval, scheduling) and the
posts shown as published were really published on the sandbox by the dispatcher, so
their remote ids and links work.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.publishing import dispatcher, media, services
from socialops.publishing.approval_policies import StepInput, save_policy
from socialops.publishing.campaigns import CampaignInput, attach_post, save_campaign
from socialops.publishing.models import Post, Variant, VariantStatus

ACTOR = Actor.system("demo")


@dataclass(frozen=True)
class Card:
    """A simple product card drawn with Pillow."""

    title: str
    subtitle: str
    background: tuple[int, int, int]
    accent: tuple[int, int, int]
    size: tuple[int, int] = (1600, 1600)


@dataclass(frozen=True)
class Plan:
    """One demo post: when, what, where, and how far through the workflow it goes."""

    state: str  # draft, in_review, approved, scheduled, published
    day: int  # days from today (negative: in the past)
    time: str
    text: str
    targets: list[tuple[str, str, str]]  # (network, handle, placement)
    card: Card | None = None
    alt_text: str = ""
    labels: list[str] = field(default_factory=list)


LIN = Card("Collection Lin", "Tissée en Normandie", (233, 222, 200), (120, 90, 60))
MERES = Card("Fête des mères", "Nos idées cadeaux", (246, 205, 214), (150, 40, 80), (1600, 2000))
SANDALE = Card("Sandale Arlette", "Cuir végétal · 89 €", (40, 70, 90), (250, 200, 120),
               (2400, 1600))
ATELIER = Card("Dans l'atelier", "Roubaix, depuis 1962", (30, 30, 30), (240, 240, 240),
               (1080, 1920))
SOLDES = Card("Soldes d'été", "Jusqu'à -50 %", (200, 30, 40), (255, 255, 255), (2000, 2000))
PANIER = Card("Grand concours", "Un panier pique-nique à gagner", (90, 140, 90),
              (255, 250, 230))

PLANS = [
    Plan("published", -6, "10:00", "Les beaux jours sont là ☀️ Découvrez notre collection "
         "en lin, tissée en Normandie. #MaisonArlette #lin",
         [("instagram", "maisonarlette", "feed"), ("facebook", "MaisonArlette", "feed")],
         LIN, "Pile de chemises en lin écru sur fond beige", ["collection"]),
    Plan("published", -4, "18:30", "Merci à vous ! 10 000 commandes en Click & Collect ce "
         "mois-ci 💛", [("x", "MaisonArlette", "feed"),
                        ("linkedin", "maison-arlette", "feed")]),
    Plan("published", -2, "12:00", "Atelier couture gratuit samedi dans notre boutique de "
         "Lyon : inscriptions ouvertes en magasin.",
         [("facebook", "MaisonArlette", "feed"), ("bluesky", "maisonarlette.bsky.social",
                                                  "feed")]),
    Plan("scheduled", 1, "09:30", "Fête des mères : notre sélection de cadeaux, emballés à "
         "la main en boutique 🎁 #FeteDesMeres",
         [("instagram", "maisonarlette", "feed"), ("instagram", "maisonarlette", "story"),
          ("facebook", "MaisonArlette", "feed")], MERES,
         "Carte rose « Fête des mères, nos idées cadeaux »", ["fête des mères"]),
    Plan("scheduled", 2, "12:15", "Nouvel arrivage : la sandale Arlette en cuir végétal, "
         "fabriquée au Portugal. 89 €.",
         [("x", "MaisonArlette", "feed"), ("bluesky", "maisonarlette.bsky.social", "feed"),
          ("mastodon", "maisonarlette@mastodon.social", "feed")], SANDALE,
         "Sandale en cuir végétal sur fond bleu nuit", ["produit"]),
    Plan("scheduled", 3, "08:00", "Nous recrutons 40 conseillères et conseillers de vente "
         "pour l'été, dans 12 villes. Postulez avant le 15 !",
         [("linkedin", "maison-arlette", "feed")], labels=["recrutement"]),
    Plan("scheduled", 5, "19:00", "Dans les coulisses de notre atelier de Roubaix 🧵",
         [("tiktok", "maisonarlette", "short"), ("instagram", "maisonarlette", "reel")],
         ATELIER, "Atelier de couture, machines alignées"),
    Plan("scheduled", 8, "10:00", "Les soldes d'été commencent : jusqu'à -50 % en boutique "
         "et sur maisonarlette.fr #soldes",
         [("instagram", "maisonarlette", "feed"), ("facebook", "MaisonArlette", "feed"),
          ("x", "MaisonArlette", "feed")], SOLDES, "Affiche rouge « Soldes d'été »",
         ["soldes"]),
    Plan("scheduled", 10, "11:00", "Journée mondiale de l'environnement : 92 % de nos "
         "emballages sont désormais recyclés. Le détail de nos engagements sur notre site.",
         [("linkedin", "maison-arlette", "feed"), ("x", "MaisonArlette", "feed")],
         labels=["RSE"]),
    Plan("approved", 12, "10:00", "Concours 🧺 Gagnez un panier pique-nique Maison Arlette ! "
         "Abonnez-vous et identifiez un ami en commentaire.",
         [("instagram", "maisonarlette", "feed")], PANIER, "Panier pique-nique en osier",
         ["concours"]),
    Plan("in_review", 6, "14:00", "Portes ouvertes de l'atelier de Roubaix le 21 : visites "
         "guidées toutes les heures, sur inscription.",
         [("facebook", "MaisonArlette", "feed"), ("linkedin", "maison-arlette", "feed")]),
    Plan("draft", 13, "09:00", "Idée de série : « Les mains d'Arlette », portraits de nos "
         "artisanes et artisans.", [("instagram", "maisonarlette", "feed")]),
    Plan("draft", 14, "17:00", "Bientôt la rentrée ✏️ Nos cartables en toile reviennent.",
         [("x", "MaisonArlette", "feed"), ("bluesky", "maisonarlette.bsky.social", "feed")]),
]


# Pillow's built-in font has no accented letters; Debian's DejaVu has them when installed.
DEMO_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(path: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:
        return ImageFont.load_default(size=size)


def card_image(card: Card) -> bytes:
    """Draw a product card (JPEG) with Pillow."""
    width, height = card.size
    image = Image.new("RGB", card.size, card.background)
    draw = ImageDraw.Draw(image)
    margin = width // 12
    draw.rectangle((margin, margin, width - margin, height - margin), outline=card.accent,
                   width=max(4, width // 200))
    title = _font(DEMO_FONTS[0], width // 11)
    subtitle = _font(DEMO_FONTS[1], width // 24)
    draw.text((width / 2, height / 2), card.title, fill=card.accent, font=title, anchor="md")
    draw.text((width / 2, height / 2 + width // 20), card.subtitle, fill=card.accent,
              font=subtitle, anchor="ma")
    draw.text((width / 2, height - margin * 1.6), "MAISON ARLETTE", fill=card.accent,
              font=subtitle, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def _at(org: Organization, day: int, clock: str) -> datetime:
    zone = ZoneInfo(org.time_zone)
    today = timezone.localtime(timezone.now(), zone).date()
    hour, minute = (int(part) for part in clock.split(":"))
    local = today + timedelta(days=day)
    return datetime(local.year, local.month, local.day, hour, minute, tzinfo=zone)


def _member(org: Organization, role: str) -> Member:
    return Member.objects.filter(organization=org, role=role, is_active=True).order_by(
        "pk").first() or Member.objects.filter(organization=org, role="owner").order_by(
        "pk").first()  # type: ignore[return-value]


def _create(org: Organization, plan: Plan, channels: dict[tuple[str, str], Channel]) -> Post:
    author = _member(org, "contributor" if plan.state in ("draft", "in_review") else "manager")
    post = services.create_post(
        author, ACTOR, text=plan.text, labels=plan.labels,
        targets=[(channels[(net, handle)].pk, placement) for net, handle, placement
                 in plan.targets])
    if plan.card is not None:
        upload = SimpleUploadedFile("carte.jpg", card_image(plan.card), "image/jpeg")
        media.attach_image(author, ACTOR, post, upload, alt_text=plan.alt_text)
    if plan.state == "draft":
        return post
    services.submit_for_review(author, ACTOR, post)
    if plan.state == "in_review":
        return post
    services.approve(_member(org, "approver"), ACTOR, post, comment="OK pour moi.")
    if plan.state == "approved":
        return post
    manager = _member(org, "manager")
    if plan.state == "scheduled":
        services.schedule(manager, ACTOR, post, _at(org, plan.day, plan.time))
    else:
        # Scheduled a minute ahead, then made due now: the dispatcher publishes it for real.
        services.schedule(manager, ACTOR, post, timezone.now() + timedelta(minutes=1))
        Variant.objects.filter(post=post).update(next_attempt_at=timezone.now())
    return post


def _publish_due(org: Organization, when: dict[int, datetime]) -> int:
    """Publish the demo's due variants through the dispatcher, then date them in the past."""
    jobs: list[tuple[int, str]] = []
    with transaction.atomic():
        token, claimed = dispatcher.claim_due(timezone.now())
        jobs = [(variant_id, token) for variant_id in claimed]
    published = 0
    for variant_id, claim in jobs:
        if dispatcher.publish(variant_id, claim) in ("published", "reconciled"):
            published += 1
    for variant in Variant.objects.filter(organization=org, status=VariantStatus.PUBLISHED):
        moment = when.get(variant.post_id)
        if moment is not None:
            Variant.objects.filter(pk=variant.pk).update(scheduled_at=moment,
                                                         published_at=moment)
    return published


def seed_demo_posts(org: Organization, sandbox_url: str | None = None) -> int:
    """Write the demo calendar for the coming two weeks (once); return how many posts."""
    if Post.objects.filter(organization=org).exists():
        return 0
    channels = {(c.network, c.handle): c for c in Channel.objects.filter(organization=org)}
    with override_settings(SOCIALOPS_SANDBOX_URL=sandbox_url or settings.SOCIALOPS_SANDBOX_URL):
        published_at: dict[int, datetime] = {}
        for plan in PLANS:
            post = _create(org, plan, channels)
            if plan.state == "published":
                published_at[post.pk] = _at(org, plan.day, plan.time)
        _publish_due(org, published_at)
    _seed_policy(org)
    _seed_campaign(org)
    return len(PLANS)


def _seed_campaign(org: Organization) -> None:
    """Group the linen collection and its product posts into a paid campaign."""
    manager = _member(org, "manager")
    today = timezone.localtime(timezone.now(), ZoneInfo(org.time_zone)).date()
    campaign = save_campaign(manager, ACTOR, CampaignInput(
        name="Collection Lin", starts_on=today - timedelta(days=21),
        ends_on=today + timedelta(days=21), is_paid=True, budget=Decimal("8000"),
        spend=Decimal("3150"), goal="Faire connaître la collection lin tissée en Normandie "
        "et vendre 1 200 pièces en ligne.", target_impressions=600_000,
        target_engagements=24_000, target_clicks=9_000,
        channel_ids=list(Channel.objects.filter(organization=org, network__in=(
            "instagram", "facebook", "tiktok")).values_list("pk", flat=True))))
    for post in Post.objects.filter(organization=org):
        if {"collection", "produit"} & set(post.labels):
            attach_post(manager, ACTOR, post, campaign.pk)


def _seed_policy(org: Organization) -> None:
    """Give the demo two approval steps: the brand (the manager), then legal (approvers)."""
    manager = _member(org, "manager")
    save_policy(manager, ACTOR, name="Marque puis juridique", expire_after_hours=24 * 14, steps=[
        StepInput(name="Marque", mode="any", member_ids=[manager.pk]),
        StepInput(name="Juridique", mode="any", role="approver"),
    ])

