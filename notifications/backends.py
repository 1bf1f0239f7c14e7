"""The mail backend of the application: every mail sent through Django's mail API (a password
reset, a new account's set-password link, …) becomes a Delivery and is sent by the background
task with its retries, like the workflow mails. A failing mail server never fails the user's
action, and what did not arrive is on the planning staff's list of undelivered mail.

The backend that really sends is MAIL_TRANSPORT_BACKEND (the EMAIL_BACKEND variable of the
environment: SMTP in production, the console in development).
"""

from django.core.mail.backends.base import BaseEmailBackend

from notifications import services, tasks


def _html_of(message) -> str:
    for content, mimetype in getattr(message, "alternatives", None) or []:
        if mimetype == "text/html":
            return content
    return ""


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        ids = []
        for message in email_messages:
            for address in message.recipients():
                delivery = services.delivery_record(
                    to_address=address,
                    subject=str(message.subject),
                    body_text=str(message.body),
                    body_html=_html_of(message),
                )
                ids.append(delivery.pk)
        tasks.deliveries_enqueue(ids)
        return len(email_messages)
