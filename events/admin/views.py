"""Staff pages for sign-ups in the Wagtail admin: one date's list to print, with the actions on
each sign-up; sign-ups taken by phone or on paper; monthly counts for reports; and e-mail that
could not be sent. URLs carry ids only, never a name."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..messages import outbox
from ..messages.models import MessageStatus, OutboxMessage
from ..pages.models import EventPage
from ..schedule.models import Occurrence
from ..schedule.recurrence import site_zone
from ..signups import places, services
from ..signups.links import manage_link
from ..signups.models import (
    HOLDING_PLACES,
    Absence,
    JoinMode,
    SignUp,
    SignUpKind,
    SignUpSource,
    SignUpStatus,
)
from ..signups.tokens import format_code, new_form_key
from .forms import AttendedForm, FindBookingForm, MonthForm, StaffBookingForm, StaffEnrolmentForm

event_permission_policy = PagePermissionPolicy(EventPage)


def can_manage_signups(user, event):
    """Whoever may edit an event's page may see and change who signed up for it."""
    return event.permissions_for_user(user).can_edit()


def can_see_attendance(user):
    """The monthly counts hold no names: anyone who may edit some event may read them."""
    if user.is_superuser:
        return user.is_active
    return event_permission_policy.instances_user_has_permission_for(user, "change").exists()


def _date_for_staff(request, occurrence_id):
    occurrence = get_object_or_404(
        Occurrence.objects.select_related("event", "space"), pk=occurrence_id
    )
    if not can_manage_signups(request.user, occurrence.event):
        raise PermissionDenied
    return occurrence


def _signups_of(occurrence):
    """The bookings and "maybe"s of a date, and the enrolments in its series."""
    return SignUp.objects.filter(
        Q(occurrence=occurrence) | Q(event_id=occurrence.event_id, kind=SignUpKind.ENROLMENT)
    )


def with_signup_counts(dates):
    """Dates with `booked_people`, `waiting_people` (bookings of that date, by party size) and
    `maybe_count` ("I might come"s), in the same query as the dates."""
    active = ~Q(signups__status__in=[SignUpStatus.CANCELLED, SignUpStatus.DECLINED])
    booking = Q(signups__kind=SignUpKind.BOOKING)
    return dates.annotate(
        booked_people=Coalesce(
            Sum("signups__party_size", filter=booking & Q(signups__status__in=HOLDING_PLACES)), 0
        ),
        waiting_people=Coalesce(
            Sum("signups__party_size", filter=booking & Q(signups__status=SignUpStatus.WAITING)),
            0,
        ),
        maybe_count=Count("signups", filter=active & Q(signups__kind=SignUpKind.MAYBE)),
    )


def day_sheet(occurrence):
    """Who is coming to one date, in the order the printed list shows it, with the totals."""
    signups = list(_signups_of(occurrence).active().order_by("queued_at", "pk"))
    absent = set(Absence.objects.filter(occurrence=occurrence).values_list("signup_id", flat=True))
    bookings = [s for s in signups if s.kind == SignUpKind.BOOKING]
    enrolments = [s for s in signups if s.kind == SignUpKind.ENROLMENT]
    for signup in enrolments:
        signup.is_absent = signup.pk in absent
    confirmed = [s for s in bookings if s.status == SignUpStatus.CONFIRMED]
    waiting = places.in_line(bookings)
    enrolled = [s for s in enrolments if s.status == SignUpStatus.CONFIRMED]
    enrolments_waiting = places.in_line(enrolments)
    counted = [s.attended for s in bookings if s.attended is not None]
    return {
        "confirmed": confirmed,
        "waiting": waiting,
        "enrolled": enrolled,
        "pending": [s for s in enrolments if s.status == SignUpStatus.PENDING],
        "enrolments_waiting": enrolments_waiting,
        "maybe_count": sum(1 for s in signups if s.kind == SignUpKind.MAYBE),
        "people_confirmed": sum(s.party_size for s in confirmed)
        + sum(s.party_size for s in enrolled if not s.is_absent),
        "people_waiting": sum(s.party_size for s in [*waiting, *enrolments_waiting]),
        # Everyone counted at the door where staff did, otherwise what they counted per booking.
        "people_came": occurrence.head_count
        if occurrence.head_count is not None
        else (sum(counted) if counted else None),
    }


