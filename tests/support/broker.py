"""The test process's own connection to the Celery broker."""


def forget_connection_pools():
    """Make Celery connect afresh after its broker settings were changed by a test."""
    from ibasho.celery import app as celery_app

    # The app keeps its producer pool for the broker it first used; a new broker URL needs new
    # pools (closing them instead would leave a closed pool registered for that URL in kombu).
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
