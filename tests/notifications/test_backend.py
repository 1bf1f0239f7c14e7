"""Every mail the application sends through Django goes through the queue (issue 13): a password
reset or a new account's link is a Delivery, sent by the task with its retries, and a mail server
that is down never fails the page (the mail waits on the undelivered list)."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Delivery, Event

pytestmark = pytest.mark.django_db

QUEUED = "notifications.backends.QueuedEmailBackend"


@pytest.fixture
def queued(settings):
    settings.EMAIL_BACKEND = QUEUED
    settings.MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_a_password_reset_is_queued_recorded_and_sent(
    city, queued, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": city.chief_a.email})

    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.recipient, delivery.status) == (
        Event.ACCOUNT,
        city.chief_a,
        Delivery.Status.SENT,
    )
    assert [message.to for message in mail.outbox] == [[city.chief_a.email]]
    assert mail.outbox[0].subject == delivery.subject


def test_a_mail_server_that_is_down_never_fails_the_password_reset(
    city, queued, client, django_capture_on_commit_callbacks
):
    queued.MAIL_TRANSPORT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    queued.EMAIL_HOST, queued.EMAIL_PORT, queued.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": city.chief_a.email})

    assert response.status_code == 302  # the page goes on as usual
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.RETRYING and delivery.last_error
    client.force_login(city.planner)
    page = client.get(reverse("notifications:undelivered")).content.decode()
    assert delivery.subject in page  # planning staff see what did not arrive
