from django.apps import AppConfig


class IbashoConfig(AppConfig):
    """The site itself: home and awareness pages, site-wide contacts, health."""

    name = "ibasho"
    verbose_name = "Ibasho"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from events.pages.models import EventIndexPage
        from events.schedule.models import occurrences_changed
        from peers.models import PeerIndexPage
        from spaces.pages import SpaceIndexPage

        from .page_cache import invalidate_dates, invalidate_on_write, invalidate_pages

        for name, signal in [
            ("post-save", post_save),
            ("post-delete", post_delete),
            ("m2m-changed", m2m_changed),
        ]:
            signal.connect(invalidate_on_write, dispatch_uid=f"ibasho-page-cache-{name}")
        for name, signal in [
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ]:
            signal.connect(invalidate_pages, dispatch_uid=f"ibasho-page-cache-{name}")
        occurrences_changed.connect(invalidate_dates, dispatch_uid="ibasho-page-cache-dates")

        # The apps' index pages belong under the home page; the site says so, for no app
        # knows it (see HomePage.subpage_types for the other half).
        for index_page in (SpaceIndexPage, EventIndexPage, PeerIndexPage):
            index_page.parent_page_types = ["ibasho.HomePage"]
