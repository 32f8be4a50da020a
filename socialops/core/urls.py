"""Pages of the core app, included in the `web` namespace by socialops.web.urls."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from socialops.core import audit_views, team_views, twofactor_views, views
from socialops.core.forms import WelcomePasswordForm

urlpatterns = [
    path("members/", views.member_list, name="members"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<int:member_id>/", views.member_detail, name="member"),
    path("members/<int:member_id>/role/", views.member_role, name="member_role"),
    path("members/<int:member_id>/active/", views.member_active, name="member_active"),
    path("account/sessions/", views.browser_sessions, name="browser_sessions"),
    path("account/sessions/end/", views.browser_session_end, name="browser_session_end"),
    path("sessions/sign-out-everywhere/", views.sign_out_everywhere,
         name="sign_out_everywhere"),
    path("account/two-factor/", twofactor_views.overview, name="two_factor"),
    path("account/two-factor/verify/", twofactor_views.verify, name="two_factor_verify"),
    path("account/two-factor/set-up/", twofactor_views.enrol, name="two_factor_enrol"),
    path("account/two-factor/recovery-codes/", twofactor_views.recovery_codes,
         name="two_factor_recovery_codes"),
    path("members/<int:member_id>/two-factor/reset/", twofactor_views.member_reset,
         name="member_two_factor_reset"),
    path("organization/security/", twofactor_views.organization_security,
         name="organization_security"),
    path("teams/", team_views.team_list, name="teams"),
    path("teams/<int:team_id>/", team_views.team_detail, name="team"),
    path("teams/<int:team_id>/members/", team_views.team_membership, name="team_membership"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("audit/verify/", audit_views.audit_verify, name="audit_verify"),
    path(
        "welcome/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/set_password.html", form_class=WelcomePasswordForm,
            success_url=reverse_lazy("web:welcome_done"),
        ),
        name="welcome",
    ),
    path(
        "welcome/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/set_password_done.html"),
        name="welcome_done",
    ),
]
