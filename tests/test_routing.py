"""Pages are found by ibasho/routing.py in two queries, with the answers Wagtail's own walk
down the tree gives: the same page, the same sub-URL, the same 404s."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Page, Site

from ibasho.routing import route


def wagtail_route(site, path):
    """What Wagtail's `Page.route` answers for `path`, or None for a 404."""
    request = RequestFactory().get(path)
    try:
        return site.root_page.localized.specific.route(request, [c for c in path.split("/") if c])
    except Exception as error:  # Http404
        assert error.__class__.__name__ == "Http404"
        return None


def our_route(site, path):
    request = RequestFactory().get(path)
    try:
        return route(request, site, [c for c in path.split("/") if c])
    except Exception as error:
        assert error.__class__.__name__ == "Http404"
        return None


def same(a, b):
    """The same page and the same sub-URL view with the same arguments (a view is a method
    bound to its page object, so it is compared by name)."""
    if a is None or b is None:
        return a is b

    def seen(result):
        args = tuple(getattr(arg, "__name__", arg) for arg in result.args)
        return type(result.page), result.page.pk, args, result.kwargs

    return seen(a) == seen(b)


def test_a_draft_page_is_not_found_and_its_published_child_still_is(
    client, space_index, make_space
):
    space = make_space(slug="hidamari")
    assert client.get("/spaces/hidamari/").status_code == 200
    space_index.unpublish()
    # Wagtail serves a live page under a draft one: the walk does not ask for the parents.
    assert client.get("/spaces/hidamari/").status_code == 200
    assert client.get("/spaces/").status_code == 404
    space.unpublish()
    assert client.get("/spaces/hidamari/").status_code == 404


def test_a_renamed_page_is_found_at_its_new_address_at_once(client, make_space):
    space = make_space(slug="hidamari")
    assert client.get("/spaces/hidamari/").status_code == 200
    space.slug = "hidamari-2"
    space.save_revision().publish()
    assert client.get("/spaces/hidamari-2/").status_code == 200
    assert client.get("/spaces/hidamari/").status_code == 404
    assert client.get("/spaces/hidamari-2/nothing-here/").status_code == 404


def test_a_page_with_sub_urls_gets_the_rest_of_the_path(client, make_event):
    make_event(slug="tuesday")
    site = Site.objects.get(is_default_site=True)
    found = our_route(site, "/events/tuesday/enrol/")
    assert found is not None and found.args[0].__name__ == "enrolment_form"
    assert same(found, wagtail_route(site, "/events/tuesday/enrol/"))
    assert client.get("/events/tuesday/").status_code == 200
    assert client.get("/events/tuesday/no-such-part/").status_code == 404


def test_the_same_slug_in_another_branch_is_not_taken_for_it(client, home_page, make_space):
    make_space(slug="events")  # /spaces/events/, not /events/
    assert client.get("/spaces/events/").status_code == 200
    assert client.get("/events/").status_code == 404


# Kept last: the demo content is shared by the module's remaining tests.
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_page_of_the_demo_routes_as_wagtail_routes_it(demo, language):
    site = Site.objects.get(is_default_site=True)
    with translation.override(language):
        paths = {
            page.url_path[len(site.root_page.localized.url_path) - 1 :]
            for page in Page.objects.live().descendant_of(site.root_page.localized, inclusive=True)
        }
        paths |= {"/nothing/", "/spaces/nothing/", "/events/feed.ics", "/spaces/hidamari/x/"}
        assert len(paths) > 20
        for path in sorted(paths):
            assert same(our_route(site, path), wagtail_route(site, path)), path
