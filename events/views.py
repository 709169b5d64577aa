"""The `/events/` listing, an event page's dates, and the sign-up pages: the forms and the
private manage page behind each sign-up's link."""

import datetime as dt
from itertools import groupby

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, set_response_etag
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited
from wagtail.models import Site

from . import feeds, ical, notifications, services
from .forms import (
    BookingForm,
    EnrolmentForm,
    EventFilterForm,
    LostLinksForm,
    MaybeForm,
    PartySizeForm,
)
from .i18n import pages_in_current_language
from .models import (
    EventIndexPage,
    JoinMode,
    Occurrence,
    SignUp,
    SignUpKind,
    SignUpStatus,
)
from .recurrence import site_zone
from .schema_org import event_data, to_json_ld
from .signup_tokens import browser_key, hash_token, is_form_key, new_form_key

PAGE_SIZE = 60


def filtered_occurrences(form):
    """Live occurrences in the form's range matching its filters, with what a listing shows."""
    first, after = form.date_range()
    zone = site_zone()
    occurrences = Occurrence.objects.live().between(
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(after, dt.time.min, tzinfo=zone),
    )
    return apply_filters(occurrences, form.cleaned_data)


def apply_filters(occurrences, data):
    """The filters of `/events/` (and its feed) on any set of occurrences."""
    occurrences = occurrences.select_related("event", "space", "space__area").order_by(
        "start", "pk"
    )
    return occurrences.filter(feeds.filter_q(data))


