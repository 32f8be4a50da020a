"""The demo organization's inbox settings: saved replies, targets, hours, holidays, rules,
automatic assignment and who is available."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from socialops.core.actors import Actor
from socialops.core.models import Member, Team
from socialops.inbox.models import Priority
from socialops.inbox.services import assignment, rules, saved_replies, targets
from socialops.inbox.services.availability import set_availability
from socialops.inbox.services.rules import RuleData
from socialops.inbox.services.saved_replies import SavedReplyData

# (language, team name or "", title, text) — written as Maison Arlette's team would.
SAVED_REPLIES = [
    ("fr", "Community FR", "Retard de livraison",
     "Bonjour {first_name}, toutes nos excuses pour ce retard. Pouvez-vous nous envoyer "
     "votre numéro de commande en message privé ? Nous suivons le colis avec le "
     "transporteur et revenons vers vous aujourd'hui. {agent}, pour {channel}"),
    ("en", "Community EN", "Order delay",
     "Hi {first_name}, we're sorry your order is late. Could you send us your order "
     "number by DM? We'll chase the carrier and get back to you today. {agent} at {channel}"),
    ("fr", "", "Remboursement",
     "Bonjour {first_name}, votre remboursement a bien été lancé : il apparaîtra sur votre "
     "compte sous 5 à 10 jours ouvrés selon votre banque. Belle journée ! {agent}"),
    ("en", "", "Refund",
     "Hi {first_name}, your refund is on its way: it will show on your account within "
     "5 to 10 working days, depending on your bank. Have a lovely day! {agent}"),
    ("fr", "", "Horaires des boutiques",
     "Bonjour {first_name} ! Nos boutiques sont ouvertes du lundi au samedi de 10 h à "
     "19 h. Les horaires de chaque magasin sont sur maison-arlette.example/boutiques."),
    ("en", "", "Store hours",
     "Hi {first_name}! Our stores are open Monday to Saturday, 10am to 7pm. Each store's "
     "hours are on maison-arlette.example/stores."),
    ("fr", "", "Merci !",
     "Merci beaucoup {first_name}, ça nous fait très plaisir ! Toute l'équipe vous "
     "souhaite une belle journée."),
    ("en", "", "Thank you",
     "Thank you so much, {first_name}! That made the whole team's day."),
    ("fr", "", "Passer en message privé",
     "Bonjour {first_name}, nous aimerions regarder cela de près avec vous. Pouvez-vous "
     "nous écrire en message privé sur {channel} ? {agent} vous répondra directement."),
    ("en", "", "Move to DM",
     "Hi {first_name}, we'd like to look into this with you properly. Could you send us "
     "a direct message on {channel}? {agent} will answer you there."),
    ("fr", "", "Réponse d'attente (crise)",
     "Bonjour {first_name}, nous avons bien pris connaissance de votre message et le "
     "prenons très au sérieux. Notre équipe examine la situation et reviendra vers vous "
     "au plus vite."),
    ("en", "", "Holding reply (crisis)",
     "Hi {first_name}, we have seen your message and we take it very seriously. Our team "
     "is looking into it and will come back to you as soon as possible."),
]

# Minutes of business time per priority, for every channel.
TARGETS = {Priority.URGENT: 60, Priority.HIGH: 4 * 60, Priority.NORMAL: 8 * 60,
           Priority.LOW: 24 * 60}
WEEKDAY_HOURS = (time(9), time(19))
SATURDAY_HOURS = (time(10), time(18))
HOLIDAYS = [
    (date(2026, 1, 1), "Jour de l'an"), (date(2026, 4, 6), "Lundi de Pâques"),
    (date(2026, 5, 1), "Fête du travail"), (date(2026, 5, 8), "Victoire 1945"),
    (date(2026, 5, 14), "Ascension"), (date(2026, 5, 25), "Lundi de Pentecôte"),
    (date(2026, 7, 14), "Fête nationale"), (date(2026, 8, 15), "Assomption"),
    (date(2026, 11, 1), "Toussaint"), (date(2026, 11, 11), "Armistice"),
    (date(2026, 12, 25), "Noël"),
]


# The rules, top to bottom, as the community manager would set them up.
RULES = [
    RuleData(name="Liens suspects", keywords=["bit.ly", "tinyurl", "crypto", "gagnez",
                                              "free followers"],
             add_tags=["spam"], set_priority=Priority.LOW, hide=True, stop_processing=True),
    RuleData(name="Presse", keywords=["journaliste", "journalist", "presse", "press",
                                      "rédaction", "interview"],
             add_tags=["presse"], set_priority=Priority.HIGH),
    RuleData(name="Clients VIP", vip_only=True, add_tags=["vip"], set_priority=Priority.HIGH),
    RuleData(name="Service client FR", languages=["fr"], sentiments=["negative"],
             add_tags=["service-client"], set_priority=Priority.HIGH),
]
# (login, availability)
AVAILABILITY = [("emma.leroy", "available"), ("sophie.durand", "available"),
                ("amina.diallo", "away")]


def seed_rules_demo(manager: Member, actor: Actor) -> None:
    """Give the demo its rules, round robin (cap 25) and each person's availability."""
    for data in RULES:
        if data.name in ("Presse", "Clients VIP"):
            # Press and VIP questions go to the manager, who answers them herself.
            data = replace(data, assign_member_id=manager.pk)
        if data.name == "Clients VIP":
            data = replace(data, escalate_to_id=manager.pk)
        rules.create_rule(manager, replace(data), actor)
    assignment.update_settings(manager, auto_assign=True, max_open=25, respect_shifts=True,
                               respect_languages=True, actor=actor)
    people = {m.user.email.split("@")[0]: m for m in Member.objects.filter(
        organization_id=manager.organization_id).select_related("user")}
    for login, status in AVAILABILITY:
        if login in people:
            set_availability(manager, people[login], status, actor)


def seed_inbox_demo(manager: Member, actor: Actor) -> None:
    """Give the demo organization its saved replies, targets, hours, holidays and rules."""
    teams = {t.name: t.pk for t in Team.objects.filter(organization_id=manager.organization_id)}
    for language, team, title, body in SAVED_REPLIES:
        saved_replies.create_saved_reply(
            manager, SavedReplyData(title=title, body=body, language=language,
                                    team_id=teams.get(team)), actor)
    for priority, minutes in TARGETS.items():
        targets.set_target(manager, None, priority, minutes, actor)
    hours: targets.Hours = {day: WEEKDAY_HOURS for day in range(5)}
    hours[5] = SATURDAY_HOURS
    hours[6] = None
    targets.set_opening_hours(manager, hours, actor)
    for day, name in HOLIDAYS:
        targets.add_holiday(manager, day, name, actor)
    seed_rules_demo(manager, actor)
