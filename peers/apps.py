from django.apps import AppConfig


class PeersConfig(AppConfig):
    """Peer supporters: their public pages and the dashboard they run their sessions from."""

    name = "peers"
    verbose_name = "peer supporters"

    def ready(self):
        from events.signups import hosts

        from . import models, notifications

        notifications.register()  # the invitation e-mail, a kind of outbox message
        hosts.register(models.has_peer_host)  # the sign-up form says the host sees nicknames
