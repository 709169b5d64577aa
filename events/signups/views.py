"""The sign-up pages: the forms of a date or a series, and the private manage page behind each
sign-up's link. Thin views: parse a form, call a service, redirect to the private manage page
or show the form again with a kind message and everything the person typed."""

import segno
from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, set_response_etag
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited

from ..schedule.models import Occurrence
from ..schedule.places import place_of, shows_address, shows_join_link
from . import hosts, notifications, places, services
from .calendar import subscribed_calendar
from .forms import (
    BookingCodeForm,
    BookingForm,
    DateMessageForm,
    EnrolmentForm,
    LostLinksForm,
    MaybeForm,
    PartySizeForm,
)
from .links import code_behind, manage_path
from .models import INACTIVE, DateMessage, JoinMode, SignUp, SignUpKind
from .tokens import browser_key, format_code, hash_token, is_form_key, new_form_key


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
    if isinstance(context, _LazyContext):
        context = context.resolve()
    context = {"page": event, "retention_days": settings.IBASHO_SIGNUP_RETENTION_DAYS, **context}
    return _private(TemplateResponse(request, template, context, status=status))


def _take_signup(request, event, form, *, template, context, scope, create):
    """The POST path every sign-up form shares: rate limit, validation, honeypot, the service
    (which also writes the confirmation e-mail to the outbox), then the private page. Anything
    refused comes back with a kind message and the form as it was typed.
    `create(data, language)` calls the service; `context()` gives what the page shows around
    the form, read only when the form is shown again."""
    context = _LazyContext(context, form=form)
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
    return redirect(manage_path(token, language) + "?new=1")


class _LazyContext(dict):
    """The page around a sign-up form: `read()` (queries) only once it is rendered, which a
    successful sign-up never is."""

    def __init__(self, read, **extra):
        super().__init__(**extra)
        self.read = read

    def resolve(self):
        return {**self.read(), **self}


def _already_booked(request, occurrence, browser):
    """Has this browser booked this date already? A resubmitted form (a double click) does not
    count: the service hands back the first booking for it. One query."""
    key = request.POST.get("form_key", "")
    submission = Q(submission_key=hash_token(key)) if is_form_key(key) else Q(pk__in=[])
    mine = Q(occurrence=occurrence, browser_key=browser) & ~Q(status__in=INACTIVE)
    counts = SignUp.objects.filter(submission | mine).aggregate(
        repeated=Count("pk", filter=submission), mine=Count("pk", filter=mine)
    )
    return not counts["repeated"] and bool(counts["mine"])


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

    def context():
        return {
            "occurrence": occurrence,
            "places_left": places.places_left(occurrence=occurrence),
            "host_sees_nickname": hosts.has_peer_host(source),
        }

    browser = browser_key(request.META.get("CSRF_COOKIE"), f"date-{occurrence.pk}")
    if source.join_mode == JoinMode.MAYBE:
        form_class, extra = MaybeForm, {}
    else:
        booked = bool(browser) and _already_booked(request, occurrence, browser)
        form_class, extra = BookingForm, {"already_booked": booked}
    if request.method != "POST":
        form = form_class(initial={"form_key": new_form_key()}, **extra)
        return _signup_response(request, event, template, {**context(), "form": form})

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

    def context():
        dates = list(Occurrence.objects.filter(event=source).upcoming().order_by("start")[:20])
        return {"dates": dates, "places_left": places.places_left(event=source)}

    if request.method != "POST":
        form = EnrolmentForm(initial={"form_key": new_form_key()})
        return _signup_response(request, event, template, {**context(), "form": form})

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
    message = refused = None
    status = 200
    party_form = PartySizeForm(initial={"party_size": signup.party_size})
    reply_form = DateMessageForm(initial={"form_key": new_form_key()}, label=REPLY_LABEL)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                services.cancel_signup(signup=signup)
                message = "cancelled"
            elif action == "rebook":
                # "I cancelled by mistake": a new sign-up for the same date with the same
                # details, through the same service as the form (a double click gives one).
                if _rate_limited(request, scope=f"date-{signup.occurrence_id}"):
                    refused = str(TOO_MANY)
                elif new_token := _book_again(signup, request.POST.get("form_key", "")):
                    language = translation.get_language()
                    return redirect(manage_path(new_token, language) + "?new=1")
                else:
                    refused = str(NO_LONGER_OPEN)
            elif action == "accept":
                # A second click by someone unsure the first one worked: the place is theirs.
                if not signup.has_place:
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
                    # isdigit() alone lets "²" through, which int() refuses.
                    if occurrence_id.isascii()
                    and occurrence_id.isdigit()
                    and len(occurrence_id) < 16
                    else 0,
                ).first()
                if occurrence is not None:
                    services.report_absence(signup=signup, occurrence=occurrence)
                    message = "absence"
            elif action == "reply":
                reply_form = DateMessageForm(request.POST, label=REPLY_LABEL)
                if _replies_limited(request, signup):
                    refused, status = str(TOO_MANY_REPLIES), 429
                elif reply_form.is_valid():
                    services.reply_to_host(
                        signup=signup,
                        body=reply_form.cleaned_data["body"],
                        form_key=reply_form.cleaned_data["form_key"],
                    )
                    message = "replied"
                else:
                    status = 400
        except services.SignUpError as error:
            # Said kindly on the same page; what was done before stays done.
            refused = str(error)
        if message:
            anchor = "#messages" if message == "replied" else ""
            return redirect(f"{request.path}?done={message}{anchor}")
    signup.refresh_from_db()
    is_new = request.GET.get("new") == "1"
    return _signup_response(
        request,
        signup.event.localized,
        "events/manage.html",
        {
            **manage_context(signup, token=token, party_form=party_form, reply_form=reply_form),
            "done": request.GET.get("done"),
            "is_new": is_new,
            "mail_held_back": is_new and notifications.confirmation_held_back(signup),
            "bookmark_url": request.build_absolute_uri(request.path),
            "refused": refused,
            "opened_with_code": request.GET.get("opened") == "code",
        },
        status=status,
    )


