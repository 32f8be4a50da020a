"""Forms of the channel governance pages (they parse; services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from socialops.connectors import registry
from socialops.core.forms import BootstrapForm
from socialops.core.models import Language, Member
from socialops.governance.grants import grant_choices
from socialops.governance.models import Channel, GrantEffect, Transport
from socialops.web.networks import network_label


def _people(organization_id: int) -> Any:
    return Member.objects.filter(organization_id=organization_id, is_active=True).select_related(
        "user").order_by("user__first_name", "user__last_name", "user__email")


class PersonChoiceField(forms.ModelChoiceField):
    """Choose an active member, shown with their role."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_role_display()})"


class ChannelForm(BootstrapForm):
    network = forms.ChoiceField(label=_("Network"))
    transport = forms.ChoiceField(label=_("Connected through"), choices=Transport.choices)
    handle = forms.CharField(label=_("Handle"), max_length=200)
    display_name = forms.CharField(label=_("Display name"), max_length=200, required=False)
    remote_id = forms.CharField(label=_("Remote id"), max_length=200, required=False,
                                help_text=_("The account's id on the network, when known."))
    region = forms.CharField(label=_("Region"), max_length=80, required=False)
    business_unit = forms.CharField(label=_("Business unit"), max_length=120, required=False)
    language = forms.ChoiceField(label=_("Language"), required=False,
                                 choices=[("", "—"), *Language.choices])
    owner = PersonChoiceField(label=_("Owner"), queryset=Member.objects.none())
    backup_owner = PersonChoiceField(label=_("Backup owner"), queryset=Member.objects.none(),
                                 help_text=_("Someone other than the owner, who can act "
                                             "when the owner is away."))

    def __init__(self, *args: Any, organization_id: int, editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [  # type: ignore[attr-defined]
            (code, network_label(code)) for code in registry.networks()
        ]
        for name in ("owner", "backup_owner"):
            self.fields[name].queryset = _people(organization_id)  # type: ignore[attr-defined]
        if editing:
            # Network, transport and handle identify the account: a new account
            # is a new channel.
            for name in ("network", "transport", "handle", "remote_id"):
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner, backup = data.get("owner"), data.get("backup_owner")
        if owner is not None and backup is not None and owner.pk == backup.pk:
            self.add_error("backup_owner",
                           _("The backup owner must be someone other than the owner."))
        return data


class CredentialForm(BootstrapForm):
    """Write-only: the fields start empty and the current secret is never sent back."""

    access_token = forms.CharField(
        label=_("Access token"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    refresh_token = forms.CharField(
        label=_("Refresh token"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    extra_name = forms.SlugField(
        label=_("Other secret: name"), required=False, max_length=60,
        help_text=_("For networks that need more, e.g. app_secret."),
    )
    extra_value = forms.CharField(
        label=_("Other secret: value"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def secrets(self, transport: str = Transport.NETWORK) -> dict[str, str]:
        """Return the secrets typed in (empty fields left out), named as connectors read them.

        Network connectors read the access token as `access_token` (the OAuth name); the
        sandbox reads it as `token`.
        """
        data = self.cleaned_data
        token_key = "token" if transport == Transport.SANDBOX else "access_token"
        found = {stored: data[field] for field, stored in
                 (("access_token", token_key), ("refresh_token", "refresh_token"))
                 if data.get(field)}
        if data.get("extra_name") and data.get("extra_value"):
            found[data["extra_name"].replace("-", "_")] = data["extra_value"]
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("extra_name")) != bool(data.get("extra_value")):
            self.add_error("extra_value", _("Give both the name and the value."))
        return data


class GrantForm(BootstrapForm):
    """Give one member a grant on one channel: the other side is fixed by the page."""

    member = PersonChoiceField(label=_("Member"), queryset=Member.objects.none(), required=False)
    channel = forms.ModelChoiceField(label=_("Channel"), queryset=Channel.objects.none(),
                                     required=False)
    effect = forms.ChoiceField(label=_("Effect"), choices=GrantEffect.choices,
                               widget=forms.RadioSelect)
    actions = forms.MultipleChoiceField(
        label=_("Actions"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave every box empty to remove the grant."))

    def __init__(self, *args: Any, organization_id: int, fixed: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = grant_choices()  # type: ignore[attr-defined]
        if fixed == "member":
            del self.fields["member"]
            field = self.fields["channel"]
            field.required = True
            field.queryset = Channel.objects.filter(  # type: ignore[attr-defined]
                organization_id=organization_id).order_by("display_name")
        else:
            del self.fields["channel"]
            self.fields["member"].required = True
            self.fields["member"].queryset = _people(organization_id)  # type: ignore[attr-defined]
        self.fields["effect"].widget.attrs["class"] = "form-check-input"
