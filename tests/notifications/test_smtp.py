"""A mail through a real SMTP server on a loopback port (aiosmtpd, started here in a thread),
read back as the server received it, Japanese headers decoded."""

import email
import email.policy
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from goals import services as sheet_services
from notifications.models import Delivery
from tests.notifications.conftest import SITE, address

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    # aiosmtpd checks the server by connecting to the port it was given: name a free one.
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_a_sheet_returned_mail_through_a_real_smtp_server(
    city, settings, smtp_server, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    sheet = city.sheet_a
    sheet = sheet_services.sheet_submit(sheet=sheet, version=sheet.version, user=city.head_a)
    mail.outbox.clear()
    inbox.envelopes.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sheet_services.sheet_return(
            sheet=sheet,
            comment="番号1の期限を「年度末」に。",
            version=sheet.version,
            user=city.planner,
        )
    assert sorted(rcpt for envelope in inbox.envelopes for rcpt in envelope.rcpt_tos) == [
        "head_a2@city.example.jp",
        address(city.head_a),
    ]
    envelope = next(e for e in inbox.envelopes if e.rcpt_tos == [address(city.head_a)])
    assert envelope.mail_from == "mokuhyo@city.example.jp"
    raw = envelope.original_content
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "[国分寺市 組織目標] 市民部の整理表が差し戻されました"
    assert message["Subject"].isascii()  # encoded on the wire (RFC 2047)
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part for part in message.walk()}
    text = (
        parts["text/plain"]
        .get_payload(decode=True)
        .decode(parts["text/plain"].get_content_charset())
    )
    html = (
        parts["text/html"].get_payload(decode=True).decode(parts["text/html"].get_content_charset())
    )
    assert "市民 太郎 様" in text
    assert "番号1の期限を「年度末」に。" in text and "番号1の期限を「年度末」に。" in html
    assert f"{SITE}/sheets/{sheet.pk}/" in text
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2


def test_a_server_that_is_down_leaves_the_mail_to_retry(
    city, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens on the discard port
    settings.EMAIL_TIMEOUT = 2
    sheet = city.sheet_a
    with django_capture_on_commit_callbacks(execute=True):
        sheet = sheet_services.sheet_submit(sheet=sheet, version=sheet.version, user=city.head_a)
    assert sheet.status == "submitted"
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.RETRYING}
