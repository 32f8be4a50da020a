"""Forms of the members and teams pages (they only parse; services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from socialops.core.models import Member, Role


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


def role_choices(by: Member) -> list[tuple[str, str]]:
    """Return the roles ``by`` may give: only an owner gives the owner role."""
    return [(value, str(label)) for value, label in Role.choices
            if value != Role.OWNER or by.role == Role.OWNER]


class InviteForm(BootstrapForm):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, by: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(by)  # type: ignore[attr-defined]


class RoleForm(BootstrapForm):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, by: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(by)  # type: ignore[attr-defined]


class TeamForm(BootstrapForm):
    name = forms.CharField(label=_("Team name"), max_length=120)


class TeamMemberForm(BootstrapForm):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Member.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, is_active=True
        ).select_related("user")
        field.label_from_instance = lambda m: f"{m.display_name} ({m.user.email})"  # type: ignore[attr-defined]


class WelcomePasswordForm(SetPasswordForm):
    """Django's set-password form with Bootstrap's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
