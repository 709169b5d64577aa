"""gunicorn's logs without private links: its access log quotes every request line, referrer and
header, which would put a manage link (/my/<token>/) in the log of whoever runs the server.
`gunicorn.conf.py` names this class as gunicorn's `logger_class`."""

from gunicorn.glogging import Logger

from .logs import RedactTokens


class RedactingLogger(Logger):
    """gunicorn's logger with Ibasho's redaction on the access and error logs' handlers (set
    again whenever gunicorn sets its handlers up, as a reload does)."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactTokens) for f in handler.filters):
                    handler.addFilter(RedactTokens())
