"""gunicorn's settings for Ibasho. gunicorn reads this file from the directory it is started in
(`gunicorn ibasho.wsgi` in the checkout, or `-c /path/to/gunicorn.conf.py`); variables of the
environment override what is set here (GUNICORN_CMD_ARGS, WEB_CONCURRENCY)."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# The access log on standard output, every manage link and token in it redacted (as in the
# error log): the request line, the path, the query, the referrer and headers alike.
accesslog = "-"
logger_class = "ibasho.gunicorn_logs.RedactingLogger"
access_log_format = '%(h)s %(l)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
