"""Seed the demo organization's crisis playbooks (one per kind of incident)."""

from __future__ import annotations

from django.utils import timezone

from socialops.core.models import Member, Organization
from socialops.crisis.models import HoldingStatement, IncidentKind, Playbook, PlaybookStep

# kind: (name, [(step, owner login)], French statement, English statement)
PLAYBOOKS: dict[str, tuple[str, list[tuple[str, str]], str, str]] = {
    IncidentKind.PRODUCT_RECALL: (
        "Rappel produit",
        [("Confirmer les lots concernés avec la qualité", "sophie.durand"),
         ("Mettre en pause les publications promotionnelles", "sophie.durand"),
         ("Publier la déclaration d'attente sur tous les comptes", "lucas.petit"),
         ("Préparer les réponses types pour le service client", "emma.leroy"),
         ("Faire valider la FAQ rappel par le juridique", "claire.martin")],
        "Nous avons connaissance d'un problème concernant l'un de nos produits. La sécurité "
        "de nos clients passe avant tout : nous vérifions les lots concernés et publierons "
        "les consignes ici même dans les prochaines heures.",
        "We are aware of an issue with one of our products. Your safety comes first: we are "
        "checking the batches concerned and will post instructions here within hours."),
    IncidentKind.OUTAGE: (
        "Panne du site ou des paiements",
        [("Confirmer la panne avec l'équipe technique", "sophie.durand"),
         ("Publier la déclaration d'attente", "lucas.petit"),
         ("Épingler une mise à jour toutes les heures", "amina.diallo")],
        "Notre site rencontre actuellement des difficultés. Nos équipes sont mobilisées ; "
        "aucune commande passée n'est perdue. Prochaine mise à jour ici dans une heure.",
        "Our website is having trouble right now. Our teams are on it and no order placed is "
        "lost. Next update here within the hour."),
    IncidentKind.EXECUTIVE_SCANDAL: (
        "Mise en cause d'un dirigeant",
        [("Aucune réponse sur le fond sans la direction de la communication", "claire.martin"),
         ("Mettre en pause toutes les publications", "sophie.durand"),
         ("Orienter la presse vers le service de presse", "emma.leroy")],
        "Nous avons pris connaissance des informations publiées. Nous ne ferons pas de "
        "commentaire à ce stade ; les demandes presse sont à adresser à "
        "presse@maison-arlette.example.",
        "We have seen the reports. We will not comment at this stage; press enquiries to "
        "presse@maison-arlette.example."),
    IncidentKind.ACCOUNT_HIJACK: (
        "Compte piraté",
        [("Révoquer les accès et changer les identifiants", "claire.martin"),
         ("Signaler le compte au réseau", "sophie.durand"),
         ("Prévenir la communauté depuis les autres comptes", "lucas.petit")],
        "Notre compte a été compromis. Ne cliquez sur aucun lien publié depuis ce matin ; "
        "nous travaillons avec la plateforme pour le récupérer.",
        "Our account was compromised. Please do not click any link posted since this "
        "morning; we are working with the platform to recover it."),
    IncidentKind.TRAGEDY: (
        "Drame national ou local",
        [("Mettre en pause toutes les publications", "sophie.durand"),
         ("Revoir le calendrier des 7 prochains jours", "lucas.petit")],
        "Nos pensées vont aux victimes et à leurs proches.",
        "Our thoughts are with the victims and their families."),
    IncidentKind.DATA_BREACH: (
        "Fuite de données",
        [("Qualifier la fuite avec le DPO", "claire.martin"),
         ("Valider chaque réponse avec le juridique", "claire.martin"),
         ("Publier la déclaration d'attente", "sophie.durand")],
        "Nous enquêtons sur un incident de sécurité susceptible de concerner des données "
        "clients. Les personnes concernées seront contactées directement.",
        "We are investigating a security incident that may involve customer data. Anyone "
        "affected will be contacted directly."),
}
CONTACTS = [
    {"name": "Claire Martin", "role": "Directrice communication",
     "phone": "+33 1 84 88 00 01", "email": "claire.martin@maison-arlette.example"},
    {"name": "Service juridique", "role": "Astreinte juridique", "phone": "+33 1 84 88 00 02",
     "email": "juridique@maison-arlette.example"},
    {"name": "Service de presse", "role": "Relations presse", "phone": "+33 1 84 88 00 03",
     "email": "presse@maison-arlette.example"},
]


def seed_crisis_demo(org: Organization, members: dict[str, Member], sandbox_url: str) -> None:
    """Create one playbook per kind, with checklist owners, statements FR/EN and approvers."""
    # The communication director and the legal approver approved every statement.
    approvers = [m for m in (members.get("claire.martin"), members.get("isabelle.fournier"))
                 if m is not None]
    approver = approvers[-1] if approvers else None
    now = timezone.now()
    for kind, (name, steps, french, english) in PLAYBOOKS.items():
        playbook = Playbook.objects.create(organization=org, kind=kind, name=name,
                                           escalation_contacts=CONTACTS)
        playbook.approvers.add(*approvers)
        PlaybookStep.objects.bulk_create(
            PlaybookStep(playbook=playbook, position=i, text=text, owner=members.get(login))
            for i, (text, login) in enumerate(steps, start=1))
        HoldingStatement.objects.bulk_create(
            HoldingStatement(playbook=playbook, language=language, text=text,
                             approved_by=approver, approved_at=now)
            for language, text in (("fr", french), ("en", english)))
