from django.apps import AppConfig


class PeersConfig(AppConfig):
    """Peer supporters: their public pages and the dashboard they run their sessions from."""

    name = "peers"
    verbose_name = "peer supporters"