def listing_context(request, *, index_page):
    data = request.GET.copy()
    data.setdefault("view", "week")  # so the form shows the view the page shows
    form = EventFilterForm(data)
    if not form.is_valid():
        return {"filter_form": form, "filter_error": True, "days": []}
    occurrences = filtered_occurrences(form)
    page = Paginator(occurrences, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    events = pages_in_current_language({o.event for o in items})
    spaces = pages_in_current_language({o.space for o in items if o.space})
    for occurrence in items:
        occurrence.display_event = events[occurrence.event_id]
        occurrence.display_space = spaces.get(occurrence.space_id)
    days = [
        (day, list(group))
        for day, group in groupby(
            items, key=lambda o: timezone.localtime(o.start, site_zone()).date()
        )
    ]
    base = {k: v for k, v in request.GET.items() if k not in ("date", "page") and v}
    return {
        "feed_url": feed_url(form.cleaned_data),
        "filter_form": form,
        "period": form.cleaned_data["view"],  # what the pager moves by: day, week or month
        "days": days,
        "page_obj": page,
        "range_first": form.date_range()[0],
        "range_last": form.date_range()[1] - dt.timedelta(days=1),
        "previous_query": urlencode({**base, "date": form.step(-1).isoformat()}),
        "next_query": urlencode({**base, "date": form.step(1).isoformat()}),
        "current_query": urlencode({k: v for k, v in request.GET.items() if k != "page" and v}),
    }


def event_context(request, *, event, limit=12):
    """An event page: its next dates (cancelled ones included, with their message)."""
    occurrences = list(
        Occurrence.objects.filter(event=event.source)
        .upcoming()
        .select_related("event", "space")
        .order_by("start")[:limit]
    )
    spaces = pages_in_current_language(
        {o.space for o in occurrences if o.space} | ({event.space} if event.space else set())
    )
    taken = dict(
        SignUp.objects.filter(occurrence__in=occurrences, kind=SignUpKind.BOOKING)
        .holding_places()
        .values_list("occurrence")
        .annotate(total=Sum("party_size"))
    )
    now = timezone.now()
    for occurrence in occurrences:
        occurrence.display_space = spaces.get(occurrence.space_id)
        occurrence.open_for_signup = not occurrence.is_cancelled and occurrence.start > now
        capacity = occurrence.effective_capacity
        occurrence.places_left = (
            None if capacity is None else max(capacity - taken.get(occurrence.pk, 0), 0)
        )
    source = event.source
    return {
        "feed_url": feed_url({"space": source.space.slug} if source.space_id else {}),
        "occurrences": occurrences,
        "display_space": spaces.get(event.space_id) if event.space_id else None,
        "json_ld": to_json_ld(event_data(event, occurrences, request)),
    }


# --- Sign-ups ----------------------------------------------------------------------------------
# Thin views: parse a form, call a service, redirect to the private manage page or show the
# form again with a kind message and everything the person typed.


def _rate_limited(request, *, scope):
    """True when this IP, or this date, has sent too many sign-ups lately. Counted per POST."""
    by_ip = is_ratelimited(
        request,
        group="ibasho-signup-ip",
        key="ip",
        rate=settings.IBASHO_SIGNUP_RATE_PER_IP,
        increment=True,
    )
    by_scope = is_ratelimited(
        request,
        group=f"ibasho-signup-{scope}",
        key=lambda group, request: scope,
        rate=settings.IBASHO_SIGNUP_RATE_PER_DATE,
        increment=True,
    )
    return by_ip or by_scope


TOO_MANY = _(
    "Many sign-ups have arrived in a short time, so we could not take this one just now. "
    "Please try again in a little while, or phone the centre. Nothing you wrote is lost."
)
NOT_A_PERSON = _("Please leave the last field (for automated sign-ups) empty, then send again.")


def _private(response):
    """Never cached, and the address (a manage token) never leaves in a Referer header."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _signup_response(request, event, template, context, status=200):
    context = {"page": event, "retention_days": settings.IBASHO_SIGNUP_RETENTION_DAYS, **context}
    return _private(TemplateResponse(request, template, context, status=status))


def _manage_url(token, language):
    with translation.override(language):
        return reverse("signup-manage", kwargs={"token": token})


def _take_signup(request, event, form, *, template, context, scope, create):
    """The POST path every sign-up form shares: rate limit, validation, honeypot, the service
    (which also writes the confirmation e-mail to the outbox), then the private page. Anything
    refused comes back with a kind message and the form as it was typed.
    `create(data, language)` calls the service."""
    context = {**context, "form": form}
    if _rate_limited(request, scope=scope):
        form.add_error(None, TOO_MANY)
        return _signup_response(request, event, template, context, status=429)
    if not form.is_valid():
        return _signup_response(request, event, template, context, status=400)
    if form.is_automated:
        form.add_error("website", NOT_A_PERSON)
        return _signup_response(request, event, template, context, status=400)
    language = translation.get_language()
    try:
        _signup, token, _created = create(form.cleaned_data, language)
    except services.SignUpError as error:
        form.add_error(None, str(error))
        return _signup_response(request, event, template, context, status=409)
    return redirect(_manage_url(token, language) + "?new=1")


def _already_booked(request, occurrence, browser):
    """Has this browser booked this date already? A resubmitted form (a double click) does not
    count: the service hands back the first booking for it."""
    key = request.POST.get("form_key", "")
    if is_form_key(key) and SignUp.objects.filter(submission_key=hash_token(key)).exists():
        return False
    return SignUp.objects.active().filter(occurrence=occurrence, browser_key=browser).exists()


def signup(request, *, event, occurrence_id):
    """One date: "I might come" (one button) or a booking (a nickname is enough)."""
    source = event.source
    occurrence = (
        Occurrence.objects.filter(event=source, pk=occurrence_id)
        .select_related("event", "space")
        .first()
    )
    if occurrence is None or source.join_mode not in (JoinMode.MAYBE, JoinMode.BOOKING):
        raise Http404
    template = "events/signup.html"
    context = {"occurrence": occurrence, "places_left": services.places_left(occurrence=occurrence)}
    browser = browser_key(request.META.get("CSRF_COOKIE"), f"date-{occurrence.pk}")
    if source.join_mode == JoinMode.MAYBE:
        form_class, extra = MaybeForm, {}
    else:
        booked = bool(browser) and _already_booked(request, occurrence, browser)
        form_class, extra = BookingForm, {"already_booked": booked}
    if request.method != "POST":
        form = form_class(initial={"form_key": new_form_key()}, **extra)
        return _signup_response(request, event, template, {**context, "form": form})

    def create(data, language):
        if source.join_mode == JoinMode.MAYBE:
            return services.say_maybe(
                occurrence=occurrence, form_key=data["form_key"], language=language
            )
        return services.book_place(
            occurrence=occurrence,
            form_key=data["form_key"],
            party_size=data["party_size"],
            nickname=data["nickname"],
            email=data["email"],
            note=data["note"],
            wants_reminder=data["wants_reminder"],
            language=language,
            browser_key=browser,
        )

    form = form_class(request.POST, **extra)
    return _take_signup(
        request,
        event,
        form,
        template=template,
        context=context,
        scope=f"date-{occurrence.pk}",
        create=create,
    )


def enrolment(request, *, event):
    """A whole series (a family class): one contact for the family."""
    source = event.source
    if source.join_mode != JoinMode.ENROLMENT:
        raise Http404
    template = "events/enrolment.html"
    dates = list(Occurrence.objects.filter(event=source).upcoming().order_by("start")[:20])
    context = {"dates": dates, "places_left": services.places_left(event=source)}
    if request.method != "POST":
        form = EnrolmentForm(initial={"form_key": new_form_key()})
        return _signup_response(request, event, template, {**context, "form": form})

    def create(data, language):
        return services.enrol(
            event=source,
            form_key=data["form_key"],
            party_size=data["party_size"],
            nickname=data["nickname"],
            relationship=data["relationship"],
            email=data["email"],
            phone=data["phone"],
            note=data["note"],
            wants_reminder=data["wants_reminder"],
            language=language,
        )

    return _take_signup(
        request,
        event,
        EnrolmentForm(request.POST),
        template=template,
        context=context,
        scope=f"event-{source.pk}",
        create=create,
    )


def _not_found(request):
    return _private(TemplateResponse(request, "events/manage_not_found.html", {}, status=404))


@require_http_methods(["GET", "POST"])
def manage(request, token):
    """The private page of one sign-up: what it is, where, the calendar file, and one-click
    changes. Anything wrong with the link gets the same kind 404, whoever asks."""
    signup = SignUp.objects.with_token(token).select_related("event", "occurrence").first()
    if signup is None:
        return _not_found(request)
    message = None
    party_form = PartySizeForm(initial={"party_size": signup.party_size})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                services.cancel_signup(signup=signup)
                message = "cancelled"
            elif action == "accept":
                services.accept_offer(signup=signup)
                message = "accepted"
            elif action == "decline":
                services.decline_offer(signup=signup)
                message = "declined"
            elif action == "party_size":
                party_form = PartySizeForm(request.POST)
                if party_form.is_valid():
                    services.change_party_size(
                        signup=signup, party_size=party_form.cleaned_data["party_size"]
                    )
                    message = "party_size"
            elif action == "absence":
                occurrence_id = request.POST.get("occurrence", "")
                occurrence = Occurrence.objects.filter(
                    event=signup.event,
                    pk=int(occurrence_id)
                    if occurrence_id.isdigit() and len(occurrence_id) < 16
                    else 0,
                ).first()
                if occurrence is not None:
                    services.report_absence(signup=signup, occurrence=occurrence)
                    message = "absence"
        except services.SignUpError as error:
            party_form.add_error(None, str(error))
        if message:
            return redirect(f"{request.path}?done={message}")
    signup.refresh_from_db()
    return _signup_response(
        request,
        signup.event.localized,
        "events/manage.html",
        {
            **manage_context(signup, token=token, party_form=party_form),
            "done": request.GET.get("done"),
            "is_new": request.GET.get("new") == "1",
            "bookmark_url": request.build_absolute_uri(request.path),
        },
    )


def manage_context(signup, *, token, party_form):
    event = signup.event
    # A booked date may have moved to another room: its own place first.
    space = (signup.occurrence and signup.occurrence.space) or event.space
    space = space.localized if space is not None else None
    confirmed = signup.status == SignUpStatus.CONFIRMED
    if signup.occurrence_id:
        dates = [signup.occurrence]
    else:
        dates = list(Occurrence.objects.filter(event=event).upcoming().order_by("start")[:20])
    absent = set(signup.absences.values_list("occurrence_id", flat=True))
    return {
        "signup": signup,
        "token": token,
        "dates": dates,
        "absent": absent,
        "space": space,
        # The exact place, and the join link, once a place is really theirs.
        "show_address": space is not None and (space.address_is_public or confirmed),
        "show_join_link": space is not None
        and bool(space.online_join_url)
        and (space.show_join_url or confirmed),
        "party_form": party_form,
    }


def manage_calendar(request, token):
    """The sign-up's dates as an .ics file to add to a calendar; once cancelled, a file that
    takes them out again (METHOD:CANCEL, the same UIDs)."""
    signup = SignUp.objects.with_token(token).select_related("event", "occurrence").first()
    if signup is None:
        return _not_found(request)
    method = "PUBLISH" if signup.is_active else "CANCEL"
    body = ical.signup_calendar(signup, request=request, method=method)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ibasho.ics"'
    return _private(response)


def lost_links(request):
    """ "Send me my links": new links to every current sign-up made with this address, by
    e-mail. The page says the same, and does the same work (one outbox row), whether or not
    there are any: the look-up happens later, in the worker."""
    form = LostLinksForm(request.POST or None)
    sent = False
    status = 200
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="ibasho-lost-links",
            key="ip",
            rate=settings.IBASHO_SIGNUP_RATE_PER_IP,
            increment=True,
        ):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            notifications.send_lost_links(
                form.cleaned_data["email"], language=translation.get_language()
            )
            sent = True
        else:
            status = 400
    return _private(
        TemplateResponse(
            request, "events/lost_links.html", {"form": form, "sent": sent}, status=status
        )
    )


# --- Calendar feeds ----------------------------------------------------------------------------

BAD_FEED = _(
    "This calendar address has a filter we don't understand. Please copy the address again "
    "from the dates page."
)


def feed_url(filters):
    """The calendar feed of what a page lists: `/events/feed.ics` with the same filters."""
    query = {name: filters.get(name) for name in EventFilterForm.filter_fields}
    query = urlencode({name: value for name, value in query.items() if value})
    return reverse("events-feed") + (f"?{query}" if query else "")


def feed(request):
    """`/events/feed.ics`: the dates `/events/` lists for the same filters, from 30 days ago to
    the end of the stored schedule; `discreet=1` for calendars a family shares."""
    index_page = (
        EventIndexPage.objects.live().filter(locale__language_code=translation.get_language())
        or EventIndexPage.objects.live()
    ).first()
    if index_page is None:
        raise Http404
    form = EventFilterForm(request.GET)
    discreet = request.GET.get("discreet", "")
    if not form.is_valid() or discreet not in ("", "0", "1"):
        return HttpResponse(BAD_FEED, status=400, content_type="text/plain; charset=utf-8")
    discreet = discreet == "1"
    data = feeds.load(form.cleaned_data)
    # get_url(request): Wagtail finds the site's root paths once per request, not once per page
    # (each a read of the shared cache).
    entries, last_change = feeds.components(
        data,
        discreet=discreet,
        url_for=lambda page: request.build_absolute_uri(page.get_url(request)),
    )
    site = Site.find_for_request(request)
    site_name = site.site_name if site is not None else ""
    name = _("Gatherings") if discreet else " | ".join(filter(None, [index_page.title, site_name]))
    body = ical.build_feed(
        entries,
        name=name,
        url="" if discreet else request.build_absolute_uri(index_page.url),
        stamp=last_change,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ibasho.ics"'
    # Computed once here, so a copy from the page cache answers If-None-Match without hashing
    # the body again.
    set_response_etag(response)
    # What a feed holds also moves on at midnight (see events.feeds), so it is "modified" then.
    modified = max(filter(None, [last_change, data.today]))
    response["Last-Modified"] = http_date(modified.timestamp())
    return response
