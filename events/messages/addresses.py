"""E-mail addresses: what people type made into an address mail from the internet can reach,
and the per-recipient count that keeps anyone from filling someone's inbox through Ibasho.

email-validator knows what Django's EmailValidator does not: the special-use and reserved
domains (`localhost`, `.local`, `.test`, `.invalid`...), IDNA for domains in Japanese, and, if
asked, whether DNS says a domain takes mail."""

import unicodedata

import email_validator
from django.conf import settings
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

# RFC 2606 keeps the `.example` top-level domain for documentation; email-validator leaves it
# out only because "example.com" and friends are real (if mail-less) domains. Those stay
# accepted without DNS (documentation and tests use them); `anything.example` is refused.
RESERVED_DOMAINS = (*email_validator.SPECIAL_USE_DOMAIN_NAMES, "example")
RATE_KEY_SALT = "ibasho.messages.addresses.rate"


class AddressError(ValueError):
    """An address mail cannot reach; `code` says why (the form says it kindly)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def normalise(typed):
    """Full-width letters and signs (typed with a Japanese input method) made half-width, and
    surrounding spaces (the ideographic one too) dropped."""
    return unicodedata.normalize("NFKC", typed).strip()


def _reserved(domain):
    domain = domain.lower()
    return any(domain == name or domain.endswith(f".{name}") for name in RESERVED_DOMAINS)


def clean_address(typed, *, check_dns=False, dns_resolver=None):
    """The address to keep: normalised, the domain lower-cased, the part before @ as typed
    (some mail servers tell cases apart). Raises AddressError with the code of the first
    problem: syntax, local_not_ascii, ip_literal, unfinished, reserved, no_mail (DNS)."""
    address = normalise(typed)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise AddressError("syntax")
    if not local.isascii():
        # Allowed by the standards (SMTPUTF8), refused by most mail servers and by Django's.
        raise AddressError("local_not_ascii")
    if domain.startswith("["):
        raise AddressError("ip_literal")
    if "." not in domain.strip("."):
        raise AddressError("unfinished")
    if _reserved(domain):
        raise AddressError("reserved")
    try:
        valid = email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=False
        )
    except email_validator.EmailNotValidError:
        raise AddressError("syntax") from None
    if _reserved(valid.ascii_domain):
        raise AddressError("reserved")
    if check_dns and not domain_takes_mail(valid.ascii_domain, dns_resolver=dns_resolver):
        raise AddressError("no_mail")
    return valid.normalized


def domain_takes_mail(domain, *, dns_resolver=None):
    """False only when DNS says so for certain: the domain does not exist, or it has no mail
    server (a null MX, or no MX and no A/AAAA). A timeout, a failing or missing resolver,
    anything else: True, so that no sign-up is lost because a resolver hiccuped."""
    import dns.resolver  # slow to import; only when DNS checks are on
    from email_validator.deliverability import validate_email_deliverability

    try:
        if dns_resolver is None:
            dns_resolver = dns.resolver.Resolver()  # reads /etc/resolv.conf, may fail
            dns_resolver.lifetime = settings.IBASHO_EMAIL_DNS_TIMEOUT
        validate_email_deliverability(domain, domain, dns_resolver=dns_resolver)
    except email_validator.EmailUndeliverableError as error:
        # email-validator wraps any other error in the same exception: only these are answers.
        cause = error.__cause__
        return not (
            cause is None or isinstance(cause, dns.resolver.NXDOMAIN | dns.resolver.NoAnswer)
        )
    except Exception:  # no resolver configured, a broken resolv.conf...
        return True
    return True


def address_key(address):
    """A keyed hash of the address (normalised, lower-cased): what the counters are kept
    under, so that no cache key, log or task argument holds an address."""
    return salted_hmac(RATE_KEY_SALT, normalise(address).lower()).hexdigest()


def may_mail(address, *, group, rate):
    """Count one message of `group` to this address; False once more than `rate` ("5/h")
    went there in the window. When the cache is down nothing is counted and mail goes
    (RATELIMIT_FAIL_OPEN)."""
    usage = get_usage(
        None,
        group=group,
        key=lambda group, request: address_key(address),
        rate=rate,
        increment=True,
    )
    return usage is None or not usage["should_limit"]
