"""E-mail to people who signed up: short, kind, in the language they used, with their private
link and a calendar file.

The `send_*` and `plan_*` functions are called inside the transaction of the change that
causes the mail: they only write outbox rows (events.messages.outbox). The `render_*`
functions, registered with the outbox for each kind below, turn a row into a mail when it is
sent, from current data, or into nothing when the mail is no longer needed (a cancelled
sign-up, an offer already taken, erased data). Manage links are minted at send time:
the raw token of a link is never stored, only its hash (ManageToken)."""

import datetime as dt
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..messages import addresses, kinds, outbox
from ..messages.models import MessageStatus, OutboxMessage
from ..schedule.models import Occurrence
from ..schedule.places import PLACE_RELATIONS
from ..schedule.recurrence import site_zone
from . import tokens
from .calendar import signup_calendar
from .links import manage_link, new_manage_link
from .models import Absence, Author, DateMessage, MessageKind, SignUp, SignUpKind, SignUpStatus


def _fresh_link(signup, language=None):
    return manage_link(new_manage_link(signup=signup), language or signup.language)


# --- Writing rows (inside the caller's transaction) --------------------------------------------


def _outbox_key(signup):
    return f"confirmation-{signup.pk}"


def may_confirm(email):
    """Counts one confirmation to this address against IBASHO_MAIL_RATE_PER_ADDRESS (anyone can
    type anyone's address): False once too many went there lately. True without an address."""
    if not email:
        return True
    return addresses.may_mail(
        email, group="ibasho-mail-confirmation", rate=settings.IBASHO_MAIL_RATE_PER_ADDRESS
    )


def send_signup_confirmation(signup, *, may_mail=None, code=""):
    """The confirmation, unless the per-address limit holds it back (`may_mail`, from
    may_confirm, counted by the caller before its row lock, or here): then nothing is written
    and False comes back, and the sign-up, taken all the same, gets no reminders either. True
    when there is no address. The booking code goes to the worker sealed."""
    if not signup.email:
        return True
    if not (may_confirm(signup.email) if may_mail is None else may_mail):
        return False
    # The booking code goes to the worker sealed, and is sealed again under the e-mail's link.
    payload = {"code_box": tokens.seal_code(code, _outbox_key(signup))} if code else {}
    outbox.queue(kind=MessageKind.CONFIRMATION, signup=signup, payload=payload)
    return True


def confirmation_held_back(signup):
    """Did a new sign-up with an address get no confirmation (the per-address limit)?"""
    return bool(signup.email) and not signup.messages.filter(kind=MessageKind.CONFIRMATION).exists()


def send_offer(signup):
    if signup.email:
        outbox.queue(kind=MessageKind.OFFER, signup=signup)


def send_cancellation_note(signup, *, had_place):
    """The person cancelled: a short "you have cancelled" for their records, which takes the
    entries out of their calendar when they had a place (and so an invitation)."""
    if signup.email:
        outbox.queue(
            kind=MessageKind.CANCELLED_BY_YOU, signup=signup, payload={"had_place": had_place}
        )


def send_lost_links(email, *, language):
    """One row whatever the address, so the page takes the same time whether or not anyone
    signed up with it; none beyond IBASHO_LOST_LINKS_RATE_PER_ADDRESS for one address (the
    page says the same either way). The address is kept on the row only until it is
    handled."""
    if addresses.may_mail(
        email, group="ibasho-mail-lost-links", rate=settings.IBASHO_LOST_LINKS_RATE_PER_ADDRESS
    ):
        outbox.queue(kind=MessageKind.LOST_LINKS, to_address=email, payload={"language": language})


def send_dates_changed(occurrences, *, cancelled, restored=False):
    """The organiser cancelled or moved dates (of one event): everyone who gave an e-mail and
    holds a place, waits for one, or is enrolled in the series hears of it once, with their
    calendar updated (the same UIDs, higher SEQUENCEs; METHOD:CANCEL for cancellations). A
    date given back (`restored`) is sent as a new invitation."""
    occurrences = list(occurrences)
    if not occurrences:
        return
    event_id = occurrences[0].event_id
    on_dates = SignUp.objects.filter(occurrence__in=occurrences)
    enrolled = SignUp.objects.filter(
        event=event_id, kind=SignUpKind.ENROLMENT, status=SignUpStatus.CONFIRMED
    )
    people = (on_dates | enrolled).active().exclude(email="").exclude(kind=SignUpKind.MAYBE)
    change = "cancelled" if cancelled else "restored" if restored else "moved"
    for signup in people:
        dates = [o.pk for o in occurrences if signup.occurrence_id in (None, o.pk)]
        outbox.queue(
            kind=MessageKind.DATES_CHANGED,
            signup=signup,
            payload={"occurrences": dates, "change": change},
        )