REPLY_LABEL = _("Your reply to the host")
TOO_MANY_REPLIES = _(
    "Several replies have been sent from this page in a short time, so we have paused replies "
    "for a while. Please try again later. What you wrote is still in the box below."
)


def _replies_limited(request, signup):
    """Too many replies from this sign-up lately (all its links count together)."""
    return is_ratelimited(
        request,
        group="ibasho-reply",
        key=lambda group, request: f"signup-{signup.pk}",
        rate=settings.IBASHO_REPLY_RATE_PER_SIGNUP,
        increment=True,
    )


NO_LONGER_OPEN = _(
    "This date can no longer be booked from here (it is full, has started or is cancelled). "
    "Its page shows the other dates."
)


def can_book_again(signup, now=None):
    """A date booked (or "I might come") and then cancelled by the person, still open, with a
    place left for them: the manage page offers to book it again."""
    occurrence = signup.occurrence
    if signup.is_active or signup.kind not in (SignUpKind.BOOKING, SignUpKind.MAYBE):
        return False
    if occurrence is None or occurrence.signups_closed(now) is not None:
        return False
    if signup.kind == SignUpKind.MAYBE:
        return True
    left = places.places_left(occurrence=occurrence)
    return left is None or left >= signup.party_size


def _book_again(signup, form_key):
    """The new manage token, or None when booking again is not possible (any more)."""
    if not is_form_key(form_key):
        return None
    # A second click on the same button: the service hands back what the first one booked.
    repeated = SignUp.objects.filter(submission_key=hash_token(form_key)).exists()
    if not repeated and not can_book_again(signup):
        return None
    language = signup.language
    if signup.kind == SignUpKind.MAYBE:
        _new, token, _created = services.say_maybe(
            occurrence=signup.occurrence, form_key=form_key, language=language
        )
        return token
    _new, token, _created = services.book_place(
        occurrence=signup.occurrence,
        form_key=form_key,
        party_size=signup.party_size,
        nickname=signup.nickname,
        email=signup.email,
        note=signup.note,
        wants_reminder=signup.wants_reminder,
        language=language,
        browser_key=signup.browser_key,
    )
    return token


def manage_context(signup, *, token, party_form, reply_form=None):
    event = signup.event
    # A booked date may have moved to another room: its own place first.
    space = place_of(signup.occurrence) if signup.occurrence_id else event.space
    space = space.localized if space is not None else None
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
        # The exact place once a place is really theirs; the join link already for a "maybe".
        "show_address": shows_address(space, has_place=signup.has_place),
        "show_join_link": shows_join_link(space, joined=signup.may_join_online),
        "party_form": party_form,
        "book_again": can_book_again(signup),
        "rebook_key": new_form_key(),
        "booking_code": format_code(code_behind(token)),
        # The host's messages on my dates and my replies, never another booker's.
        "thread": list(DateMessage.objects.seen_by(signup)),
        "reply_form": reply_form,
    }


