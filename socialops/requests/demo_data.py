"""Seed the demo organization's guidelines library and a dozen stakeholder requests.

Requests go through the same services as the pages (so the audit trail, the draft posts
and the channel are real), then their times are moved back over the last five months so
that the statistics page has something to say.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from socialops.core.actors import Actor
from socialops.core.models import Member, Organization
from socialops.governance.models import Channel
from socialops.requests import guidelines, services
from socialops.requests.models import Guideline, RequestEvent, StakeholderRequest

# slug: (English title, English text, French title, French text)
GUIDELINES: dict[str, tuple[str, str, str, str]] = {
    "pdf-flyer": (
        "Why a PDF flyer is not social content",
        "A flyer is made to be printed and read at arm's length. On a phone it becomes a tiny "
        "image nobody can read, networks show it cropped, and a PDF cannot be posted at all "
        "on most of them.\n\nSend us the message instead: one idea, one photo or short video, "
        "and the link where people can learn more. We will turn it into a post that works.",
        "Pourquoi un flyer PDF n'est pas un contenu social",
        "Un flyer est fait pour être imprimé et lu à bout de bras. Sur un téléphone, il devient "
        "une image minuscule que personne ne lit, les réseaux le recadrent, et la plupart "
        "n'acceptent pas de PDF.\n\nEnvoyez-nous plutôt le message : une idée, une photo ou "
        "une courte vidéo, et le lien où en savoir plus. Nous en ferons un post qui "
        "fonctionne."),
    "one-channel-per-project": (
        "Why we don't open a channel for every project",
        "A new account starts with no followers and needs fresh content every week and "
        "someone to answer its comments, for years. Most project accounts go quiet after a "
        "few months and keep representing the brand badly.\n\nOur main channels already "
        "reach the people you want. We will give your project a series there, with its own "
        "hashtag, and look again if it outgrows them.",
        "Pourquoi nous n'ouvrons pas un compte par projet",
        "Un nouveau compte démarre sans abonnés et demande du contenu chaque semaine et "
        "quelqu'un pour répondre aux commentaires, pendant des années. La plupart des "
        "comptes de projet se taisent au bout de quelques mois et continuent de mal "
        "représenter la marque.\n\nNos comptes principaux touchent déjà les personnes que "
        "vous visez. Nous donnerons à votre projet une série sur ces comptes, avec son "
        "hashtag, et nous en reparlerons s'il les dépasse."),
    "tone-of-voice": (
        "Our tone of voice",
        "We write like a person from the workshop talking to a customer: warm, precise, never "
        "pompous. Short sentences, no jargon, no capital letters for emphasis, at most one "
        "emoji.\n\nWe say \"we\", we thank people by name, and we never promise what the "
        "shops cannot deliver.",
        "Notre ton",
        "Nous écrivons comme quelqu'un de l'atelier qui parle à un client : chaleureux, "
        "précis, jamais pompeux. Des phrases courtes, pas de jargon, pas de majuscules pour "
        "insister, un émoji au plus.\n\nNous disons « nous », nous remercions les gens par "
        "leur nom et nous ne promettons jamais ce que les boutiques ne peuvent pas tenir."),
    "image-rules": (
        "Image rules: rights, people, formats",
        "We only post images we own or have written permission to use. Anyone recognisable "
        "must have signed a release, and we never post children's faces.\n\nSend the "
        "original file (not a screenshot), at least 1080 pixels wide, with the name of the "
        "photographer.",
        "Règles pour les images : droits, personnes, formats",
        "Nous ne publions que des images qui nous appartiennent ou dont nous avons "
        "l'autorisation écrite. Toute personne reconnaissable doit avoir signé une "
        "autorisation, et nous ne montrons jamais le visage d'un enfant.\n\nEnvoyez le "
        "fichier d'origine (pas une capture d'écran), d'au moins 1080 pixels de large, avec "
        "le nom du photographe."),
    "two-weeks": (
        "Give us two weeks",
        "Our calendar is planned two weeks ahead, and legal or brand approval can take a few "
        "days. A request for tomorrow usually means a rushed post or a planned one "
        "dropped.\n\nFor anything that is not breaking news, ask at least two weeks before.",
        "Prévoyez deux semaines",
        "Notre calendrier est prévu deux semaines à l'avance, et la validation juridique ou "
        "marque peut prendre quelques jours. Une demande pour demain, c'est souvent un post "
        "bâclé ou un autre déprogrammé.\n\nPour tout ce qui n'est pas une actualité urgente, "
        "demandez au moins deux semaines avant."),
    "internal-news": (
        "Internal news belongs on the intranet",
        "Reorganisations, appointments below the executive committee and internal events "
        "interest colleagues, not customers. Posted publicly, they read as noise or as "
        "something to worry about.\n\nThe internal communication team will publish them on "
        "the intranet and in the newsletter.",
        "Les informations internes vont sur l'intranet",
        "Les réorganisations, les nominations hors comité de direction et les événements "
        "internes intéressent les collègues, pas les clients. Publiées, elles passent pour "
        "du bruit ou pour une source d'inquiétude.\n\nLa communication interne les publiera "
        "sur l'intranet et dans la lettre d'information."),
    "one-message": (
        "One post, one message",
        "A post that announces three things is remembered for none. Choose the one thing "
        "people should remember and the one thing they should do.\n\nWe can make a series "
        "if there is more to say.",
        "Un post, un message",
        "Un post qui annonce trois choses n'en fait retenir aucune. Choisissez la chose à "
        "retenir et l'action à faire.\n\nS'il y a plus à dire, nous pouvons en faire une "
        "série."),
    "claims-need-proof": (
        "Health, price and environmental claims need proof",
        "\"Eco-friendly\", \"the cheapest\" or \"good for your skin\" must be backed by a "
        "source the legal team has checked, or we cannot publish them.\n\nSend the study, "
        "label or price survey with the request.",
        "Allégations santé, prix, environnement : il faut des preuves",
        "« Écoresponsable », « le moins cher » ou « bon pour la peau » doivent s'appuyer "
        "sur une source vérifiée par le juridique, sinon nous ne pouvons pas les "
        "publier.\n\nJoignez l'étude, le label ou le relevé de prix à la demande."),
}


def _content(title: str, what: str, why: str, audience: str, link: str = "",
             in_days: int | None = None) -> services.ContentRequestInput:
    desired = timezone.localdate() + timedelta(days=in_days) if in_days is not None else None
    return services.ContentRequestInput(title=title, description=what, why=why,
                                        audience=audience, desired_date=desired, link=link)


# (requester, language, days ago, hours to answer, request, outcome)
# outcome: ("accept", network) | ("decline", slug, note) | ("ask", question[, answer])
#          | ("approve", handle) | ("wait",)
REQUESTS: list[tuple[str, str, int, float, Any, tuple[Any, ...]]] = [
    ("thomas.moreau", "fr", 140, 5, _content(
        "Post LinkedIn pour le salon de l'emploi de Lyon",
        "Nous serons au salon Emploi & Artisanat de Lyon le 14 : venez rencontrer nos "
        "maroquiniers et postuler sur place. Stand B12.",
        "Nous recrutons 12 artisans cette année et le salon est notre meilleure source.",
        "Artisans et apprentis de la région lyonnaise", "https://maison-arlette.example/emploi",
        20), ("accept", "linkedin")),
    ("thomas.moreau", "fr", 121, 26, _content(
        "Publier le flyer PDF de la nouvelle gamme Lina",
        "Le flyer produit en pièce jointe, à publier tel quel sur tous les réseaux.",
        "Lancement de la gamme Lina en boutique le mois prochain.", "Clientes actuelles"),
     ("decline", "pdf-flyer", "Merci Thomas ! Envoyez-nous deux photos de la gamme et le "
      "message clé : nous préparons un carrousel pour le lancement.")),
    ("isabelle.fournier", "fr", 96, 3, _content(
        "Annoncer la réorganisation du service achats",
        "Mémo de la direction sur la nouvelle organisation des achats.",
        "Que tout le monde soit au courant.", "Tous"),
     ("decline", "internal-news", "C'est une info importante, mais pour les équipes : la "
      "communication interne la publie dans la lettre de lundi.")),
    ("thomas.moreau", "fr", 80, 8, _content(
        "Carrousel Instagram : les coulisses de la collection d'automne",
        "Six photos de l'atelier pendant la fabrication du sac Colette, avec les gestes des "
        "artisans.",
        "Montrer le savoir-faire avant la sortie de la collection.",
        "Abonnés Instagram, 25-45 ans", "", 30), ("accept", "instagram")),
    ("julien.girard", "fr", 64, 30, {
        "network": "tiktok", "title": "Atelier Upcycling", "handle": "arlette.upcycling",
        "goal": "Faire connaître le projet Upcycling auprès des jeunes.",
        "audience": "18-25 ans", "why": "Nos comptes actuels sont trop institutionnels.",
        "content_ideas": "Tutoriels de réparation, portraits d'artisans, avant/après.",
        "producers": "L'équipe projet (3 personnes), sur leur temps libre",
        "owner": "julien.girard", "backup": "thomas.moreau",
        "effort": "2 heures par semaine"},
     ("decline", "one-channel-per-project", "Le projet mérite d'être vu : nous vous "
      "proposons une série mensuelle sur notre compte TikTok principal, avec #ArletteRépare.")),
    ("thomas.moreau", "fr", 45, 50, _content(
        "Photo avant/après d'une cliente",
        "Une cliente nous a envoyé une photo d'elle avec son sac restauré.",
        "Très beau témoignage.", "Tous"),
     ("decline", "image-rules", "La photo est superbe : si la cliente signe l'autorisation "
      "jointe au guide, nous la publions volontiers.")),
    ("thomas.moreau", "fr", 38, 20, {
        "network": "linkedin", "title": "Maison Arlette Carrières",
        "handle": "maison-arlette-carrieres",
        "goal": "Recruter 40 artisans en trois ans avec une page dédiée.",
        "audience": "Artisans, apprentis, écoles de maroquinerie",
        "why": "La page groupe parle aux clients et aux investisseurs, pas aux candidats.",
        "content_ideas": "Une offre par semaine, un portrait d'artisan par mois, les salons.",
        "producers": "Les RH, relus par l'équipe social media",
        "owner": "sophie.durand", "backup": "hugo.bernard",
        "effort": "4 heures par semaine côté RH"}, ("approve", "maison-arlette-carrieres")),
    ("isabelle.fournier", "fr", 21, 4, _content(
        "Story : journée portes ouvertes de l'atelier",
        "Portes ouvertes de l'atelier de Romans le samedi 6, visites toutes les heures.",
        "Faire venir le public local à l'atelier.", "Habitants de la Drôme",
        "https://maison-arlette.example/portes-ouvertes", 15), ("accept", "instagram")),
    ("julien.girard", "en", 12, 6, _content(
        "Video for the 50th anniversary",
        "A two-minute film about fifty years of the workshop.",
        "The anniversary is our biggest moment of the year.", "Customers in the UK and France",
        "", 40),
     ("ask", "Do you already have the footage, or should we book a shoot? Which networks "
      "do you have in mind?", "The film is being shot now and will be ready on the 20th; "
      "YouTube and Instagram first.")),
    ("isabelle.fournier", "fr", 5, 2, _content(
        "Ouverture de la boutique de Bordeaux",
        "La nouvelle boutique ouvre rue Sainte-Catherine.",
        "Faire venir du monde le jour de l'ouverture.", "Bordelais",
        "", 25), ("ask", "Quelle est la date d'ouverture, et avez-vous des photos de la "
                          "boutique ?")),
    ("julien.girard", "en", 3, 0, _content(
        "Share the 2026 sustainability report",
        "Three key figures from the report: 92% of leather from certified tanneries, 40% "
        "less water, 1,200 bags repaired.",
        "Show progress before the annual shareholders' meeting.",
        "Investors, journalists, customers who care about sustainability",
        "https://maison-arlette.example/rapport-2026", 18), ("wait",)),
    ("isabelle.fournier", "fr", 1, 0, _content(
        "Remercier les bénévoles de la course solidaire",
        "Merci aux 80 collaborateurs qui ont couru pour l'association Les Petits Ateliers.",
        "Valoriser l'engagement des équipes.", "Collaborateurs et grand public",
        "", 10), ("wait",)),
]


def _seed_guidelines(manager: Member, actor: Actor) -> dict[str, Guideline]:
    return {slug: guidelines.save_guideline(manager, actor, guidelines.GuidelineInput(
        slug=slug, title_en=title_en, text_en=text_en, title_fr=title_fr, text_fr=text_fr))
        for slug, (title_en, text_en, title_fr, text_fr) in GUIDELINES.items()}


def _submit(members: dict[str, Member], requester: Member, data: Any) -> StakeholderRequest:
    actor = Actor.for_user(requester.user)
    if isinstance(data, dict):
        return services.submit_channel_request(requester, actor, services.ChannelRequestInput(
            **{**data, "owner": members[data["owner"]], "backup": members[data["backup"]]}))
    return services.submit_content_request(requester, actor, data)


def _triage(org: Organization, members: dict[str, Member], request: StakeholderRequest,
            guideline_by_slug: dict[str, Guideline], outcome: tuple[Any, ...]) -> None:
    manager, owner = members["sophie.durand"], members["claire.martin"]
    actor = Actor.for_user(manager.user)
    if outcome[0] == "accept":
        channel = Channel.objects.filter(organization=org, network=outcome[1]).first()
        if channel is not None:
            services.accept_content_request(manager, actor, request,
                                            targets=[(channel.pk, "feed")])
    elif outcome[0] == "decline":
        services.decline(manager, actor, request, guideline_id=guideline_by_slug[outcome[1]].pk,
                         note=outcome[2])
    elif outcome[0] == "approve":
        services.approve_channel_request(owner, Actor.for_user(owner.user), request,
                                         handle=outcome[1])
    elif outcome[0] == "ask":
        services.ask_question(manager, actor, request, outcome[1])
        if len(outcome) > 2 and request.requester is not None:
            services.answer_question(request.requester,
                                     Actor.for_user(request.requester.user), request,
                                     outcome[2])


def _backdate(request: StakeholderRequest, days_ago: int, hours: float) -> None:
    """Move a request's times back, keeping the order of its timeline."""
    created = timezone.now() - timedelta(days=days_ago, hours=3)
    answered = created + timedelta(hours=hours)
    fields: dict[str, Any] = {"created_at": created}
    request.refresh_from_db()
    if request.first_answer_at is not None:
        fields["first_answer_at"] = answered
    if request.decided_at is not None:
        fields["decided_at"] = answered
    if request.desired_date is not None:
        fields["desired_date"] = max(request.desired_date - timedelta(days=days_ago),
                                     date(2000, 1, 1))
    StakeholderRequest.objects.filter(pk=request.pk).update(**fields)
    for position, event in enumerate(request.events.order_by("at", "pk")):
        at = created if position == 0 else answered + timedelta(hours=position - 1)
        RequestEvent.objects.filter(pk=event.pk).update(at=at)


def seed_requests_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Create the guidelines (FR/EN) and a dozen requests in every state."""
    with transaction.atomic():
        manager = members["sophie.durand"]
        library = _seed_guidelines(manager, Actor.for_user(manager.user))
        for login, language, days_ago, hours, data, outcome in REQUESTS:
            with translation.override(language):
                request = _submit(members, members[login], data)
                _triage(org, members, request, library, outcome)
            _backdate(request, days_ago, hours)
