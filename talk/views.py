"""The writer's pages: "write to us", the private conversation page (behind its link, or its
passphrase on /talk/return/) and erasing it. Thin views: parse a form, call a service, redirect
or show the form again with a kind message and everything typed. A wrong link and a wrong
passphrase get the same kind 404, with no way to tell which was wrong."""

from django.conf import settings
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited
from wagtail.models import Site

from . import services
from .forms import PassphraseForm, ReplyForm, WriteForm
from .models import Conversation
from .tokens import hash_passphrase, new_form_key, passphrase_for

TOO_MANY = _(
    "Many messages have arrived in a short time, so we could not take this one just now. "
    "Please try again in a little while, or phone the centre. Nothing you wrote is lost."
)
NOT_A_PERSON = _("Please leave the last field (for automated sign-ups) empty, then send again.")
CLOSED = _(
    "This conversation has been closed, so a reply can no longer be added here. You are "
    "welcome to start a new one."
)


def _private(response):
    """Never cached, and the address (a token) never leaves in a Referer header."""
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response


def _render(request, template, context, status=200):
    context = {
        "talk": services.site_settings(Site.find_for_request(request)),
        "retention_days": settings.IBASHO_TALK_RETENTION_DAYS,
        **context,
    }
    return _private(TemplateResponse(request, template, context, status=status))


def _limited(request, group, rate):
    return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)


def _limited_overall(request, group, rate):
    return is_ratelimited(
        request, group=group, key=lambda group, request: "all", rate=rate, increment=True
    )


def _wrong_passphrases(request, *, increment):
    """The counts of wrong passphrases from this address and from everyone."""
    return [
        get_usage(request, group=group, key=key, rate=rate, increment=increment)
        for group, key, rate in (
            ("ibasho-talk-phrase-ip", "ip", settings.IBASHO_TALK_PASSPHRASE_RATE_PER_IP),
            (
                "ibasho-talk-phrase-all",
                lambda group, request: "all",
                settings.IBASHO_TALK_PASSPHRASE_RATE_OVERALL,
            ),
        )
    ]


def _too_many_wrong(request):
    """As many wrong passphrases as the rate allows have come already (a right one is never
    counted). With the cache down nothing is counted (RATELIMIT_FAIL_OPEN)."""
    return any(
        usage is not None and usage["count"] >= usage["limit"]
        for usage in _wrong_passphrases(request, increment=False)
    )


def _count_wrong(request):
    _wrong_passphrases(request, increment=True)


def index(request):
    """What writing to us is like: who answers and when, and the lines that answer now. No
    form here, so reading it sets no cookie (the form is one step further)."""
    return _render(request, "talk/index.html", {})


@require_http_methods(["GET", "POST"])
def write(request):
    if request.method != "POST":
        form = WriteForm(initial={"form_key": new_form_key()})
        return _render(request, "talk/write.html", {"form": form})
    form = WriteForm(request.POST)
    if _limited(request, "ibasho-talk-ip", settings.IBASHO_TALK_RATE_PER_IP) or _limited_overall(
        request, "ibasho-talk-all", settings.IBASHO_TALK_RATE_OVERALL
    ):
        form.add_error(None, TOO_MANY)
        return _render(request, "talk/write.html", {"form": form}, status=429)
    if not form.is_valid():
        return _render(request, "talk/write.html", {"form": form}, status=400)
    if form.is_automated:
        form.add_error("website", NOT_A_PERSON)
        return _render(request, "talk/write.html", {"form": form}, status=400)
    data = form.cleaned_data
    _conversation, token, _created = services.start_conversation(
        form_key=data["form_key"],
        body=data["body"],
        writer=data["writer"],
        wish=data["wish"],
        area=data["area"],
        email=data["email"],
        phone=data["phone"],
        language=translation.get_language(),
        talk_settings=services.site_settings(Site.find_for_request(request)),
    )
    return redirect(reverse("talk-conversation", kwargs={"token": token}) + "?new=1")


def _not_found(request):
    return _render(request, "talk/not_found.html", {}, status=404)


def _thread(request, conversation, *, token=None, passphrase=None, extra=None):
    context = {
        "conversation": conversation,
        "thread": list(conversation.messages.all()),
        "token": token,
        "passphrase": passphrase,
        "form": ReplyForm(),
        **(extra or {}),
    }
    return _render(request, "talk/conversation.html", context, status=context.pop("status", 200))


def _act(request, conversation, *, token=None, passphrase=None):
    """A reply or an erasure posted from the conversation page (by link or passphrase)."""
    action = request.POST.get("action", "")
    if action == "erase":
        return _render(
            request,
            "talk/erase.html",
            {"conversation": conversation, "token": token, "passphrase": passphrase},
        )
    if action == "erase_confirmed":
        services.erase(conversation=conversation)
        return redirect(reverse("talk-erased"))
    form = ReplyForm(request.POST)
    extra = {"form": form}
    if conversation.is_closed:
        form.add_error(None, CLOSED)
        return _thread(
            request,
            conversation,
            token=token,
            passphrase=passphrase,
            extra={**extra, "status": 409},
        )
    if not form.is_valid():
        return _thread(
            request,
            conversation,
            token=token,
            passphrase=passphrase,
            extra={**extra, "status": 400},
        )
    try:
        danger = services.writer_replies(
            conversation=conversation,
            body=form.cleaned_data["body"],
            talk_settings=services.site_settings(Site.find_for_request(request)),
        )
    except services.TalkError:
        form.add_error(None, CLOSED)
        return _thread(
            request,
            conversation,
            token=token,
            passphrase=passphrase,
            extra={**extra, "status": 409},
        )
    done = "danger" if danger else "sent"
    if token:
        return redirect(f"{request.path}?done={done}")
    conversation.refresh_from_db()
    return _thread(request, conversation, passphrase=passphrase, extra={"done": done})


@require_http_methods(["GET", "POST"])
def conversation(request, token):
    found = Conversation.objects.with_token(token).first()
    if found is None:
        return _not_found(request)
    if request.method == "POST":
        return _act(request, found, token=token)
    is_new = request.GET.get("new") == "1"
    return _thread(
        request,
        found,
        token=token,
        extra={
            "is_new": is_new,
            "done": request.GET.get("done"),
            "show_passphrase": passphrase_for(token, found.language),
            "keep_url": request.build_absolute_uri(request.path),
        },
    )


@require_http_methods(["GET", "POST"])
def come_back(request):
    """The passphrase instead of the link. Wrong phrases from one address are slowed
    (IBASHO_TALK_PASSPHRASE_RATE_PER_IP, and overall); a right one is not counted."""
    if request.method != "POST":
        return _render(request, "talk/return.html", {"form": PassphraseForm()})
    form = PassphraseForm(request.POST)
    if _too_many_wrong(request):
        form.add_error(
            None, _("Too many tries in a short time. Please wait a while, then try again.")
        )
        return _render(request, "talk/return.html", {"form": form}, status=429)
    if not form.is_valid():
        return _render(request, "talk/return.html", {"form": form}, status=400)
    phrase = form.cleaned_data["passphrase"]
    found = Conversation.objects.filter(passphrase_hash=hash_passphrase(phrase)).first()
    if found is None:
        _count_wrong(request)
        return _not_found(request)
    if "action" in request.POST:
        return _act(request, found, passphrase=phrase)
    return _thread(request, found, passphrase=phrase)


def erased(request):
    return _render(request, "talk/erased.html", {})
