"""The mail settings page (each user's own) and the undelivered mail page (planning staff)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import Delivery, NotificationSetting
from tests.notifications.conftest import address

pytestmark = pytest.mark.django_db


def test_settings_page_shows_the_address_and_the_choice(city, client_for):
    response = client_for(city.chief_a).get(reverse("notifications:settings"))
    assert response.status_code == 200
    page = response.content.decode()
    assert address(city.chief_a) in page
    assert "催促のメールを受け取る" in page and "checked" in page


def test_turning_reminders_off_and_on(city, client_for):
    client = client_for(city.chief_a)
    response = client.post(reverse("notifications:settings"), {}, follow=True)
    assert "催促のメールを止めました。" in response.content.decode()
    assert NotificationSetting.objects.get(user=city.chief_a).reminders_enabled is False
    assert not NotificationSetting.objects.filter(user=city.chief_b).exists()
    client.post(reverse("notifications:settings"), {"reminders_enabled": "on"})
    assert NotificationSetting.objects.get(user=city.chief_a).reminders_enabled is True


def test_without_an_address_the_page_says_so(org, client_for):
    response = client_for(org.chief_a).get(reverse("notifications:settings"))
    assert "メールアドレスが登録されていないため" in response.content.decode()


def make_failed(city, user=None, **values):
    user = user or city.head_a
    values = {
        "recipient": user,
        "to_address": address(user),
        "event": "sheet_returned",
        "subject": "[国分寺市 組織目標] 市民部の整理表が差し戻されました",
        "body_text": "本文",
        "status": Delivery.Status.FAILED,
        "attempts": 4,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
    } | values
    return Delivery.objects.create(**values)


def test_planning_staff_see_undelivered_mail_and_not_the_sent(city, client_for):
    make_failed(city)
    make_failed(city, user=city.chief_a, status=Delivery.Status.SENT, subject="届いたメール")
    response = client_for(city.planner).get(reverse("notifications:undelivered"))
    page = response.content.decode()
    assert "市民部の整理表が差し戻されました" in page and "送信失敗" in page
    assert "SMTPServerDisconnected" in page
    assert "届いたメール" not in page


@pytest.mark.parametrize("persona", ["head_a", "chief_a"])
def test_others_may_not_see_undelivered_mail(city, client_for, persona):
    response = client_for(getattr(city, persona)).get(reverse("notifications:undelivered"))
    assert response.status_code == 403


def test_resend_sends_again(city, client_for, django_capture_on_commit_callbacks):
    delivery = make_failed(city)
    client = client_for(city.planner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:resend", args=[delivery.pk]), follow=True)
    assert "送り直します" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 1
    assert [message.to for message in mail.outbox] == [[address(city.head_a)]]


def test_resend_without_an_address_says_so(city, client_for):
    city.head_a.email = ""
    city.head_a.save(update_fields=["email"])
    delivery = make_failed(city, to_address="", status=Delivery.Status.NO_ADDRESS)
    response = client_for(city.planner).post(
        reverse("notifications:resend", args=[delivery.pk]), follow=True
    )
    assert "送り直せません" in response.content.decode()


def test_resend_is_post_only(city, client_for):
    delivery = make_failed(city)
    response = client_for(city.planner).get(reverse("notifications:resend", args=[delivery.pk]))
    assert response.status_code == 405


def test_the_failed_attempts_are_retried_then_given_up(city, monkeypatch):
    def broken(self, messages):
        raise TimeoutError("timed out")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)
    delivery = make_failed(city, status=Delivery.Status.QUEUED, attempts=0, last_error="")
    for attempt in range(1, services.MAX_ATTEMPTS + 1):
        retry_at = services.delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        if attempt < services.MAX_ATTEMPTS:
            assert delivery.status == Delivery.Status.RETRYING and retry_at is not None
        else:
            assert delivery.status == Delivery.Status.FAILED and retry_at is None
    assert "timed out" in delivery.last_error
    # A given-up delivery is not tried again by itself.
    assert services.delivery_attempt(delivery_id=delivery.pk) is None
