"""E-mail to people who signed up: short, kind, in the language they used, with their private
link and a calendar file. Sent after the transaction commits; the background-work issue moves
this to an outbox so that nothing is lost when mail or the broker is down."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import ical

logger = logging.getLogger(__name__)


def _absolute(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def manage_link(token, language):
    with translation.override(language):
        return _absolute(reverse("signup-manage", kwargs={"token": token}))


def _send(signup, template, context, *, method=None, occurrences=None):
    """Render `email/<template>.txt` in the sign-up's language and send it, with the dates as
    an .ics attachment when `method` is given. Only ids reach the log."""
    with translation.override(signup.language):
        event = signup.event.localized
        context = {"signup": signup, "event": event, **context}
        subject = render_to_string(f"email/{template}_subject.txt", context).strip()
        body = render_to_string(f"email/{template}.txt", context)
        message = EmailMultiAlternatives(subject, body, to=[signup.email])
        if method:
            calendar = ical.signup_calendar(signup, method=method, occurrences=occurrences)
            message.attach("ibasho.ics", calendar, f"text/calendar; charset=utf-8; method={method}")
    try:
        message.send()
    except OSError:
        # Until the outbox exists, a mail server that is down must not break a sign-up.
        logger.exception("could not send %s e-mail for sign-up %s", template, signup.pk)


def send_signup_confirmation(signup, token):
    if not signup.email:
        return
    link = manage_link(token, signup.language)
    transaction.on_commit(
        lambda: _send(signup, "signup_confirmation", {"link": link}, method="REQUEST")
    )


def send_offer(signup, token):
    if not signup.email:
        return
    link = manage_link(token, signup.language)
    transaction.on_commit(lambda: _send(signup, "offer", {"link": link}))


def send_lost_links(email, *, language):
    """New links to each current sign-up made with this address (none: no e-mail at all)."""
    from .models import SignUp
    from .services import new_manage_link

    signups = list(
        SignUp.objects.active()
        .filter(email__iexact=email, erased_at__isnull=True)
        .select_related("event", "occurrence")
    )
    if not signups:
        return
    links = [(signup, manage_link(new_manage_link(signup=signup), language)) for signup in signups]
    first = signups[0]
    first.language = language
    transaction.on_commit(lambda: _send(first, "lost_links", {"links": links}))


def send_date_changed(occurrence, *, cancelled):
    """The organiser cancelled or moved a date: everyone who gave an e-mail and holds a place,
    waits for one, or is enrolled in the series hears of it, with the calendar updated (the
    same UID, a higher SEQUENCE; METHOD:CANCEL for a cancellation)."""
    from .models import SignUp, SignUpKind, SignUpStatus
    from .services import new_manage_link

    on_date = SignUp.objects.filter(occurrence=occurrence)
    enrolled = SignUp.objects.filter(
        event=occurrence.event_id, kind=SignUpKind.ENROLMENT, status=SignUpStatus.CONFIRMED
    )
    people = (
        (on_date | enrolled)
        .active()
        .exclude(email="")
        .exclude(kind=SignUpKind.MAYBE)
        .select_related("event", "occurrence")
    )
    template = "date_cancelled" if cancelled else "date_moved"
    for signup in people:
        link = manage_link(new_manage_link(signup=signup), signup.language)
        transaction.on_commit(
            lambda signup=signup, link=link: _send(
                signup,
                template,
                {"link": link, "date": occurrence},
                method="CANCEL" if cancelled else "REQUEST",
                occurrences=[occurrence],
            )
        )