def send_host_message(message):
    """The host wrote to everyone a date concerns: one mail to each who gave an address and
    still comes (not a "maybe", which has none). The text is read from the message when sent."""
    people = (
        SignUp.objects.on_date(message.occurrence)
        .active()
        .filter(erased_at__isnull=True)
        .exclude(email="")
    )
    for signup in people:
        outbox.queue(kind=MessageKind.FROM_HOST, signup=signup, payload={"message": message.pk})


def reminder_due(occurrence):
    """IBASHO_REMINDER_DAYS_BEFORE days before the date, at IBASHO_REMINDER_HOUR, site time."""
    zone = site_zone()
    day = timezone.localtime(occurrence.start, zone).date() - dt.timedelta(
        days=settings.IBASHO_REMINDER_DAYS_BEFORE
    )
    return dt.datetime.combine(day, dt.time(settings.IBASHO_REMINDER_HOUR), tzinfo=zone)


def _reminder_key(signup_id, occurrence_id):
    return f"reminder:{signup_id}:{occurrence_id}"


def plan_reminders(signup, *, occurrences=None, now=None):
    """A reminder for each date of a sign-up that asked for one: the booked date, or every
    coming date of an enrolled series. A reminder whose time has passed is not planned.
    Idempotent (one row per sign-up and date); whether it is still wanted is checked when
    it is due."""
    now = now or timezone.now()
    if not (signup.wants_reminder and signup.email) or signup.kind == SignUpKind.MAYBE:
        return
    if occurrences is None:
        if signup.occurrence_id:
            occurrences = [signup.occurrence]
        else:
            occurrences = Occurrence.objects.filter(event=signup.event_id).upcoming(now)
    for occurrence in occurrences:
        due = reminder_due(occurrence)
        if occurrence.is_cancelled or due <= now:
            continue
        outbox.queue(
            kind=MessageKind.REMINDER,
            signup=signup,
            payload={"occurrence": occurrence.pk},
            due_at=due,
            dedupe_key=_reminder_key(signup.pk, occurrence.pk),
        )


def replan_reminders(occurrences, *, now=None):
    """Dates were added, moved or given back: reminders follow the new time (or are dropped,
    when their time has now passed; one already sent or skipped for the old time is sent again
    for the new one), and people who want reminders get one for a date they did not have one
    for (a new date of their series). Idempotent."""
    now = now or timezone.now()
    occurrences = list(occurrences)
    if not occurrences:
        return
    by_pk = {o.pk: o for o in occurrences}
    planned = OutboxMessage.objects.filter(
        kind=MessageKind.REMINDER,
        status__in=[MessageStatus.PENDING, MessageStatus.SENT, MessageStatus.SKIPPED],
        payload__occurrence__in=list(by_pk),
    )
    for message in planned:
        due = reminder_due(by_pk[message.payload["occurrence"]])
        if due != message.due_at:
            message.due_at = message.next_attempt_at = due
            if due > now:
                message.status, message.attempts, message.sent_at = MessageStatus.PENDING, 0, None
            elif message.status == MessageStatus.PENDING:
                message.status = MessageStatus.SKIPPED
            message.save(
                update_fields=[
                    "due_at",
                    "next_attempt_at",
                    "status",
                    "attempts",
                    "sent_at",
                    "updated_at",
                ]
            )
    event_id = occurrences[0].event_id
    wanting = SignUp.objects.active().filter(wants_reminder=True, erased_at__isnull=True).exclude(
        email=""
    ).filter(occurrence__in=occurrences) | SignUp.objects.active().filter(
        wants_reminder=True, erased_at__isnull=True
    ).exclude(email="").filter(event=event_id, kind=SignUpKind.ENROLMENT)
    planned = set(
        OutboxMessage.objects.filter(
            kind=MessageKind.REMINDER, payload__occurrence__in=list(by_pk)
        ).values_list("dedupe_key", flat=True)
    )
    for signup in wanting:
        dates = [o for o in occurrences if signup.occurrence_id in (None, o.pk)]
        dates = [o for o in dates if _reminder_key(signup.pk, o.pk) not in planned]
        if dates:
            plan_reminders(signup, occurrences=dates, now=now)


# --- Rendering (at send time) ------------------------------------------------------------------


def _mail(template, context, *, language, to, calendar=None, method=None):
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", context).strip()
        body = render_to_string(f"email/{template}.txt", context)
    email = EmailMultiAlternatives(subject, body, to=[to])
    if calendar is not None:
        email.attach(calendar_part(calendar, method))
    return email


def calendar_part(calendar, method):
    """The calendar file of an e-mail, as iMIP says (RFC 6047 §2.4): `text/calendar` with its
    charset and the calendar's METHOD once each. (Django's `attach()` with a content type would
    add a second charset.)"""
    part = MIMEText(calendar.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="ibasho.ics")
    return part


def _reachable(signup_id):
    """The sign-up, read now, if we may still write to it; else None."""
    signup = SignUp.objects.select_related("event", "occurrence").filter(pk=signup_id).first()
    if signup is None or signup.erased_at or not signup.email or not signup.is_active:
        return None
    return signup


