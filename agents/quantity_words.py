"""Word lists `agents.quantities` uses to tell what a number qualifies ("10M new pastes")."""

from __future__ import annotations

# A month is 30 days and a year 365 days everywhere in designcrew.
PERIOD_SECONDS: dict[str, float] = {
    "second": 1.0,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,
    "week": 604800.0,
    "month": 2592000.0,
    "year": 31536000.0,
}

PERIOD_WORDS: dict[str, str] = {
    **{w: "second" for w in ("s", "sec", "secs", "second", "seconds")},
    **{w: "minute" for w in ("min", "mins", "minute", "minutes")},
    **{w: "hour" for w in ("h", "hr", "hrs", "hour", "hours", "hourly")},
    **{w: "day" for w in ("d", "day", "days", "daily")},
    **{w: "week" for w in ("wk", "week", "weeks", "weekly")},
    **{w: "month" for w in ("mo", "month", "months", "monthly")},
    **{w: "year" for w in ("y", "yr", "yrs", "year", "years", "yearly", "annually")},
}


def words(text: str) -> frozenset[str]:
    """The set of the space-separated words of `text`."""
    return frozenset(text.split())


USER_NOUNS = words(
    "user customer rider driver member subscriber person people player visitor account viewer "
    "listener student employee merchant seller buyer shopper patient client tenant developer "
    "creator guest traveler traveller passenger gamer learner reader"
)
READ_NOUNS = words(
    "read view pageview lookup redirect click visit query fetch get download play stream "
    "watch search impression hit access resolve retrieval playback"
)
READ_VERBS = words(
    "read viewed fetched accessed clicked visited downloaded streamed watched served searched "
    "opened looked"
)
WRITE_NOUNS = words(
    "write upload post insert update create creation submission message tweet event order "
    "payment transaction booking reservation ride trip notification signup registration "
    "comment like send edit publish job task ping metric sample datapoint transfer trade bid "
    "shortening chat delivery"
)
WRITE_VERBS = words(
    "created written uploaded posted sent added made generated submitted published shortened "
    "stored ingested inserted recorded logged placed booked taken"
)
# verbs before "N times a day": "opens the timeline 20 times a day" is a read
READ_ACTIONS = words(
    "open opens opened view views viewed check checks checked visit visits visited read reads "
    "load loads loaded refresh refreshes refreshed search searches searched watch watches "
    "watched browse browses click clicks clicked look looks query queries fetch fetches "
    "play plays played download downloads"
)
WRITE_ACTIONS = words(
    "post posts posted upload uploads uploaded send sends sent write writes wrote submit "
    "submits submitted create creates created publish publishes published share shares shared "
    "tweet tweets edit edits edited book books booked order orders ordered update updates "
    "updated report reports reported save saves saved add adds added finish finishes"
)
# nouns that name the same event: a 'reservation' is the main write of a 'booking' system
SYNONYM_GROUPS: tuple[frozenset[str], ...] = (
    words("booking reservation"),
    words("post tweet status"),
    words("order purchase checkout"),
    words("payment transaction charge transfer"),
    words("ride trip"),
    words("link url"),
    words("paste snippet"),
    words("photo image picture"),
    words("video clip"),
    words("message chat"),
    words("file document"),
    words("notification push alert"),
    words("match game"),
    words("score result"),
    words("click impression"),
    words("job run execution task"),
)
REQUEST_NOUNS = words("request call operation op qps rps tps hit api")
SINGULAR_COUNT_NOUNS = words(
    "region city country datacenter zone az server node machine shard service team language "
    "market warehouse device sensor camera site store page url domain follower friend "
    "connection time"
)
MEDIA_NOUNS = words(
    "video photo image picture file attachment audio song track clip media movie episode "
    "thumbnail document pdf blob recording podcast asset upload"
)
METADATA_NOUNS = words("metadata record row entry index header")
ADJECTIVES = words(
    "new daily monthly weekly active unique registered total concurrent simultaneous online "
    "connected peak average avg additional distinct paying more extra short long small large "
    "big read write api http"
)
CONCURRENT_WORDS = words("concurrent simultaneous online connected")
FILLER_WORDS = (
    words("are is be being get gets got in total on average roughly about each")
    | READ_VERBS
    | WRITE_VERBS
)
STOP_WORDS = words(
    "of in on at and or with per a an the each every that which to for from by as is are was "
    "were be it its this these those than then so but if we our you your they their i my no "
    "not up down out over under into onto about around across between within without after "
    "before during while when where who whom whose how what why all any some most more less"
)


def singular(word: str) -> str:
    """A crude singular of an English plural noun: 'pastes' -> 'paste', 'queries' -> 'query'."""
    low = word.lower()
    if low in ("people", "media", "data", "news", "series", "analytics", "status", "dau", "mau"):
        return low
    if low in ("daus", "maus"):
        return low[:-1]
    if low.endswith("ies") and len(low) > 4:
        return low[:-3] + "y"
    if low.endswith(("ches", "shes", "sses", "xes")):
        return low[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return low[:-1]
    return low