# Blank rows on the printed list for people who come without a booking.
WALK_IN_ROWS = 6


def day_signups(request, occurrence_id):
    """One date's sign-ups, to print or to act on."""
    occurrence = _date_for_staff(request, occurrence_id)
    event = occurrence.event
    series = event.join_mode == JoinMode.ENROLMENT
    context = {
        "occurrence": occurrence,
        "event": event,
        "is_series": series,
        # A series counts its places over the whole course, a single date on the date.
        "places_left": places.places_left(
            **({"event": event} if series else {"occurrence": occurrence})
        ),
        **day_sheet(occurrence),
        "walk_in_rows": range(WALK_IN_ROWS),
    }
    return TemplateResponse(request, "events/admin/day_signups.html", context)


@require_POST
def date_head_count(request, occurrence_id):
    """Staff note how many people came to a date in all (a "just come" date, a course day)."""
    occurrence = _date_for_staff(request, occurrence_id)
    _save_how_many_came(request, occurrence, "head_count")
    return redirect("events_day_signups", occurrence_id=occurrence.pk)


def _save_how_many_came(request, instance, field):
    """The count from AttendedForm into `field` of a date or a booking, with a message. Only
    this field is written: the row may have been changed since the list was shown."""
    form = AttendedForm(request.POST)
    if form.is_valid():
        setattr(instance, field, form.cleaned_data["attended"])
        instance.save(update_fields=[field, "updated_at"])
        messages.success(request, _("Saved how many came."))
    else:
        messages.error(request, form.errors["attended"][0])


STATUS_MESSAGES = {
    SignUpStatus.CONFIRMED: _("The sign-up is confirmed."),
    SignUpStatus.WAITING: _("There were not enough places, so the sign-up is on the waiting list."),
    SignUpStatus.PENDING: _("The enrolment is waiting for a decision after the intake talk."),
    SignUpStatus.DECLINED: _("The enrolment was declined."),
}


def _take_signup(request, occurrence, form_class, sign_up, title):
    """Show a staff sign-up form; on a valid POST call `sign_up(**cleaned_data)`, which returns
    what the service does: (signup, token, created)."""
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                signup, token, created = sign_up(**form.cleaned_data)
            except services.SignUpError as error:
                form.add_error(None, str(error))
            else:
                if created:
                    messages.success(request, STATUS_MESSAGES[signup.status])
                    # The code to read out on the phone or write on the paper slip, shown once.
                    return _show_new_code(request, occurrence, signup, token, signup.booking_code)
                else:
                    messages.info(request, _("This form had already been sent; nothing was added."))
                return redirect("events_day_signups", occurrence_id=occurrence.pk)
    else:
        form = form_class(initial={"form_key": new_form_key()})
    return TemplateResponse(
        request,
        "events/admin/add_signup.html",
        {"occurrence": occurrence, "form": form, "title": title},
    )


def add_booking(request, occurrence_id):
    """A booking for this date taken by phone or on paper; capacity and the waiting list apply
    as online, whatever the event's way of joining."""
    occurrence = _date_for_staff(request, occurrence_id)

    def book(**data):
        return services.book_place(occurrence=occurrence, source=SignUpSource.STAFF, **data)

    return _take_signup(request, occurrence, StaffBookingForm, book, _("Add a booking"))


def add_enrolment(request, occurrence_id):
    """An enrolment in the whole series of this date, taken by phone or on paper."""
    occurrence = _date_for_staff(request, occurrence_id)
    if occurrence.event.join_mode != JoinMode.ENROLMENT:
        raise Http404

    def enrol(**data):
        return services.enrol(event=occurrence.event, source=SignUpSource.STAFF, **data)

    return _take_signup(request, occurrence, StaffEnrolmentForm, enrol, _("Add an enrolment"))


