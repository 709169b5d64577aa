from django.apps import AppConfig


class PeersConfig(AppConfig):
    """Peer supporters: their public pages and the dashboard they run their sessions from."""

    name = "peers"
    verbose_name = "peer supporters"

    def ready(self):
        from . import notifications

        notifications.register()  # the invitation e-mail, a kind of outbox message