def manage_calendar(request, token):
    """The sign-up's dates as an .ics file to add to a calendar; once cancelled, a file that
    takes them out again (METHOD:CANCEL, the same UIDs)."""
    signup = SignUp.objects.with_token(token).select_related("event", "occurrence").first()
    if signup is None:
        return _not_found(request)
    # Each entry leads back to this booking's page: a calendar is one more way back to it.
    page = request.build_absolute_uri(manage_path(token, translation.get_language()))
    body, changed = subscribed_calendar(signup, request=request, manage_url=page)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ibasho.ics"'
    # A calendar app subscribed to it asks every few hours: the same bytes keep their ETag, so
    # it is answered 304 until something changes. Private: no shared cache keeps it, and a
    # browser asks again each time (no-cache) rather than showing an old copy.
    set_response_etag(response)
    response["Last-Modified"] = http_date(changed.timestamp())
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def manage_slip(request, token):
    """The manage page as a small slip to print: the date, the place, the booking code and a QR
    code of the private address, drawn here (nothing from another site)."""
    signup = SignUp.objects.with_token(token).select_related("event", "occurrence").first()
    if signup is None:
        return _not_found(request)
    page = request.build_absolute_uri(manage_path(token, translation.get_language()))
    qr = segno.make(page, error="m").svg_inline(scale=3, border=4, svgclass="slip__qr")
    # Decorative for a screen reader, which has the code and the address in text.
    qr = qr.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    context = {
        **manage_context(signup, token=token, party_form=None),
        "manage_url": page,
        "qr_svg": mark_safe(qr),  # noqa: S308 (segno's own SVG of our own URL, nothing typed)
    }
    return _signup_response(request, signup.event.localized, "events/manage_slip.html", context)


def _wrong_codes(request, *, increment):
    """The counts of wrong booking codes from this address and from everyone."""
    return [
        get_usage(request, group=group, key=key, rate=rate, increment=increment)
        for group, key, rate in (
            ("ibasho-code-ip", "ip", settings.IBASHO_CODE_RATE_PER_IP),
            ("ibasho-code-all", lambda group, request: "all", settings.IBASHO_CODE_RATE_OVERALL),
        )
    ]


def _too_many_wrong_codes(request):
    """As many wrong codes as the rate allows have come already. With the cache down nothing
    is counted (RATELIMIT_FAIL_OPEN)."""
    return any(
        usage is not None and usage["count"] >= usage["limit"]
        for usage in _wrong_codes(request, increment=False)
    )


WRONG_CODE = _(
    "We could not find a sign-up with this code. Please check it against what you wrote down "
    "and try again. A code stops working some time after its date, when its details are "
    "deleted, or when staff have given you a new one. The centre can help you by phone."
)
TOO_MANY_CODES = _(
    "Several codes that did not fit have been typed in a short time, so we have paused this "
    "for a while. Please try again in an hour, or phone the centre: staff can find your "
    "booking by its date and your nickname."
)


def _open_with_code(request, form):
    """The code form's POST: a redirect to the manage page, or the reason it was refused."""
    if _too_many_wrong_codes(request):
        form.add_error(None, TOO_MANY_CODES)
        return 429
    if not form.is_valid():
        return 400
    opened = services.open_with_code(code=form.cleaned_data["code"])
    if opened is None:
        _wrong_codes(request, increment=True)
        form.add_error(None, WRONG_CODE)
        return 404
    _signup, token = opened
    # A 303 to the private address, like after a sign-up: the code never goes into a URL, and
    # the address, a /my/<token>/ path, is redacted in every log (ibasho.logs).
    return redirect(manage_path(token, translation.get_language()) + "?opened=code")


def lost_links(request):
    """ "I lost my link": a booking code typed in opens the manage page; or new links to every
    current sign-up made with an e-mail address, sent there. The e-mail part says the same, and
    does the same work (one outbox row), whether or not there are any: the look-up happens
    later, in the worker."""
    form = LostLinksForm(request.POST if request.POST.get("action") != "code" else None)
    code_form = BookingCodeForm(request.POST if request.POST.get("action") == "code" else None)
    sent = False
    status = 200
    if request.method == "POST" and request.POST.get("action") == "code":
        outcome = _open_with_code(request, code_form)
        if not isinstance(outcome, int):
            return _private(outcome)
        status = outcome
    elif request.method == "POST":
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
    context = {"form": form, "code_form": code_form, "sent": sent}
    return _private(TemplateResponse(request, "events/lost_links.html", context, status=status))
