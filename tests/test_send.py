"""E-mail (issue 13): `invite --email` queues each employee's invitation in the outbox, and `send`
delivers the outbox to a real SMTP server (aiosmtpd, on localhost, started here): each message once,
with what it should hold; a server failing mid-batch, STARTTLS with a self-signed certificate, a
refused login, a refused address, a rehearsal, and a send killed at random moments."""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ROUND = "2027-H1"
PEOPLE = {"100": "kari@fjordtre.no", "101": "ola@fjordtre.no", "102": "per@fjordtre.no"}


class Mailbox:
    """An SMTP server's handler that keeps every message it accepts; it can refuse, fail once, or take
    its time before answering (having kept the message, as a real server has once it has it whole)."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.fail_once_at: int | None = None  # a temporary failure (451) for the n-th message, once
        self.refuse: set[str] = set()  # addresses refused for good (550)
        self.delay = 0.0  # seconds between keeping a message and answering

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: ANN001, ANN201
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        if self.fail_once_at is not None and len(self.received) + 1 == self.fail_once_at:
            self.fail_once_at = None
            return "451 4.3.0 Try again later"
        self.received.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=policy.default))
        )
        await asyncio.sleep(self.delay)
        return "250 OK: queued"

    def ids(self) -> Counter:
        return Counter(str(message["Message-ID"]) for _, message in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"hr", b"secret")
    return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def serving(**options: object) -> Iterator[tuple[Controller, Mailbox]]:
    """An SMTP server (aiosmtpd, with `options`) on a free local port, and its mailbox, while the block runs."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller, mailbox
    finally:
        controller.stop()


@pytest.fixture
def server():
    """A plain SMTP server on a free local port, and its mailbox."""
    with serving() as running:
        yield running


