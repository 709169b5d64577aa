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
from .models import SignUpStatus

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
    except OSError as error:
        # Until the outbox exists, a mail server that is down must not break a sign-up. Only
        # the error's kind is logged: SMTP errors quote the recipient's address.
        logger.error(
            "could not send %s e-mail for sign-up %s: %s", template, signup.pk, type(error).__name__
        )


def send_signup_confirmation(signup, token):
    if not signup.email:
        return
    link = manage_link(token, signup.language)
    # A calendar invitation only for a place that is really theirs, not for the waiting list.
    method = "REQUEST" if signup.status == SignUpStatus.CONFIRMED else None
    transaction.on_commit(
        lambda: _send(signup, "signup_confirmation", {"link": link}, method=method)
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


def send_dates_changed(occurrences, *, cancelled, restored=False):
    """The organiser cancelled or moved dates (of one event): everyone who gave an e-mail and
    holds a place, waits for one, or is enrolled in the series hears of it once, with their
    calendar updated (the same UIDs, higher SEQUENCEs; METHOD:CANCEL for cancellations). A
    date given back (`restored`) is sent as a new invitation."""
    from .models import SignUp, SignUpKind
    from .services import new_manage_link

    occurrences = list(occurrences)
    if not occurrences:
        return
    event_id = occurrences[0].event_id
    on_dates = SignUp.objects.filter(occurrence__in=occurrences)
    enrolled = SignUp.objects.filter(
        event=event_id, kind=SignUpKind.ENROLMENT, status=SignUpStatus.CONFIRMED
    )
    people = (
        (on_dates | enrolled)
        .active()
        .exclude(email="")
        .exclude(kind=SignUpKind.MAYBE)
        .select_related("event", "occurrence")
    )
    template = "date_cancelled" if cancelled else "date_restored" if restored else "date_moved"
    for signup in people:
        dates = [o for o in occurrences if signup.occurrence_id in (None, o.pk)]
        link = manage_link(new_manage_link(signup=signup), signup.language)
        transaction.on_commit(
            lambda signup=signup, link=link, dates=dates: _send(
                signup,
                template,
                {"link": link, "dates": dates},
                method="CANCEL" if cancelled else "REQUEST",
                occurrences=dates,
            )
        )
