# Varnish in front of Ibasho's web machines (Varnish 6.6 or later; Debian's `varnish`).
#
# It keeps only what the site says a shared cache may keep: anonymous public pages, which carry
# `Cache-Control: max-age=0, s-maxage=N` (N: until the page could next change by the clock) and
# a `Surrogate-Key` header naming the page-cache scopes they depend on. The site bans those
# scopes here whenever it drops them from its own page cache (IBASHO_FRONT_CACHE_URLS, see
# ibasho/front_cache.py), so a changed date is gone from here as soon as its change commits.
#
# Edit the backend(s) and the purgers below for your machines.
vcl 4.1;

import std;
import directors;

backend web1 {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may send BAN and PURGE: the web machines and the Celery workers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    # Add a line per web machine (and a backend above for each).
    new web = directors.round_robin();
    web.add_backend(web1);
}

sub vcl_recv {
    set req.backend_hint = web.backend();

    if (req.method == "BAN") {
        # X-Ibasho-Ban: the scopes whose pages to drop, e.g. "dates event:0f3c… space:9a1b…".
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Ibasho-Ban !~ "^[A-Za-z0-9:_-]+( [A-Za-z0-9:_-]+)*$") {
            return (synth(400, "Scopes expected"));
        }
        # Pages tagged with any of them; a ban on obj.* only, so the ban lurker applies it.
        if (std.ban("obj.http.Surrogate-Key ~ (^|[[:blank:]])(" +
                regsuball(req.http.X-Ibasho-Ban, " ", "|") + ")([[:blank:]]|$)")) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }
    if (req.method == "PURGE") {
        # Wagtail's frontend_cache HTTP backend: one URL.
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Private or personal, whatever the site answers: untouched, cookies and all. Search is
    # never stored (what people search for is theirs).
    if (req.url ~ "^/(admin|documents|healthz|static|media)(/|$|\?)" ||
            req.url ~ "^/(en/)?(my|accounts|search|talk/write|talk/c|talk/return|peers/dashboard|peers/invitation)(/|$|\?)") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    # A public page: only the session cookie (signed in) and the CSRF cookie mean anything to
    # it; drop the others.
    if (req.http.Cookie) {
        set req.http.Cookie = ";" + regsuball(req.http.Cookie, "; *", ";");
        set req.http.Cookie = regsuball(req.http.Cookie, ";(sessionid|csrftoken)=", "; \1=");
        set req.http.Cookie = regsuball(req.http.Cookie, ";[^ ][^;]*", "");
        set req.http.Cookie = regsuball(req.http.Cookie, "^[; ]+|[; ]+$", "");
        if (req.http.Cookie == "") {
            unset req.http.Cookie;
        }
    }
    # Signed in: the site serves this person fresh pages (and never says s-maxage to them).
    if (req.http.Cookie ~ "(^|; )sessionid=") {
        return (pass);
    }
    # The language is in the path (/en/…), never taken from the browser: no variant per
    # Accept-Language, whatever Vary says. A page that uses the CSRF cookie sets it again,
    # and is not stored (below).
    unset req.http.Accept-Language;
    return (hash);
}

sub vcl_backend_response {
    # Only what the site marked shareable, and never anything setting or varying on a cookie.
    if (beresp.http.Cache-Control !~ "s-maxage=[1-9]" || beresp.http.Set-Cookie ||
            beresp.http.Vary ~ "(?i)cookie") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Varnish takes the TTL from s-maxage. Nothing is served stale: "open now" turns on time.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    # The scopes are for bans here, not for browsers.
    unset resp.http.Surrogate-Key;
}