def write_config(path: Path, port: int, **extra: object) -> Path:
    settings = {"host": "127.0.0.1", "port": port, "security": "none", "from": "hr@fjordtre.no", **extra}
    lines = ["[smtp]"] + [f"{key} = {value!r}".replace("'", '"') for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def queued(base_workbook, tmp_path, monkeypatch):
    """The base round invited and prepared, its invitations queued: (workbook, output)."""
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-01-02")
    output = tmp_path / "output"
    for step in (["invite"], ["prepare"], ["invite", "--email"]):
        result = CliRunner().invoke(cli, [*step, "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
    return base_workbook, output


def send(workbook: Path, output: Path, config: Path, *args: str):
    return CliRunner().invoke(
        cli, ["send", "-w", str(workbook), "-o", str(output), "--config", str(config), *args]
    )


def outbox(output: Path) -> list[Path]:
    return sorted((output / ROUND / "outbox").rglob("*.eml"))


def test_send_lists_the_outbox_and_sends_nothing_without_yes(queued, server, tmp_path):
    workbook, output = queued
    controller, mailbox = server
    config = write_config(tmp_path / "appraisal.toml", controller.port)

    result = send(workbook, output, config)

    assert result.exit_code == 0, result.output
    assert len(outbox(output)) == 5
    assert result.output.count("\nsend      ") + result.output.startswith("send") == 5
    assert "5 to send, 0 uncertain, 0 sent before." in result.output
    assert result.output.rstrip().endswith("Nothing was sent. Run again with --yes to send what is listed.")
    assert mailbox.received == []


def test_each_message_arrives_once_with_its_recipient_subject_body_calendar_and_attachments(
    queued, server, tmp_path
):
    workbook, output = queued
    controller, mailbox = server
    config = write_config(tmp_path / "appraisal.toml", controller.port)
    drafts = {
        str(email.message_from_bytes(p.read_bytes(), policy=policy.default)["Message-ID"]): p
        for p in outbox(output)
    }

    first = send(workbook, output, config, "--yes")
    again = send(workbook, output, config, "--yes")

    assert first.exit_code == 0, first.output
    assert "5 sent, 0 failed, 0 sent before." in first.output
    assert again.exit_code == 0 and "0 sent, 0 failed, 5 sent before." in again.output, again.output
    assert sorted(mailbox.ids()) == sorted(drafts) and set(mailbox.ids().values()) == {1}
    by_recipient = {to[0]: message for to, message in mailbox.received}
    per = by_recipient["per@fjordtre.no"]
    assert per["From"] == "Hanne Hr <hr@fjordtre.no>"
    assert per["To"] == "Per Berg <per@fjordtre.no>"
    assert per["Reply-To"] == "Ola Hansen <ola@fjordtre.no>"  # the interviewer
    assert per["Subject"] == "Invitasjon til medarbeidersamtale tirsdag 19. januar 2027 kl. 09.00"
    assert per["Date"] and "X-Unsent" not in per
    assert "Du er invitert til medarbeidersamtale med Ola Hansen" in per.get_body(("plain",)).get_content()
    assert "<p>Hei Per,</p>" in per.get_body(("html",)).get_content()
    [calendar] = [p for p in per.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    assert "UID:2027-H1.102@appraisal" in calendar.get_content()
    assert sorted(p.get_filename() for p in per.iter_attachments()) == [
        "forberedelsesskjema.docx",
        "invitasjon.docx",
    ]


def test_a_server_failing_on_the_fifth_message_then_a_rerun_delivers_every_message_once(
    queued, server, tmp_path
):
    workbook, output = queued
    controller, mailbox = server
    mailbox.fail_once_at = 5
    config = write_config(tmp_path / "appraisal.toml", controller.port)

    stopped = send(workbook, output, config, "--yes")
    assert stopped.exit_code == 1
    assert "the server answered 451 4.3.0 Try again later for " in stopped.output
    assert "sending stopped with 4 sent. Run `appraisal send --yes` again to go on." in stopped.output
    assert len(mailbox.received) == 4

    resumed = send(workbook, output, config, "--yes")

    assert resumed.exit_code == 0, resumed.output
    assert "1 sent, 0 failed, 4 sent before." in resumed.output
    assert len(mailbox.ids()) == 5 and set(mailbox.ids().values()) == {1}


def test_an_address_the_server_refuses_is_failed_with_its_words_and_the_rest_go(queued, server, tmp_path):
    workbook, output = queued
    controller, mailbox = server
    mailbox.refuse = {"per@fjordtre.no"}
    config = write_config(tmp_path / "appraisal.toml", controller.port)

    result = send(workbook, output, config, "--yes")

    assert result.exit_code == 1
    assert "to per@fjordtre.no: 550 5.1.1 No such user here" in result.output
    assert "4 sent, 1 failed, 0 sent before." in result.output
    assert len(mailbox.received) == 4
    listed = send(workbook, output, config)
    assert "550 5.1.1 No such user here" in listed.output and "0 to send" in listed.output


def test_starttls_with_a_self_signed_certificate(queued, tmp_path, monkeypatch):
    import ssl

    workbook, output = queued
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "secret")
    options = {
        "tls_context": context,
        "require_starttls": True,
        "authenticator": _authenticator,
        "auth_required": True,
    }
    with serving(**options) as (controller, mailbox):
        untrusted = write_config(tmp_path / "untrusted.toml", controller.port, security="starttls")
        refused = send(workbook, output, untrusted, "--yes")  # the certificate is not one the system trusts
        config = write_config(
            tmp_path / "appraisal.toml", controller.port, security="starttls", user="hr",
            password_env="TEST_SMTP_PASSWORD", ca_file=str(cert),
        )  # fmt: skip
        result = send(workbook, output, config, "--yes")

    assert refused.exit_code == 1 and "cannot connect to send (" in refused.stderr, refused.output
    assert "nothing was sent." in refused.stderr
    assert result.exit_code == 0, result.output
    assert len(mailbox.received) == 5


def test_a_refused_login_says_so_and_sends_nothing(queued, tmp_path, monkeypatch):
    workbook, output = queued
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong")
    options = {"authenticator": _authenticator, "auth_required": True, "auth_require_tls": False}
    with serving(**options) as (controller, mailbox):
        config = write_config(
            tmp_path / "appraisal.toml", controller.port, user="hr", password_env="TEST_SMTP_PASSWORD"
        )
        result = send(workbook, output, config, "--yes")

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 127.0.0.1: the server refused the login of 'hr' (535 ")
    assert "nothing was sent. Check user and password_env." in result.stderr
    assert mailbox.received == []
    assert "5 to send" in send(workbook, output, config).output


def test_a_rehearsal_goes_to_one_address_and_is_not_taken_for_delivery(queued, server, tmp_path):
    workbook, output = queued
    controller, mailbox = server
    config = write_config(tmp_path / "appraisal.toml", controller.port)

    rehearsal = send(workbook, output, config, "--yes", "--to-self", "hanne@fjordtre.no")
    real = send(workbook, output, config, "--yes")

    assert rehearsal.exit_code == 0 and "5 rehearsed" in rehearsal.output, rehearsal.output
    assert [to for to, _ in mailbox.received[:5]] == [["hanne@fjordtre.no"]] * 5
    assert real.exit_code == 0 and "5 sent, 0 failed" in real.output, real.output
    assert sorted(to[0] for to, _ in mailbox.received[5:]) == sorted(
        ["kari@fjordtre.no", "ola@fjordtre.no", "per@fjordtre.no", "anne@fjordtre.no", "lise@fjordtre.no"]
    )


def test_a_send_killed_at_random_moments_then_run_again_sends_nothing_twice_and_loses_nothing(
    queued, server, tmp_path
):
    """The server keeps each message, then takes 0.3 s to answer (the window in which a kill leaves the
    sender unsure): every kill falls somewhere in a run of five messages. After the kills, a last run
    sends the rest: every message arrived exactly once; those a kill left uncertain are listed, not
    sent again."""
    workbook, output = queued
    controller, mailbox = server
    mailbox.delay = 0.3
    config = write_config(tmp_path / "appraisal.toml", controller.port)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "APPRAISAL_TODAY": "2027-01-02"}
    chance = random.Random(13)
    command = [sys.executable, "-m", "pipeline", "send", "-w", str(workbook), "-o", str(output),
               "--config", str(config), "--yes"]  # fmt: skip
    for _ in range(4):
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.6, 1.6))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)

    last = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert last.returncode == 0, last.stdout + last.stderr
    time.sleep(0.5)  # the server's last answer
    assert len(mailbox.ids()) == 5, mailbox.ids()
    assert set(mailbox.ids().values()) == {1}, mailbox.ids()  # nothing twice