def _show_new_code(request, occurrence, signup, token, code):
    """The booking code and private address of a sign-up, shown to staff this once (neither is
    kept anywhere but as a hash). Never cached."""
    context = {
        "occurrence": occurrence,
        "event": occurrence.event,
        "signup": signup,
        "code": format_code(code),
        "link": manage_link(token, signup.language),
    }
    response = TemplateResponse(request, "events/admin/new_code.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
def signup_action(request, occurrence_id, signup_id):
    """One staff action on one sign-up of the date, then back to the date's list."""
    occurrence = _date_for_staff(request, occurrence_id)
    signup = get_object_or_404(_signups_of(occurrence), pk=signup_id)
    action = request.POST.get("action")
    if action == "new_code":
        if request.POST.get("confirmed") != "1":
            # The old code and links stop working: ask first.
            context = {"occurrence": occurrence, "event": occurrence.event, "signup": signup}
            return TemplateResponse(request, "events/admin/confirm_new_code.html", context)
        try:
            token, code = services.renew_link(signup=signup)
        except services.SignUpError as error:
            messages.error(request, str(error))
            return redirect("events_day_signups", occurrence_id=occurrence.pk)
        return _show_new_code(request, occurrence, signup, token, code)
    if action == "cancel" and request.POST.get("confirmed") != "1":
        # One misplaced click must not take away someone's place: ask first.
        context = {"occurrence": occurrence, "event": occurrence.event, "signup": signup}
        return TemplateResponse(request, "events/admin/confirm_cancel.html", context)
    try:
        if action == "cancel":
            services.cancel_signup(signup=signup)
            messages.success(request, _("The sign-up was cancelled."))
        elif action == "accept_offer":
            services.accept_offer(signup=signup)
            messages.success(request, _("The offered place was taken up."))
        elif action in ("accept", "decline"):
            signup = services.decide_enrolment(signup=signup, accept=action == "accept")
            messages.success(request, STATUS_MESSAGES[signup.status])
        elif action == "attended" and signup.kind == SignUpKind.BOOKING:
            _save_how_many_came(request, signup, "attended")
        else:
            return HttpResponseBadRequest()
    except services.SignUpError as error:
        messages.error(request, str(error))
    return redirect("events_day_signups", occurrence_id=occurrence.pk)


def find_booking(request):
    """Find a booking by its date and the nickname the person remembers, among the events this
    member of staff may manage; each result leads to its date's list (to give a new code).
    A POST, so that no nickname goes into an address (or a log)."""
    if not can_see_attendance(request.user):
        raise PermissionDenied
    form = FindBookingForm(request.POST or None)
    results = None
    if form.is_valid():
        day = form.cleaned_data["date"]
        zone = site_zone()
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        found = (
            SignUp.objects.active()
            .exclude(kind=SignUpKind.MAYBE)
            .filter(erased_at__isnull=True)
            .filter(
                Q(occurrence__start__gte=start, occurrence__start__lt=start + dt.timedelta(days=1))
                | Q(
                    kind=SignUpKind.ENROLMENT,
                    event__occurrences__start__gte=start,
                    event__occurrences__start__lt=start + dt.timedelta(days=1),
                )
            )
            .select_related("event", "occurrence")
            .distinct()
            .order_by("queued_at", "pk")
        )
        if nickname := form.cleaned_data["nickname"].strip():
            found = found.filter(nickname__icontains=nickname)
        results = []
        for signup in found[:50]:
            if not can_manage_signups(request.user, signup.event):
                continue
            occurrence = signup.occurrence or (
                Occurrence.objects.filter(
                    event_id=signup.event_id,
                    start__gte=start,
                    start__lt=start + dt.timedelta(days=1),
                )
                .order_by("start")
                .first()
            )
            results.append({"signup": signup, "occurrence": occurrence})
    response = TemplateResponse(
        request, "events/admin/find_booking.html", {"form": form, "results": results}
    )
    add_never_cache_headers(response)
    return response


# --- Monthly counts for reports ------------------------------------------------------------------


def monthly_counts(first_day, after):
    """Counts per space for the dates held (not cancelled) that start in [first_day, after),
    site time: dates, people booked, "I might come"s and people who came. Never who.

    Two queries whatever the number of dates and sign-ups. People booked are the party sizes of
    confirmed bookings, plus, on each date of a series, the confirmed enrolments that did not
    report an absence. People who came: a date's head count where staff counted everyone,
    otherwise the people counted per booking."""
    zone = site_zone()
    dates = Occurrence.objects.scheduled().filter(
        start__gte=dt.datetime.combine(first_day, dt.time.min, tzinfo=zone),
        start__lt=dt.datetime.combine(after, dt.time.min, tzinfo=zone),
    )
    enrolled_on_date = (
        SignUp.objects.filter(
            event=OuterRef("event"), kind=SignUpKind.ENROLMENT, status=SignUpStatus.CONFIRMED
        )
        .filter(
            ~Exists(
                Absence.objects.filter(signup=OuterRef("pk"), occurrence=OuterRef(OuterRef("pk")))
            )
        )
        .order_by()
        .values("event")
        .annotate(people=Sum("party_size"))
        .values("people")
    )
    # Who came, per date: the head count where staff counted everyone, otherwise what they
    # counted per booking.
    attended_on_date = (
        SignUp.objects.filter(occurrence=OuterRef("pk"), attended__isnull=False)
        .order_by()
        .values("occurrence")
        .annotate(people=Sum("attended"))
        .values("people")
    )
    per_space = {
        row["space"]: {**row, "booked": row["enrolled"] or 0, "maybe": 0}
        for row in dates.order_by()
        .values("space", "space__title")
        .annotate(
            dates=Count("pk"),
            enrolled=Sum(Subquery(enrolled_on_date)),
            came=Sum(Coalesce("head_count", Subquery(attended_on_date))),
        )
    }
    signups = (
        SignUp.objects.filter(occurrence__in=dates)
        .order_by()
        .values("occurrence__space")
        .annotate(
            booked=Sum(
                "party_size", filter=Q(kind=SignUpKind.BOOKING, status=SignUpStatus.CONFIRMED)
            ),
            maybe=Count("pk", filter=Q(kind=SignUpKind.MAYBE, status=SignUpStatus.CONFIRMED)),
        )
    )
    for row in signups:
        counts = per_space[row["occurrence__space"]]
        counts["booked"] += row["booked"] or 0
        counts["maybe"] = row["maybe"]
    rows = sorted(per_space.values(), key=lambda r: (r["space"] is None, r["space__title"] or ""))
    totals = {
        name: sum(r[name] or 0 for r in rows) for name in ("dates", "booked", "maybe", "came")
    }
    if all(r["came"] is None for r in rows):
        totals["came"] = None
    return rows, totals


def attendance(request):
    """Counts per space for one month, for reports to the prefecture or the municipality."""
    if not can_see_attendance(request.user):
        raise PermissionDenied
    data = request.GET.copy()
    data.setdefault("month", f"{timezone.localdate():%Y-%m}")  # so the form shows the month
    form = MonthForm(data)
    context = {"form": form, "rows": [], "totals": None}
    if form.is_valid():
        first, after = form.month_range()
        rows, totals = monthly_counts(first, after)
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        context.update(
            rows=rows,
            totals=totals,
            month=first,
            previous_month=f"{previous:%Y-%m}",
            next_month=f"{after:%Y-%m}",
        )
    return TemplateResponse(request, "events/admin/attendance.html", context)


# --- Outgoing e-mail that could not be sent ------------------------------------------------------


def can_see_outbox(user):
    """Whoever may change outgoing e-mail (superusers, or a group given the permission)."""
    return user.is_active and user.has_perm("events.change_outboxmessage")


def outbox_failures(request):
    """E-mail that could not be sent, newest first, to try again once the cause is fixed (a
    mail server down for hours, a full mailbox). Kind, date, attempts and the kind of error:
    never an address, at most the nickname."""
    if not can_see_outbox(request.user):
        raise PermissionDenied
    failed = (
        OutboxMessage.objects.filter(status=MessageStatus.FAILED)
        .select_related("signup", "signup__event")
        .order_by("-updated_at", "-pk")[:200]
    )
    late = outbox.oldest_due_age()
    context = {
        "failed": failed,
        "pending": OutboxMessage.objects.filter(status=MessageStatus.PENDING).count(),
        "late_minutes": int(late.total_seconds() // 60) if late is not None else None,
    }
    return TemplateResponse(request, "events/admin/outbox.html", context)


@require_POST
def outbox_retry(request, message_id):
    """Put one failed message back in line; the worker sends it within a minute."""
    if not can_see_outbox(request.user):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=message_id)
    if outbox.retry(message):
        messages.success(request, _("The e-mail will be sent again in a moment."))
    else:
        messages.info(request, _("This e-mail is not waiting for a retry any more."))
    return redirect("events_outbox")
