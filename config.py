"""Configuration classes, read from the environment once and passed to the factory.

`load_config()` is the only place that reads the environment; the app factory takes
the object it returns (or a test's own) and never looks at `os.environ` itself.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"

#: Least entropy of a production SECRET_KEY (secrets.token_urlsafe(48) has about 300).
MIN_SECRET_KEY_BITS = 128
#: Values of SECRET_KEY that must never run in production.
WEAK_SECRET_KEYS = frozenset({"", "dev", "change-me", "development-only-secret"})


class ConfigError(RuntimeError):
    """The environment does not describe a configuration that may start."""


class Config:
    SECRET_KEY = "development-only-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'qayd.sqlite'}"
    #: Every connection is checked before use, so a database restart costs no request.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    QAYD_DATA_DIR = str(INSTANCE_DIR / "files")
    #: `flask files gc` keeps an unreferenced file touched this recently: a writer that
    #: found the file marks it so, and its transaction must commit well within this time.
    FILE_GC_GRACE = timedelta(hours=24)

    # Sessions live in the database; the cookie holds only a random id.
    SESSION_COOKIE_NAME = "qayd_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    #: A session unused for this long is dead, on the server, whatever the browser keeps.
    SESSION_IDLE_TIMEOUT = timedelta(hours=8)
    #: A session's row is touched (expiry pushed forward) at most this often, not on
    #: every request.
    SESSION_REFRESH_EVERY = timedelta(minutes=1)
    #: Each process deletes expired session rows at most this often, on a login.
    SESSION_PURGE_EVERY = timedelta(minutes=10)
    REMEMBER_COOKIE_DURATION = timedelta(hours=8)

    #: Failed logins allowed before further tries of that name from that address pause,
    #: and from one address whatever the name (generous: an office shares one address).
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "100 per 15 minutes"
    #: Public status look-ups from one client address: enough for a family checking its
    #: claims, too few to try numbers and identity digits at random.
    STATUS_LOOKUPS_PER_ADDRESS = "10 per 10 minutes"
    #: Where the login counts live: shared Redis in production (redis://host:6379/N);
    #: per-process memory only for a single development server.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = ""
    #: argon2id cost; the defaults are argon2-cffi's RFC 9106 low-memory profile.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST_KIB = 65536
    ARGON2_PARALLELISM = 4

    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    #: Largest single evidence file accepted.
    EVIDENCE_MAX_BYTES = 20 * 1024 * 1024

    #: Conflict matching: pairs scoring below MATCH_MIN_SCORE are not reported; a name
    #: similarity of MATCH_SAME_PERSON or more counts as the same person; blocks larger than
    #: MATCH_MAX_BLOCK_SIZE (very common keys) are not expanded pair by pair; two claims
    #: each scoring MATCH_LINK_SCORE or more with a third claim are reported as a pair too,
    #: when the group so linked has at most MATCH_MAX_LINKED_GROUP claims. The defaults
    #: are tuned on bench/matching.py's labelled data.
    MATCH_MIN_SCORE = 30
    MATCH_SAME_PERSON = 90
    MATCH_MAX_BLOCK_SIZE = 200
    MATCH_LINK_SCORE = 70
    MATCH_MAX_LINKED_GROUP = 8

    #: The earliest dates a claim can carry. Dispossession: the founding of the Iraqi state
    #: (1921), before which no claim under the commission's law arises. Filing: the start
    #: of the commission's intake (its predecessor began registering claims in 2004; a
    #: margin covers records migrated from it). An earlier date is a typing error (year 1,
    #: 0200 for 2020), and claim numbers carry the filing year as four digits.
    DISPOSSESSION_ON_EARLIEST = date(1921, 1, 1)
    FILED_ON_EARLIEST = date(2000, 1, 1)

    #: Adjudication deadlines, in days: the respondent's answer once served, the appeal
    #: window after notification, the default time given for missing documents, and how
    #: close a deadline must be for a case to show as near its deadline.
    RESPONDENT_ANSWER_DAYS = 45
    APPEAL_DAYS = 30
    DOCUMENTS_DAYS = 60
    NEAR_DEADLINE_DAYS = 7
    #: Reason codes that annulment, inadmissibility and rejection must carry, and the
    #: legal provisions a decision may cite: code -> (English, Arabic). Letters print both.
    ANNULMENT_REASONS = {
        "no_identity": ("No proof of the claimant's identity", "عدم إثبات هوية المطالِب"),
        "no_property_details": (
            "The property is not identified",
            "عدم تحديد العقار موضوع المطالبة",
        ),
        "documents_not_supplied": (
            "Requested documents not supplied in time",
            "عدم تقديم المستندات المطلوبة في الموعد المحدد",
        ),
        "not_signed": ("The claim form is not signed", "استمارة المطالبة غير موقّعة"),
    }
    INADMISSIBILITY_REASONS = {
        "outside_jurisdiction": (
            "Outside the commission's jurisdiction",
            "خارج اختصاص الهيئة",
        ),
        "time_limit": ("Filed after the time limit", "قُدّمت بعد انقضاء المدة القانونية"),
        "already_decided": (
            "Already decided by a court or the commission",
            "سبق الفصل فيها قضائياً أو من قبل الهيئة",
        ),
        "not_real_property": ("Not real property", "ليست عقاراً"),
    }
    REJECTION_REASONS = {
        "no_proof_of_ownership": ("No proof of ownership", "عدم إثبات الملكية"),
        "lawful_transfer": (
            "The property was transferred lawfully",
            "انتقلت الملكية بصورة قانونية",
        ),
        "not_dispossessed": (
            "No dispossession within the law's scope",
            "عدم ثبوت نزع الملكية ضمن نطاق القانون",
        ),
    }
    LEGAL_PROVISIONS = {
        "law13_confiscation": (
            "Law No. 13 of 2010: property confiscated for political, ethnic or sectarian reasons",
            "القانون رقم 13 لسنة 2010: العقارات المصادرة لأسباب سياسية أو عرقية أو طائفية",
        ),
        "law13_public_purpose": (
            "Law No. 13 of 2010: property taken for public purposes without fair compensation",
            "القانون رقم 13 لسنة 2010: العقارات المستملكة للنفع العام دون تعويض عادل",
        ),
        "law13_compensation": (
            "Law No. 13 of 2010: compensation where restitution is not possible",
            "القانون رقم 13 لسنة 2010: التعويض عند تعذّر الإعادة",
        ),
        "law13_good_faith": (
            "Law No. 13 of 2010: rights of a current holder in good faith",
            "القانون رقم 13 لسنة 2010: حقوق الحائز الحالي حسن النية",
        ),
        "civil_code": (
            "Iraqi Civil Code No. 40 of 1951",
            "القانون المدني العراقي رقم 40 لسنة 1951",
        ),
    }
    #: The public address of /verify printed in every letter's QR code, e.g.
    #: https://qayd.example.gov.iq/verify/. Production must set it: the address a request
    #: came in on is the client's to choose.
    VERIFY_BASE_URL = ""
    #: Currencies a compensation may be awarded in (ISO 4217).
    CURRENCIES = ("IQD", "USD")

    WTF_CSRF_TIME_LIMIT = 8 * 3600
    #: The token is checked by commission.policy after login and roles, not before.
    WTF_CSRF_CHECK_DEFAULT = False
    LANGUAGES = ("en", "ar")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Baghdad"

    #: HSTS is only sent where the site is served over TLS.
    SEND_HSTS = False
    #: `flask seed-demo` writes well-known passwords; never allowed in production.
    ALLOW_DEMO_SEED = True


class DevelopmentConfig(Config):
    pass


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret"
    # Cheap hashes keep the suite fast; production cost is asserted in its own test.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SEND_HSTS = True
    ALLOW_DEMO_SEED = False


CONFIG_CLASSES = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Build the configuration object from the environment (QAYD_ENV picks the class)."""
    environ = dict(os.environ if environ is None else environ)
    name = environ.get("QAYD_ENV", "development")
    try:
        config = CONFIG_CLASSES[name]()
    except KeyError:
        raise ConfigError(
            f"QAYD_ENV={name!r} is not one of {', '.join(sorted(CONFIG_CLASSES))}"
        ) from None

    if "SECRET_KEY" in environ:
        config.SECRET_KEY = environ["SECRET_KEY"]
    if environ.get("DATABASE_URL"):
        config.SQLALCHEMY_DATABASE_URI = normalise_database_url(environ["DATABASE_URL"])
    if environ.get("QAYD_DATA_DIR"):
        config.QAYD_DATA_DIR = environ["QAYD_DATA_DIR"]
    if environ.get("QAYD_RATELIMIT_STORAGE_URI"):
        config.RATELIMIT_STORAGE_URI = environ["QAYD_RATELIMIT_STORAGE_URI"]
    if environ.get("VERIFY_BASE_URL"):
        config.VERIFY_BASE_URL = environ["VERIFY_BASE_URL"]
    if environ.get("QAYD_EVIDENCE_MAX_MB"):
        config.EVIDENCE_MAX_BYTES = int(environ["QAYD_EVIDENCE_MAX_MB"]) * 1024 * 1024
        config.MAX_CONTENT_LENGTH = config.EVIDENCE_MAX_BYTES + 5 * 1024 * 1024

    check_config(config)
    return config


def secret_key_entropy_bits(key: str) -> float:
    """Shannon entropy of the key's characters times its length: a measure of how many
    guesses it would take, in which "aaaa…" scores nothing however long it is."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_character = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return max(0.0, per_character * len(key))


def check_config(config: Config) -> None:
    """Refuse a production configuration with a guessable secret, per-process login
    counts or no verify address."""
    if isinstance(config, ProductionConfig):
        key = config.SECRET_KEY or ""
        if key in WEAK_SECRET_KEYS or secret_key_entropy_bits(key) < MIN_SECRET_KEY_BITS:
            raise ConfigError(
                f"Production needs SECRET_KEY set to a random value of at least "
                f"{MIN_SECRET_KEY_BITS} bits of entropy "
                '(e.g. python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        if config.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise ConfigError(
                "Production needs QAYD_RATELIMIT_STORAGE_URI, a storage every worker shares "
                "(e.g. redis://127.0.0.1:6379/0): per-process counts let a guesser try "
                "each worker in turn."
            )
        if not config.VERIFY_BASE_URL.startswith("https://"):
            raise ConfigError(
                "Production needs VERIFY_BASE_URL, the public https:// address of /verify "
                "that letters print in their QR code."
            )
