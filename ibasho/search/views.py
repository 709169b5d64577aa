"""`/search/` (and `/en/search/`): a plain GET form and its results, in the reader's language."""

import re

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from events.pages.models import EventIndexPage
from spaces.pages import SpaceIndexPage

from ..models import HomePage, LearnIndexPage
from .results import search_pages
from .text import query_tokens

MAX_QUERY_LENGTH = 100
# Characters nobody means to search for: control and formatting characters, including the
# right-to-left overrides that could make the echoed query read differently from what it is.
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search this site"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "max_length": _(
                "That is a lot of words for a search. Please try with fewer "
                "(up to %(limit_value)d characters)."
            )
        },
    )

    def __init__(self, data):
        data = data.copy()
        data["q"] = " ".join(INVISIBLE.sub(" ", data.get("q", "")).split())
        super().__init__(data, label_suffix="")


@never_cache  # a search is nobody else's business: not kept by the page cache or a proxy
@require_safe
def search(request):
    form = SearchForm(request.GET)
    context = {"form": form, "query": "", "results": []}
    if form.is_valid():
        query = form.cleaned_data["q"]
        context["query"] = query
        context["searchable"] = bool(query_tokens(query))
        if context["searchable"]:
            context["results"] = search_pages(query, language=get_language())
    else:
        # Shown back shortened, not as typed: the box keeps what a search can use.
        form.data = {"q": form.data["q"][:MAX_QUERY_LENGTH]}
    if not context["results"]:
        context["suggestions"] = suggestions()
    return TemplateResponse(request, "ibasho/search.html", context)


def suggestions():
    """Where to look instead: the spaces, the dates and the awareness pages of this language."""
    home = HomePage.objects.live().filter(locale__language_code=get_language()).first()
    if home is None:
        return []
    sections = home.get_children().live().public()
    return list(sections.type(SpaceIndexPage, EventIndexPage, LearnIndexPage).specific())
