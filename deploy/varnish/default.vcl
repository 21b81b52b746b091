# Varnish in front of the Newsroom (Varnish 6 or 7, as Debian ships it; no vmods needed).
#
# Readers without a session share one cached copy of each public page for as long as
# the site's Cache-Control s-maxage says (CDN_S_MAXAGE). When content changes, the site
# (CDN_PURGE_BACKEND=varnish, CDN_PURGE_URL=http://<this varnish>/) sends
#     BAN /  with  X-Ban-Keys: article-12 topic-3-list lists
# and every object whose Surrogate-Key header holds one of those words is dropped.
# See docs/scaling.md, "A CDN in front".

vcl 4.1;

# The site (gunicorn, `make serve`). Change to where yours listens.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may ban: the site's own servers. Add their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to ban"));
        }
        # Only the site's own key alphabet: nothing a header could smuggle into the regex.
        if (req.http.X-Ban-Keys !~ "^[a-z0-9-]+( [a-z0-9-]+)*$") {
            return (synth(400, "X-Ban-Keys must be space-separated surrogate keys"));
        }
        # Whole words only: "article-1" must not ban "article-12". Keys are separated by
        # spaces in Surrogate-Key, so whitespace or the header's ends bound a word. (A ban
        # expression splits on spaces, hence [[:space:]] rather than a space.)
        ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" + regsuball(req.http.X-Ban-Keys, " ", "|")
            + ")([[:space:]]|$)");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff and anything signed: never from or into the shared cache.
    if (req.url ~ "^/(admin|share)/" || req.http.Cookie ~ "(^|; *)(__Host-)?sessionid=") {
        return (pass);
    }
    # An API request with a token is answered for that token alone (its own rate limit,
    # never cached): straight to the site, never from or into the shared cache.
    if (req.url ~ "^/api/" && req.http.Authorization) {
        return (pass);
    }
    # Public pages are the same for every reader: a cookie must not split the cache.
    unset req.http.Cookie;
    unset req.http.Authorization;
}

sub vcl_backend_response {
    # Only what the site offers to shared caches (s-maxage: public pages, which are
    # purged on change) and static files. Not Varnish's default two minutes for any
    # 200 or 404: an article's "not found" just before it is published, or a page
    # without surrogate keys, could not be purged. The site's Cache-Control decides
    # the rest (s-maxage, stale-while-revalidate, stale-if-error); Varnish's built-in
    # rules still refuse anything private, no-store or setting a cookie.
    if (beresp.http.Cache-Control !~ "s-maxage=[1-9]"
        && !(bereq.url ~ "^/static/" && beresp.status == 200)) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
}

sub vcl_deliver {
    # Readers and tests see whether a page came from this cache.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    set resp.http.X-Cache-Hits = obj.hits;
}
