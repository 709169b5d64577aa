"""The staff inbox in the Wagtail admin: conversations by where they stand (unassigned, mine,
waiting for a reply, closed), and one conversation with its thread, internal notes, kind
replies to start from, assignment, the urgent flag and closing. Everything a writer sent is
shown escaped, as text."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from . import services
from .forms import free_text
from .models import MAX_MESSAGE_LENGTH, CannedReply, Conversation, MonthlyCount, fold

FILTERS = {
    "unassigned": (_("Unassigned"), lambda qs, user: qs.unassigned()),
    "mine": (_("Mine"), lambda qs, user: qs.assigned_to_user(user)),
    "waiting": (_("Waiting for a reply"), lambda qs, user: qs.waiting_for_reply()),
    "urgent": (_("Needs urgent attention"), lambda qs, user: qs.open().filter(urgent=True)),
    "closed": (_("Closed"), lambda qs, user: qs.closed()),
}


def can_answer(user):
    """Superusers, and staff given "Can change conversation" (Settings → Groups)."""
    return user.is_active and user.has_perm("talk.change_conversation")


def _check(request):
    if not can_answer(request.user):
        raise PermissionDenied


class StaffTextForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 8})
    )

    def clean_body(self):
        return free_text(self.cleaned_data["body"])


def inbox(request):
    _check(request)
    show = request.GET.get("show", "unassigned")
    if show not in FILTERS:
        show = "unassigned"
    base = Conversation.objects.select_related("assigned_to")
    tabs = [
        {"key": key, "label": label, "count": pick(base, request.user).count()}
        for key, (label, pick) in FILTERS.items()
    ]
    conversations = FILTERS[show][1](base, request.user)[:SEARCH_LIMIT]
    query = request.GET.get("q", "").strip()[:100]
    if query:
        conversations = search(conversations, query)
    return TemplateResponse(
        request,
        "talk/admin/inbox.html",
        {
            "tabs": tabs,
            "show": show,
            "conversations": conversations,
            "query": query,
            "counts": monthly_counts(),
        },
    )


def monthly_counts(months=12):
    """The last months' counts (what outlives erasure), one row per month and pair."""
    return list(MonthlyCount.objects.order_by("-month", "writer", "wish")[: months * 16])


SEARCH_LIMIT = 200


def search(conversations, query):
    """The conversations whose messages or notes hold the words (folded as the danger words
    are). The text is encrypted, so the database cannot look: this reads what staff could
    read on screen, the newest SEARCH_LIMIT of the tab."""
    words = fold(query)
    found = []
    for conversation in conversations.prefetch_related("messages", "notes"):
        texts = [m.body for m in conversation.messages.all()]
        texts += [n.body for n in conversation.notes.all()]
        texts += [conversation.email, conversation.phone]
        if any(words in fold(text) for text in texts):
            found.append(conversation)
    return found


def _canned(request):
    talk_settings = services.site_settings(Site.find_for_request(request))
    return list(CannedReply.objects.filter(settings=talk_settings.pk).order_by("sort_order"))


def conversation(request, pk):
    _check(request)
    found = get_object_or_404(Conversation.objects.select_related("assigned_to"), pk=pk)
    canned = _canned(request)
    reply_form = StaffTextForm(prefix="reply")
    note_form = StaffTextForm(prefix="note")
    picked = request.GET.get("canned", "")
    for reply in canned:
        if picked == str(reply.pk):
            # Staff start from a kind reply and edit it; nothing is sent by itself.
            reply_form = StaffTextForm(prefix="reply", initial={"body": reply.body})
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "reply":
            reply_form = StaffTextForm(request.POST, prefix="reply")
            if reply_form.is_valid():
                try:
                    services.staff_replies(
                        conversation=found,
                        body=reply_form.cleaned_data["body"],
                        user=request.user,
                    )
                except services.TalkError:
                    messages.error(request, _("The conversation is closed: reopen it to answer."))
                else:
                    messages.success(request, _("Your answer has been sent."))
                    return redirect("talk_admin_conversation", pk=found.pk)
        elif action == "note":
            note_form = StaffTextForm(request.POST, prefix="note")
            if note_form.is_valid():
                services.add_note(
                    conversation=found, body=note_form.cleaned_data["body"], user=request.user
                )
                messages.success(request, _("Note saved. The writer never sees it."))
                return redirect("talk_admin_conversation", pk=found.pk)
        elif action in ACTIONS:
            ACTIONS[action](found, request.user)
            return redirect("talk_admin_conversation", pk=found.pk)
    return TemplateResponse(
        request,
        "talk/admin/conversation.html",
        {
            "conversation": found,
            "thread": list(found.messages.select_related("staff")),
            "notes": list(found.notes.select_related("staff")),
            "canned": canned,
            "reply_form": reply_form,
            "note_form": note_form,
        },
    )


ACTIONS = {
    "assign_me": lambda c, user: services.assign(conversation=c, user=user),
    "unassign": lambda c, user: services.assign(conversation=c, user=None),
    "urgent": lambda c, user: services.set_urgent(conversation=c, urgent=True),
    "not_urgent": lambda c, user: services.set_urgent(conversation=c, urgent=False),
    "close": lambda c, user: services.close(conversation=c),
    "reopen": lambda c, user: services.reopen(conversation=c),
}