def _signup_mail(signup, template, context, *, method=None, occurrences=None):
    with translation.override(signup.language):
        context = {"signup": signup, "event": signup.event.localized, **context}
        calendar = None
        if method:
            calendar = signup_calendar(
                signup, method=method, occurrences=occurrences, manage_url=context.get("link")
            )
    return _mail(
        template,
        context,
        language=signup.language,
        to=signup.email,
        calendar=calendar,
        method=method,
    )


def render_confirmation(message, now):
    signup = _reachable(message.signup_id)
    if signup is None:
        return None
    # A calendar invitation only for a place that is really theirs, not for the waiting list.
    method = "REQUEST" if signup.status == SignUpStatus.CONFIRMED else None
    code = tokens.open_code(message.payload.get("code_box", ""), _outbox_key(signup))
    link = manage_link(new_manage_link(signup=signup, code=code), signup.language)
    context = {"link": link, "code": tokens.format_code(code)}
    return _signup_mail(signup, "signup_confirmation", context, method=method)


def render_offer(message, now):
    signup = _reachable(message.signup_id)
    if signup is None or signup.status != SignUpStatus.OFFERED or signup.offer_expires_at <= now:
        return None  # taken, declined or passed on meanwhile
    return _signup_mail(signup, "offer", {"link": _fresh_link(signup)})


def render_dates_changed(message, now):
    signup = _reachable(message.signup_id)
    if signup is None:
        return None
    dates = list(
        Occurrence.objects.filter(pk__in=message.payload["occurrences"])
        .select_related(*PLACE_RELATIONS)
        .order_by("start")
    )
    if not dates:
        return None
    change = message.payload["change"]
    template = {"cancelled": "date_cancelled", "restored": "date_restored"}.get(
        change, "date_moved"
    )
    return _signup_mail(
        signup,
        template,
        {"link": _fresh_link(signup), "dates": dates},
        method="CANCEL" if change == "cancelled" else "REQUEST",
        occurrences=dates,
    )


def render_cancelled_by_you(message, now):
    signup = (
        SignUp.objects.select_related("event", "occurrence").filter(pk=message.signup_id).first()
    )
    if signup is None or signup.erased_at or not signup.email or signup.is_active:
        return None  # erased, or booked again meanwhile
    method = "CANCEL" if message.payload.get("had_place") else None
    context = {"link": _fresh_link(signup), "with_calendar": method is not None}
    return _signup_mail(signup, "signup_cancelled", context, method=method)


def render_reminder(message, now):
    """Only for a place still held on a date still on: not for a cancelled sign-up or date,
    a date that has started, or a course date the family said they would miss."""
    signup = _reachable(message.signup_id)
    if signup is None or signup.status != SignUpStatus.CONFIRMED:
        return None
    occurrence = (
        Occurrence.objects.filter(pk=message.payload["occurrence"])
        .select_related(*PLACE_RELATIONS)
        .first()
    )
    if occurrence is None or occurrence.is_cancelled or occurrence.start <= now:
        return None
    if occurrence.event_id != signup.event_id or not occurrence.event.live:
        return None
    if signup.kind == SignUpKind.BOOKING and signup.occurrence_id != occurrence.pk:
        return None
    if Absence.objects.filter(signup=signup, occurrence=occurrence).exists():
        return None
    return _signup_mail(signup, "reminder", {"link": _fresh_link(signup), "occurrence": occurrence})


def render_host_message(message, now):
    """The host's words, and the way back to the manage page to read and reply; nothing when
    the sign-up was cancelled or the message erased meanwhile."""
    signup = _reachable(message.signup_id)
    if signup is None:
        return None
    written = (
        DateMessage.objects.filter(pk=message.payload.get("message"), author=Author.HOST)
        .select_related("occurrence")
        .first()
    )
    if written is None:
        return None
    context = {"link": _fresh_link(signup), "message": written, "occurrence": written.occurrence}
    return _signup_mail(signup, "host_message", context)


def render_lost_links(message, now):
    """New links to each current sign-up made with this address (none: no e-mail at all)."""
    language = message.payload.get("language", settings.LANGUAGE_CODE)
    if not message.to_address:
        return None
    signups = list(
        SignUp.objects.active()
        .filter(email__iexact=message.to_address, erased_at__isnull=True)
        .select_related("event", "occurrence")
    )
    if not signups:
        return None
    links = [(signup, _fresh_link(signup, language)) for signup in signups]
    return _mail("lost_links", {"links": links}, language=language, to=message.to_address)


for kind, render in [
    (MessageKind.CONFIRMATION, render_confirmation),
    (MessageKind.OFFER, render_offer),
    (MessageKind.DATES_CHANGED, render_dates_changed),
    (MessageKind.REMINDER, render_reminder),
    (MessageKind.LOST_LINKS, render_lost_links),
    (MessageKind.CANCELLED_BY_YOU, render_cancelled_by_you),
    (MessageKind.FROM_HOST, render_host_message),
]:
    kinds.register(kind, label=kind.label, render=render)