def test_typed_text_is_never_a_header_or_a_template(make_workbook, tmp_path, monkeypatch):
    """A name with a line break and a Bcc in it, and a template in a location, come out as plain text
    on one line: no header injected, nothing evaluated."""
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-01-02")
    workbook = make_workbook(schedule={"102": {"location": "{{ 7*7 }} Rom\r\nBcc: evil@example.com"}})
    output = tmp_path / "output"
    for step in (["invite"], ["invite", "--email"]):
        result = CliRunner().invoke(cli, [*step, "-w", str(workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
    [per] = [p for p in outbox(output) if "102-" in str(p)]
    message = email.message_from_bytes(per.read_bytes(), policy=policy.default)
    assert "Bcc" not in message and message.get_all("To") == ["Per Berg <per@fjordtre.no>"]
    body = message.get_body(("plain",)).get_content()
    assert "{{ 7*7 }} Rom" in body and "49" not in body
    assert "{{ 7*7 }} Rom" in message.get_body(("html",)).get_content()


def test_templates_check_covers_the_email_templates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "."]).exit_code == 0
    (tmp_path / "templates" / "nb" / "invitation_email.txt").write_text("Hei {{ employee.nme }}\n\nx\n")

    result = CliRunner().invoke(cli, ["templates", "check"])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    at = lines.index("templates/nb/invitation_email.txt: 2 problem(s)")
    assert lines[at + 1 : at + 3] == [
        "  the first line must be the subject, as `Subject: ...`",
        "  unknown variable: nme (not a key of this dict)",
    ]


def test_prepare_email_queues_one_email_per_interviewer_with_overview_calendar_and_a_zip_of_their_forms(
    base_workbook, tmp_path, monkeypatch
):
    import io
    import zipfile

    monkeypatch.setenv("APPRAISAL_TODAY", "2027-01-02")
    output = tmp_path / "output"
    for step in (["invite"], ["prepare", "--email"]):
        result = CliRunner().invoke(cli, [*step, "-w", str(base_workbook), "-o", str(output), "-j", "1"])
        assert result.exit_code == 0, result.output
    assert "E-mails queued in " in result.output and ": 7 new, 0 changed, 0 as before." in result.output

    [ola] = [p for p in outbox(output) if p.name == "samtaler.eml" and "101-" in str(p)]
    message = email.message_from_bytes(ola.read_bytes(), policy=policy.default)
    assert message["To"] == "Ola Hansen <ola@fjordtre.no>"
    assert message["Subject"] == "Dine medarbeidersamtaler: 3 samtaler"
    files = {p.get_filename(): p for p in message.iter_attachments()}
    assert sorted(files) == ["samtalekalender.ics", "samtaleoversikt.docx", "skjemaer.zip"]
    assert files["samtalekalender.ics"].get_content_type() == "text/calendar"
    names = zipfile.ZipFile(io.BytesIO(files["skjemaer.zip"].get_content())).namelist()
    assert len(names) == 6 and {n.split("/")[0] for n in names} == {
        "100-Kari Nordmann",
        "102-Per Berg",
        "103-Anne Lie",
    }
    invitations = [p for p in outbox(output) if p.stem in ("invitasjon", "invitation")]
    assert len(invitations) == 5  # with the preparation form attached, now that it is made
    again = CliRunner().invoke(
        cli, ["prepare", "--email", "-w", str(base_workbook), "-o", str(output), "-j", "1"]
    )
    assert ": 0 new, 0 changed, 7 as before." in again.output, again.output


def test_run_email_on_the_sample_queues_invitations_interviewers_and_minutes(tmp_path, monkeypatch):
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-02-01")
    output = tmp_path / "output"

    result = CliRunner().invoke(
        cli, ["run", "--email", "-w", str(ROOT / "input" / "round.xlsx"), "-o", str(output)]
    )

    assert result.exit_code == 0, result.output
    kinds = Counter(p.stem for p in outbox(output))
    assert kinds["samtaler"] + kinds["samtalar"] == 6 and kinds["referat"] + kinds["minutes"] == 4, kinds
    [minutes] = [p for p in outbox(output) if p.stem == "referat" and "1009-" in str(p)]
    message = email.message_from_bytes(minutes.read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Referat fra medarbeidersamtalen ")
    assert "send det tilbake innen " in message.get_body(("plain",)).get_content()
    assert [p.get_filename() for p in message.iter_attachments()] == ["referat.docx"]


def test_the_follow_up_shows_an_address_the_server_refused(queued, server, tmp_path):
    import openpyxl

    workbook, output = queued
    controller, mailbox = server
    mailbox.refuse = {"per@fjordtre.no"}
    assert (
        send(workbook, output, write_config(tmp_path / "appraisal.toml", controller.port), "--yes").exit_code
        == 1
    )

    status = CliRunner(env={"APPRAISAL_TODAY": "2027-01-02"}).invoke(
        cli, ["status", "-w", str(workbook), "-o", str(output)]
    )

    assert status.exit_code == 0, status.output
    sheet = openpyxl.load_workbook(output / ROUND / "follow-up.xlsx")["Samtaler"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if "E-post avvist" in r)
    refused = {r[0]: r[header.index("E-post avvist")] for r in rows[rows.index(header) + 1 :] if r[0]}
    assert refused["102"] == "550 5.1.1 No such user here"
    assert refused["101"] is None


def test_a_cancelled_meeting_gets_a_cancellation_sent_after_its_invitation(
    base_workbook, make_workbook, server, tmp_path, monkeypatch
):
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-01-02")
    controller, mailbox = server
    output = tmp_path / "output"
    assert (
        CliRunner().invoke(cli, ["invite", "--email", "-w", str(base_workbook), "-o", str(output)]).exit_code
        == 0
    )
    without = make_workbook(schedule={"103": None})

    result = CliRunner().invoke(cli, ["invite", "--email", "-w", str(without), "-o", str(output)])

    assert result.exit_code == 0, result.output
    [cancellation] = [p for p in outbox(output) if p.stem in ("avlysning", "cancellation")]
    message = email.message_from_bytes(cancellation.read_bytes(), policy=policy.default)
    assert message["To"] == "Anne Lie <anne@fjordtre.no>"
    assert message["Subject"].startswith(
        "Cancelled: appraisal conversation Tuesday 19 January 2027"
    )  # Anne reads English
    [calendar] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in calendar.get_content()

    config = write_config(tmp_path / "appraisal.toml", controller.port)
    assert send(without, output, config, "--yes").exit_code == 0
    to_anne = [m for to, m in mailbox.received if to == ["anne@fjordtre.no"]]
    assert [m["Subject"].strip().split(" ")[0] for m in to_anne] == ["Invitation", "Cancelled:"]


def test_a_damaged_file_in_the_outbox_is_named_and_the_rest_are_sent(queued, server, tmp_path):
    workbook, output = queued
    controller, mailbox = server
    broken = output / ROUND / "outbox" / "100-Kari Nordmann" / "notat.eml"
    broken.write_bytes(b"This is not an e-mail the tool queued\r\n")
    config = write_config(tmp_path / "appraisal.toml", controller.port)

    result = send(workbook, output, config, "--yes")

    assert result.exit_code == 0, result.output
    assert (
        f"not sent  {broken}: not an e-mail the tool queued (it has no Message-ID or no To)." in result.output
    )
    assert len(mailbox.received) == 5
