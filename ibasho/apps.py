from django.apps import AppConfig


class IbashoConfig(AppConfig):
    """The site itself: home and awareness pages, site-wide contacts, health."""

    name = "ibasho"
    verbose_name = "Ibasho"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from events.schedule.models import occurrences_changed

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
