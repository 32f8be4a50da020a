"""The `socialops` command: administration from a terminal, clear errors."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from socialops.cli import main
from socialops.core.models import AuditEvent, Organization

pytestmark = pytest.mark.django_db


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv))
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    return code, out, err


def test_organization_member_and_token_lifecycle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "org", "create", "Maison Arlette")
    assert (code, out.strip()) == (0, "maison-arlette")
    code, out, _err = run(capsys, "org", "list")
    assert "maison-arlette\tMaison Arlette" in out

    code, out, err = run(capsys, "member", "add", "maison-arlette", "sophie@example.com",
                         "--role", "manager", stdin="a-long-password\n")
    assert code == 0, err
    run(capsys, "member", "add", "maison-arlette", "emma@example.com", "--role", "responder",
        stdin="another-password\n")
    code, out, _err = run(capsys, "member", "list", "maison-arlette")
    assert out.splitlines() == ["emma@example.com\tresponder", "sophie@example.com\tmanager"]

    code, out, err = run(capsys, "token", "create", "maison-arlette", "sophie@example.com")
    token = out.strip()
    assert code == 0 and token.startswith("sot_") and "not shown again" in err
    from django.test import Client

    api = Client()
    assert api.get("/api/v1/organization", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    code, out, _err = run(capsys, "token", "revoke", "maison-arlette", "sophie@example.com")
    assert code == 0 and out.startswith("1 ")
    assert api.get("/api/v1/organization", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_mistakes_get_clear_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "member", "list", "nowhere")
    assert code == 2 and "No organization “nowhere”" in err
    run(capsys, "org", "create", "Brand")
    code, _out, err = run(capsys, "org", "create", "Brand")
    assert code == 2 and "exists" in err
    code, _out, err = run(capsys, "member", "add", "brand", "x@example.com", "--role",
                          "manager", stdin="\n")
    assert code == 2 and "standard input" in err
    code, _out, err = run(capsys, "member", "add", "brand", "x@example.com", "--role",
                          "manager", stdin="short\n")
    assert code == 2 and "too short" in err
    code, _out, err = run(capsys, "token", "create", "brand", "ghost@example.com")
    assert code == 2 and "not a member" in err
    with pytest.raises(SystemExit) as exc:
        run(capsys, "member", "add", "brand", "x@example.com", "--role", "king")
    assert exc.value.code == 2


def test_audit_verify_names_the_tampered_event(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "org", "create", "Brand")
    for n in range(3):
        run(capsys, "member", "add", "brand", f"p{n}@example.com", "--role", "analyst",
            stdin="a-long-password\n")
    code, out, _err = run(capsys, "audit", "verify")
    assert code == 0 and out.strip().endswith("OK")
    assert "brand: 4 events" in out

    org = Organization.objects.get(slug="brand")
    AuditEvent.objects.filter(organization=org, seq=2).update(actor_label="someone else")
    code, _out, err = run(capsys, "audit", "verify", "brand")
    assert code == 1
    assert "TAMPERED brand: event #2 was altered" in err

    AuditEvent.objects.filter(organization=org, seq=2).delete()
    code, _out, err = run(capsys, "audit", "verify")
    assert code == 1 and "event #2 is missing" in err


def test_console_script_has_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "socialops.cli", "--help"], capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert result.returncode == 0
    for command in ("demo", "serve", "worker", "beat", "org", "member", "token", "audit"):
        assert command in result.stdout
