"""The site's starting content, read from a folder of TOML files: the demo in ibasho/demo/, or a
centre's own folder (`--content DIR`). Each file documents its keys at the top. Idempotent:
running it again updates the same pages and rows and republishes nothing that has not changed."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone, translation
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

# Every project name the loader uses is imported here, and nowhere else.
from accounts.factors import ensure_totp
from events.changes.services import cancel_occurrence, japanese_holidays
from events.models import (
    ClosedDays,
    EventIndexPage,
    EventPage,
    Occurrence,
    OccurrenceStatus,
    ScheduleRule,
)
from events.pages.models import sync_all_events
from ibasho.content import (
    LANGUAGES,
    cancelled_date,
    clock,
    closed_span,
    first_date,
    read_fields,
    read_folder,
    read_texts,
    refer,
    weekday_codes,
)
from ibasho.models import ArticlePage, CentreSettings, ConsultationContact, HomePage, LearnIndexPage
from peers.models import HostedEvent, PeerIndexPage, PeerProfilePage
from spaces.models import Area, Feature, Organisation, SpaceIndexPage, SpacePage

DEMO_CONTENT = Path(__file__).resolve().parents[2] / "demo"
FILES = ("site", "articles", "places", "events", "centre", "peers")
# The index pages under the home page: site.toml's table, model and slug. They are shown in the
# main menu and made in this order, so that a fresh site's menu reads: spaces, dates, learn.
INDEXES = {
    "space_index": (SpaceIndexPage, "spaces"),
    "event_index": (EventIndexPage, "events"),
    "learn_index": (LearnIndexPage, "learn"),
}
MENU_PAGES = tuple(model for model, _slug in INDEXES.values())
# Translatable snippets are found again by a fixed translation key made from their key or slug.
DEMO_NAMESPACE = uuid.UUID("5f0c6d1e-2f59-4a51-9d0e-1b0a7e3c1b5a")

# The fields an entry gives directly, (required, optional); a missing optional one gets the
# model's default. Texts in each language come from its [ja] and [en] tables.
FIELDS = {
    Organisation: (("kind",), ("website", "phone")),
    Area: (("slug", "level"), ()),
    SpacePage: (
        (),
        ("audience", "location_policy", "is_online", "online_join_url", "show_join_url"),
    ),
    ArticlePage: (("audience",), ()),
    EventPage: (
        ("kind", "audience", "join_mode", "holiday_policy"),
        ("is_online", "capacity", "intake_required"),
    ),
    ScheduleRule: ((), ("frequency", "interval", "nth", "day_of_month", "count")),
    CentreSettings: ((), ("name", "name_en", "reassurance", "reassurance_en")),
    ConsultationContact: (
        ("kind", "label", "value"),
        ("label_en", "url", "hours", "hours_en", "note", "note_en", "is_crisis"),
    ),
}
DEMO_PASSWORD = "ibasho-demo"  # noqa: S105 - published on purpose, development settings only
DEMO_ACCOUNTS = [
    # (e-mail, display name, staff)
    ("staff@example.org", "センター職員", True),
    ("hikari@example.org", "ひかり", False),
    ("sora@example.org", "そら", False),
]


def fields_of(table, model):
    return read_fields(table, model, *FIELDS[model])


def texts_of(table, model):
    return read_texts(table, model, exclude=sum(FIELDS.get(model, ((), ())), ()))


def schedule_rule(rule, order, today):
    return ScheduleRule(
        sort_order=order,
        start_date=first_date(rule, today, japanese_holidays),
        start_time=clock(rule, "start_time"),
        end_time=clock(rule, "end_time"),
        weekdays=weekday_codes(rule, "weekdays"),
        **fields_of(rule, ScheduleRule),
    )


def differs(obj, name, value):
    """Would setting `obj.name = value` change anything? Compares stream blocks by their data,
    foreign keys by id and many-to-many fields by the set of ids."""
    field = obj._meta.get_field(name)
    if isinstance(field, StreamField):
        current = getattr(obj, name)
        current = current.get_prep_value() if current else []
        wanted = [{"type": b["type"], "value": b["value"]} for b in value]
        return [{"type": b["type"], "value": b["value"]} for b in current] != wanted
    if isinstance(field, models.ManyToManyField):
        return set(getattr(obj, name).values_list("pk", flat=True)) != {v.pk for v in value}
    if isinstance(field, models.ForeignKey):
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


class Command(BaseCommand):
    help = "Load the site's starting content (the demo, or --content DIR). Safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--content",
            type=Path,
            default=DEMO_CONTENT,
            metavar="DIR",
            help="a folder of content files like ibasho/demo/ (the default)",
        )

    def handle(self, *args, content, **options):
        files = read_folder(content, FILES)
        # Messages stored with dates (e.g. a holiday closure) are written in the site's language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            self._load(files)
            for file in files.values():
                file.check_all_read()

    def _load(self, content):
        self.locales = {
            lang: Locale.objects.get_or_create(language_code=lang)[0] for lang in LANGUAGES
        }
        site_file = content["site"]
        home_texts = texts_of(site_file.table("home"), HomePage)
        home = HomePage.objects.filter(locale=self.locales["ja"]).first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title=home_texts["ja"]["title"], slug="home"))
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        self._publish(home, home_texts["ja"])
        home_en = self._translation(home, home_texts["en"])

        indexes = {
            key: self._pages(home, model, slug, texts_of(site_file.table(key), model))["ja"]
            for key, (model, slug) in INDEXES.items()
        }
        for article in content["articles"].tables("articles"):
            slug, shared = article.get("slug"), fields_of(article, ArticlePage)
            texts = texts_of(article, ArticlePage)
            self._pages(indexes["learn_index"], ArticlePage, slug, texts, shared)

        spaces = self._load_places(content["places"], indexes["space_index"])
        self._load_events(content["events"], indexes["event_index"], spaces)
        self._load_centre(content["centre"], site)
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {home.url} and {home_en.url}"))

        if getattr(settings, "IBASHO_DEMO_ACCOUNTS", False):
            self._load_accounts()
        # After the accounts, which the profiles name.
        self._load_peers(content["peers"], home)

    def _publish(self, page, fields):
        """Set the fields and publish, only when something changed (keeps re-runs quiet)."""
        changed = False
        for name, value in fields.items():
            if differs(page, name, value):
                setattr(page, name, value)
                changed = True
        if name_changed := (page.draft_title != page.title):
            page.draft_title = page.title
        if changed or name_changed or not page.live or page.has_unpublished_changes:
            page.show_in_menus = isinstance(page, MENU_PAGES)
            page.save_revision().publish()
        return page

    def _translation(self, page, fields):
        translated = page.get_translation_or_none(self.locales["en"])
        if translated is None:
            translated = page.copy_for_translation(
                self.locales["en"], copy_parents=True, alias=False
            )
        return self._publish(translated.specific, fields)

    def _pages(self, parent, model, slug, texts, shared=None, per_language=None, setup=None):
        """{"ja": page, "en": page}: the Japanese child page with this slug (created when
        missing, then `setup(page)` runs) and its English translation, each published with its
        fields. `per_language` holds fields that differ by language, e.g. a related row."""
        fields = {
            lang: {**texts[lang], **(shared or {}), **(per_language or {}).get(lang, {})}
            for lang in LANGUAGES
        }
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            plain = {
                name: value
                for name, value in fields["ja"].items()
                if not isinstance(model._meta.get_field(name), models.ManyToManyField)
            }
            page = parent.add_child(instance=model(slug=slug, live=False, **plain))
            if setup is not None:
                setup(page)
        # Publishing a Japanese event page makes its dates (events.signals.sync_on_publish).
        page = self._publish(page, fields["ja"])
        return {"ja": page, "en": self._translation(page, fields["en"])}

    def _snippet(self, model, key, texts, shared, per_language=None):
        """{"ja": row, "en": row} of a translatable snippet, found again by a translation key
        made from `key`; the English row is a translation of the Japanese one. Rows are saved
        only when something changed."""
        translation_key = uuid.uuid5(DEMO_NAMESPACE, key)
        rows = {}
        for lang in LANGUAGES:
            fields = {**shared, **texts[lang], **(per_language or {}).get(lang, {})}
            rows_here = model.objects.filter(locale=self.locales[lang])
            row = rows_here.filter(translation_key=translation_key).first()
            changed = row is None
            if row is None and lang == "ja":
                row = model(translation_key=translation_key, locale=self.locales[lang])
            elif row is None:
                row = rows["ja"].copy_for_translation(self.locales[lang])
            for name, value in fields.items():
                if differs(row, name, value):
                    setattr(row, name, value)
                    changed = True
            if changed:
                row.save()
            rows[lang] = row
        return rows

    def _load_places(self, places, index):
        organisations, areas, spaces = {}, {}, {}
        for org in places.tables("organisations"):
            key, shared = org.get("key"), fields_of(org, Organisation)
            texts = texts_of(org, Organisation)
            organisations[key] = self._snippet(Organisation, f"organisation:{key}", texts, shared)
        for order, area in enumerate(places.tables("areas")):
            parent = refer(area, "parent", areas, "area listed before it", required=False) or {}
            shared = {**fields_of(area, Area), "sort_order": order}
            # Each language's town sits under the same language's region.
            per_language = {lang: {"parent": parent.get(lang)} for lang in LANGUAGES}
            key = shared["slug"]
            areas[key] = self._snippet(
                Area, f"area:{key}", texts_of(area, Area), shared, per_language
            )
        features = {feature.code: feature for feature in Feature.objects.all()}
        for space in places.tables("spaces"):
            slug, shared = space.get("slug"), fields_of(space, SpacePage)
            organisation = refer(space, "organisation", organisations, "organisation")
            area = refer(space, "area", areas, "area", required=False)
            shared["features"] = [
                refer(space, "features", features, "feature", name=code)
                for code in space.get("features", [], list)
            ]
            per_language = {
                lang: {"organisation": organisation[lang], "area": area and area[lang]}
                for lang in LANGUAGES
            }
            texts = texts_of(space, SpacePage)
            spaces[slug] = self._pages(index, SpacePage, slug, texts, shared, per_language)
        return spaces

    def _load_events(self, events, index, spaces):
        today = timezone.localdate()
        for event in events.tables("events"):
            slug, shared = event.get("slug"), fields_of(event, EventPage)
            space = refer(event, "space", spaces, "space in places.toml")
            per_language = {lang: {"space": space[lang]} for lang in LANGUAGES}
            # Rules and the cancelled date are checked on every run but used only for a new
            # page: they are dated from today, and a later run must not move them.
            rules = [schedule_rule(rule, n, today) for n, rule in enumerate(event.tables("rules"))]
            cancel = cancelled_date(event.table("cancel")) if "cancel" in event.data else None

            def give_schedule(page, rules=rules):
                page.rules = rules

            texts = texts_of(event, EventPage)
            page = self._pages(index, EventPage, slug, texts, shared, per_language, give_schedule)
            if cancel is not None:
                self._cancel_one(page["ja"], *cancel)

        created = False
        for closed in events.tables("closed_days"):
            first_day, last_day = closed_span(closed, today)
            message = {
                "message": closed.get("message", ""),
                "message_en": closed.get("message_en", ""),
            }
            _closure, made = ClosedDays.objects.get_or_create(
                first_day=first_day, last_day=last_day, space=None, defaults=message
            )
            created = created or made
        if created:
            sync_all_events()

    def _cancel_one(self, event, nth, weekday, message, message_en):
        """One date cancelled by staff: the event's `nth` upcoming date on that weekday. Done
        once; a date staff already changed means it has been done."""
        if Occurrence.objects.filter(event=event, edited=True).exists():
            return
        upcoming = Occurrence.objects.filter(
            event=event, status=OccurrenceStatus.SCHEDULED, start__gt=timezone.now()
        ).order_by("start")[:20]
        matching = [o for o in upcoming if o.local_date.weekday() == weekday]
        if len(matching) >= nth:
            cancel_occurrence(occurrence=matching[nth - 1], message=message, message_en=message_en)

    def _load_centre(self, centre_file, site):
        centre = CentreSettings.for_site(site)
        fields = fields_of(centre_file.table("centre"), CentreSettings)
        contacts = [fields_of(c, ConsultationContact) for c in centre_file.tables("contacts")]
        names = sum(FIELDS[ConsultationContact], ())
        current = [{name: getattr(row, name) for name in names} for row in centre.contacts.all()]
        if current == contacts and not any(differs(centre, n, v) for n, v in fields.items()):
            return
        for name, value in fields.items():
            setattr(centre, name, value)
        # Contacts are replaced as a whole: the set is small and has no history to keep.
        # Assigning the cluster relation and saving the parent writes the rows (modelcluster).
        centre.contacts = [ConsultationContact(sort_order=n, **c) for n, c in enumerate(contacts)]
        centre.save()

    def _load_peers(self, peers, home):
        index = self._pages(
            home, PeerIndexPage, "peers", texts_of(peers.table("peer_index"), PeerIndexPage)
        )["ja"]
        events = {page.slug: page for page in EventPage.objects.filter(locale=self.locales["ja"])}
        User = get_user_model()
        for profile in peers.tables("profiles"):
            slug = profile.get("slug")
            email = profile.get("account", "")
            user = User.objects.filter(email__iexact=email).first() if email else None
            hosted = [
                refer(profile, "events", events, "event in events.toml", name=event_slug)
                for event_slug in profile.get("events", [], list)
            ]
            shared = {"user": user, "paused": profile.get("paused", False, bool)}

            def give_sessions(page, hosted=hosted):
                page.hosted_events = [HostedEvent(event=event) for event in hosted]

            texts = texts_of(profile, PeerProfilePage)
            self._pages(index, PeerProfilePage, slug, texts, shared, setup=give_sessions)

    def _load_accounts(self):
        User = get_user_model()
        self.stdout.write(f"Demo accounts (development only), password “{DEMO_PASSWORD}”:")
        for email, display_name, is_staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "display_name": display_name,
                    "is_staff": is_staff,
                    "is_superuser": is_staff,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            role = "staff" if is_staff else "peer supporter"
            self.stdout.write(f"  {email}  ({role})")
            if is_staff:
                self._second_factor(user)

    def _second_factor(self, user):
        """Staff must pass a second factor: the demo staff account has an authenticator-app
        secret and recovery codes, printed so a newcomer can sign in (development only)."""
        secret, url, codes = ensure_totp(user)
        self.stdout.write(
            "    second factor: add this secret to an authenticator app (or open the URL),\n"
            f"    secret {secret}\n"
            f"    {url}\n"
            "    or type one of these recovery codes (each works once):\n"
            f"    {' '.join(codes)}"
        )
