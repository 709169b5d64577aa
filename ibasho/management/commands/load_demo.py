"""Demo content for Ibasho, in the voice of a prefectural support centre. Idempotent: running it
again updates the same pages and settings instead of adding copies."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from wagtail.models import Locale, Page, Site

from ibasho.models import (
    ArticlePage,
    CentreSettings,
    ConsultationContact,
    ContactKind,
    HomePage,
    LearnIndexPage,
)

DEMO_PASSWORD = "ibasho-demo"  # noqa: S105 - published on purpose, development settings only
DEMO_ACCOUNTS = [
    # (e-mail, display name, staff)
    ("staff@example.org", "センター職員", True),
    ("hikari@example.org", "ひかり", False),
    ("sora@example.org", "そら", False),
]

CENTRE = {
    "name": "みずうみ県ひきこもり地域支援センター",
    "name_en": "Mizuumi Prefecture Hikikomori Regional Support Centre",
    "reassurance": (
        "ご本人からでも、ご家族からでも、名前を言わずに相談できます。うまく話せなくても大丈夫です。"
    ),
    "reassurance_en": (
        "You can call about yourself or someone in your family, without giving your name. "
        "It's fine if the words don't come easily."
    ),
}

CONTACTS = [
    {
        "kind": ContactKind.PHONE,
        "label": "みずうみ県ひきこもり地域支援センター 電話相談",
        "label_en": "Mizuumi Prefecture Centre, phone consultation",
        "value": "077-000-0101",
        "hours": "平日 9:00〜16:00（祝日・年末年始を除く）",
        "hours_en": "Weekdays 9:00–16:00 (closed on public holidays and over New Year)",
        "note": "ご家族からのご相談も多くいただいています。",
        "note_en": "Many of our calls come from family members.",
    },
    {
        "kind": ContactKind.PHONE,
        "label": "さくら市ひきこもり支援センター",
        "label_en": "Sakura City Hikikomori Support Centre",
        "value": "0866-00-0202",
        "hours": "月〜金 8:30〜17:15",
        "hours_en": "Monday to Friday 8:30–17:15",
    },
    {
        "kind": ContactKind.EMAIL,
        "label": "メール相談（電話が苦手な方へ）",
        "label_en": "E-mail (if phoning is hard)",
        "value": "soudan@example.org",
        "hours": "3日以内（土日祝を除く）にお返事します",
        "hours_en": "We reply within three working days",
    },
    {
        "kind": ContactKind.SNS,
        "label": "LINE相談「ちょっと話そう」",
        "label_en": "LINE chat “Let’s talk a little”",
        "value": "@ibasho-demo",
        "url": "https://example.org/line",
        "hours": "火・木 18:00〜21:00",
        "hours_en": "Tuesdays and Thursdays 18:00–21:00",
        "note": "スタンプだけ、一言だけでも大丈夫です。",
        "note_en": "A sticker or a single word is enough to start.",
    },
    {
        "kind": ContactKind.PHONE,
        "label": "よりそいホットライン",
        "label_en": "Yorisoi Hotline",
        "value": "0120-279-338",
        "hours": "24時間・通話無料",
        "hours_en": "24 hours, free of charge",
        "is_crisis": True,
    },
    {
        "kind": ContactKind.PHONE,
        "label": "こころの健康相談統一ダイヤル",
        "label_en": "Mental health consultation line (nationwide number)",
        "value": "0570-064-556",
        "hours": "受付時間は都道府県によって異なります",
        "hours_en": "Hours depend on the prefecture you call from",
        "is_crisis": True,
    },
]

HOME = {
    "ja": {
        "title": "ここにいていい場所を、いっしょに",
        "intro": (
            "ひきこもりの状態にある方、そのご家族、地域で見守る方のためのページです。"
            "予約のいらない居場所、家族会、ピアサポーターとの時間をご案内しています。"
            "見るだけでも、登録はいりません。"
        ),
    },
    "en": {
        "title": "A place where you can simply be",
        "intro": (
            "For people who have withdrawn from everyday life, for their families, and for "
            "neighbours who care. Here you will find drop-in spaces that need no booking, "
            "family groups and time with peer supporters. You can just look around: no "
            "account is needed."
        ),
    },
}

LEARN = {
    "ja": {"title": "知る・読む", "intro": "ひきこもりについて、立場ごとに短くまとめました。"},
    "en": {
        "title": "Learn",
        "intro": "Short pages about hikikomori, written for each of the people it touches.",
    },
}


def _p(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _h(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _quote(text, who):
    return {"type": "quote", "value": {"text": text, "attribution": who}}


def _faq(heading, pairs):
    return {
        "type": "faq",
        "value": {
            "heading": heading,
            "questions": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in pairs],
        },
    }


def _callout(heading, text):
    return {"type": "callout", "value": {"heading": heading, "text": text, "show_contacts": True}}


ARTICLES = [
    {
        "slug": "for-you",
        "audience": "person",
        "ja": {
            "title": "外に出るのがしんどいあなたへ",
            "summary": (
                "家から出られない時期があっても、あなたが悪いわけではありません。"
                "話さなくていい、名前を言わなくていい場所があります。"
                "気が向いたときに、のぞいてみてください。"
            ),
            "body": [
                _h("急がなくて大丈夫です"),
                _p(
                    "何年も外に出ていないと、最初の一歩がとても大きく感じられます。"
                    "ここで紹介している居場所は、予約も自己紹介もいりません。"
                    "来てすぐ帰っても、何もしないで座っているだけでもかまいません。"
                ),
                _quote(
                    "最初の日は玄関の前まで行って帰りました。"
                    "三回目でやっと中に入れて、誰も理由を聞かなかったのがうれしかったです。",
                    "居場所に通う30代の方",
                ),
                _faq(
                    "よくある質問",
                    [
                        (
                            "何か話さないといけませんか？",
                            "いいえ。黙って過ごす方もたくさんいます。",
                        ),
                        (
                            "家族に知られずに参加できますか？",
                            "はい。予約不要の居場所は名前も連絡先もいりません。"
                            "カレンダーに入れるときは、目立たない名前で登録できます。",
                        ),
                        (
                            "オンラインでも参加できますか？",
                            "オンラインの居場所もあります。カメラも声もオフのままで大丈夫です。",
                        ),
                    ],
                ),
                _callout(
                    "話してみたくなったら",
                    "電話が苦手な方は、メールやLINEでも受け付けています。",
                ),
            ],
        },
        "en": {
            "title": "If going out feels hard right now",
            "summary": (
                "If you haven't been able to leave home for a while, it isn't your fault. "
                "There are places where you don't have to talk or give your name. "
                "Have a look whenever you feel like it."
            ),
            "body": [
                _h("There is no hurry"),
                _p(
                    "After years indoors, the first step can feel enormous. The drop-in spaces "
                    "listed here need no booking and no self-introduction. You can leave right "
                    "after you arrive, or just sit quietly."
                ),
                _quote(
                    "The first day I only got as far as the front door. The third time I went "
                    "in, and I was glad that nobody asked me why.",
                    "someone in their thirties who comes to a drop-in space",
                ),
                _faq(
                    "Questions people often ask",
                    [
                        ("Do I have to say anything?", "No. Many people spend the time quietly."),
                        (
                            "Can I come without my family knowing?",
                            "Yes. Drop-in spaces need no name and no contact details. If you "
                            "add a date to a calendar, you can use a plain, neutral title.",
                        ),
                        (
                            "Can I join online?",
                            "There are online spaces too. Keeping your camera and microphone "
                            "off is fine.",
                        ),
                    ],
                ),
                _callout(
                    "If you would like to talk",
                    "If phoning is hard, you can write to us by e-mail or LINE instead.",
                ),
            ],
        },
    },
    {
        "slug": "for-families",
        "audience": "families",
        "ja": {
            "title": "ご家族の方へ",
            "summary": (
                "ご家族だけで抱え込まないでください。"
                "ご本人が相談に来られなくても、ご家族からの相談で支援は始められます。"
                "家族会では、同じ立場の方と話すことができます。"
            ),
            "body": [
                _h("ご家族の相談から始められます"),
                _p(
                    "「本人が嫌がるから」と相談をためらう方は少なくありません。"
                    "センターでは、ご家族だけのご相談も受けています。"
                    "ご家族が少し楽になることが、ご本人にとっての安心にもつながります。"
                ),
                _h("8050のこれからを、いっしょに考えます"),
                _p(
                    "親が80代、子が50代になり、先のことが心配だという声をよく聞きます。"
                    "お金や住まい、介護のことも、市町の窓口と連携してご相談に応じます。"
                ),
                _quote(
                    "家族会で「うちも同じです」と言われて、十年ぶりに肩の力が抜けた気がしました。",
                    "70代の母親",
                ),
                _faq(
                    "ご家族からよくある質問",
                    [
                        (
                            "本人に内緒で相談してもいいですか？",
                            "はい。ご家族だけのご相談で大丈夫です。"
                            "ご本人にどう伝えるかも、いっしょに考えます。",
                        ),
                        (
                            "家族教室と家族会はどう違いますか？",
                            "家族教室は全6回ほどの講座で、関わり方を順に学びます（申込制）。"
                            "家族会は予約なしで参加できる、語り合いの場です。",
                        ),
                        (
                            "メールが使えなくても申し込めますか？",
                            "お電話や窓口で、職員が代わりに申し込みを受け付けます。",
                        ),
                    ],
                ),
                _callout(
                    "まずは電話一本から",
                    "お名前を言わずに相談できます。話がまとまっていなくてもかまいません。",
                ),
            ],
        },
        "en": {
            "title": "For families",
            "summary": (
                "Please don't carry this alone. Support can start with a family member, even "
                "if the person themselves isn't ready to come. In family groups you can talk "
                "with others in the same situation."
            ),
            "body": [
                _h("Support can begin with you"),
                _p(
                    "Many families hesitate because the person concerned doesn't want help. "
                    "The centre also talks with family members on their own. When the family "
                    "feels a little lighter, the person often feels safer too."
                ),
                _h("Thinking ahead about “8050” together"),
                _p(
                    "We often hear from parents in their eighties worried about a child in "
                    "their fifties. Money, housing and care can be discussed too, together "
                    "with your municipality's offices."
                ),
                _quote(
                    "At the family group someone said “it's the same in our house”, and for "
                    "the first time in ten years I felt my shoulders drop.",
                    "a mother in her seventies",
                ),
                _faq(
                    "Questions families often ask",
                    [
                        (
                            "May I ask for advice without telling the person?",
                            "Yes. Families can consult on their own. We can also think "
                            "together about how to talk with the person.",
                        ),
                        (
                            "What is the difference between a family class and a family group?",
                            "A family class is a course of about six sessions that you enrol "
                            "in. A family group is an open meeting for talking, with no "
                            "booking needed.",
                        ),
                        (
                            "Can I sign up without e-mail?",
                            "Yes. Staff can take your sign-up by phone or at the counter.",
                        ),
                    ],
                ),
                _callout(
                    "It can start with one phone call",
                    "You don't have to give your name or have your thoughts in order.",
                ),
            ],
        },
    },
    {
        "slug": "for-neighbours",
        "audience": "neighbours",
        "ja": {
            "title": "地域のみなさん・民生委員の方へ",
            "summary": (
                "気になるご家庭があっても、無理に訪ねる必要はありません。"
                "センターや市町の窓口につなぐことが、いちばんの支えになります。"
            ),
            "body": [
                _h("見守ることも支援です"),
                _p(
                    "ひきこもりの状態にある方やご家族は、地域の目を気にして"
                    "相談をためらうことがあります。あいさつや季節の声かけなど、"
                    "いつもどおりの関わりが安心につながります。"
                ),
                _h("つなぎ先を知っておいてください"),
                _p(
                    "ご家族から相談を受けたときは、センターの電話相談や家族会を"
                    "紹介してください。民生委員の方向けの研修会も開いています。"
                ),
                _faq(
                    "地域の方からよくある質問",
                    [
                        (
                            "本人の同意なしに情報を伝えてもいいですか？",
                            "個人が特定される情報は、ご本人やご家族の同意を得てからにしてください。"
                            "まずはご家族に相談窓口を紹介することから始めましょう。",
                        ),
                    ],
                ),
                _callout("迷ったら、センターへ", "地域の方からのご相談も受け付けています。"),
            ],
        },
        "en": {
            "title": "For neighbours and community welfare volunteers",
            "summary": (
                "If you are worried about a household, you don't need to visit uninvited. "
                "Connecting the family with the centre or the municipal office is the "
                "greatest help."
            ),
            "body": [
                _h("Watching kindly is support too"),
                _p(
                    "People who have withdrawn, and their families, often hesitate to ask for "
                    "help because they worry about what the neighbours think. An ordinary "
                    "greeting or a word about the season helps them feel safe."
                ),
                _h("Know where to refer people"),
                _p(
                    "If a family confides in you, tell them about the centre's phone line and "
                    "family groups. We also run training sessions for community welfare "
                    "volunteers (minsei-iin)."
                ),
                _faq(
                    "Questions neighbours often ask",
                    [
                        (
                            "May I pass on information without the person's consent?",
                            "Please share anything that identifies someone only with the "
                            "consent of the person or their family. Start by telling the "
                            "family where they can ask for advice.",
                        ),
                    ],
                ),
                _callout("When in doubt, ask the centre", "We also take calls from neighbours."),
            ],
        },
    },
    {
        "slug": "for-schools",
        "audience": "schools",
        "ja": {
            "title": "学校の先生方へ",
            "summary": (
                "不登校のまま卒業を迎える生徒にも、卒業後の相談先があります。"
                "ご本人とご家族の同意のもとで、センターと情報を共有し、切れ目なく支えます。"
            ),
            "body": [
                _p(
                    "卒業とともに相談先がなくなってしまうことがないよう、"
                    "在学中からセンターをご紹介ください。"
                    "同意を得たうえで、学校とセンターが連携して支援を続けます。"
                ),
                _callout("学校からのご相談", "先生方からのお問い合わせもお受けしています。"),
            ],
        },
        "en": {
            "title": "For teachers",
            "summary": (
                "Students who stop coming to school still have somewhere to turn after they "
                "graduate. With their and their family's consent, the school and the centre "
                "share what is needed so that support doesn't break off."
            ),
            "body": [
                _p(
                    "So that support doesn't end on graduation day, please tell students and "
                    "families about the centre while they are still at school. With consent, "
                    "the school and the centre keep working together."
                ),
                _callout("Questions from schools", "Teachers are welcome to contact us too."),
            ],
        },
    },
]


class Command(BaseCommand):
    help = "Load Ibasho's demo content (Japanese with English translations). Safe to re-run."

    @transaction.atomic
    def handle(self, *args, **options):
        ja, _ = Locale.objects.get_or_create(language_code="ja")
        en, _ = Locale.objects.get_or_create(language_code="en")

        home = HomePage.objects.filter(locale=ja).first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title=HOME["ja"]["title"], slug="home"))
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        self._publish(home, HOME["ja"])
        home_en = self._translation(home, en, HOME["en"])

        learn = self._child(home, LearnIndexPage, "learn", LEARN["ja"])
        self._translation(learn, en, LEARN["en"])
        for article in ARTICLES:
            page = self._child(
                learn,
                ArticlePage,
                article["slug"],
                {**article["ja"], "audience": article["audience"]},
            )
            self._translation(page, en, {**article["en"], "audience": article["audience"]})

        self._load_centre(site or Site.objects.get(is_default_site=True))
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {home.url} and {home_en.url}"))

        if getattr(settings, "IBASHO_DEMO_ACCOUNTS", False):
            self._load_accounts()

    def _publish(self, page, fields):
        """Set the fields and publish, only when something changed (keeps re-runs quiet)."""
        changed = False
        for name, value in fields.items():
            if name == "body":
                current = page.body.get_prep_value() if page.body else []
                wanted = [{"type": b["type"], "value": b["value"]} for b in value]
                comparable = [{"type": b["type"], "value": b["value"]} for b in current]
                if comparable != wanted:
                    page.body = value
                    changed = True
            elif getattr(page, name) != value:
                setattr(page, name, value)
                changed = True
        if name_changed := (page.draft_title != page.title):
            page.draft_title = page.title
        if changed or name_changed or not page.live or page.has_unpublished_changes:
            page.show_in_menus = isinstance(page, LearnIndexPage)
            page.save_revision().publish()
        return page

    def _child(self, parent, model, slug, fields):
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=model(slug=slug, title=fields["title"], live=False))
        return self._publish(page, fields)

    def _translation(self, page, locale, fields):
        translation = page.get_translation_or_none(locale)
        if translation is None:
            translation = page.copy_for_translation(locale, copy_parents=True, alias=False)
        return self._publish(translation.specific, fields)

    def _load_centre(self, site):
        centre = CentreSettings.for_site(site)
        for name, value in CENTRE.items():
            setattr(centre, name, value)
        # Contacts are replaced as a whole: the demo set is small and has no history to keep.
        # Assigning the cluster relation and saving the parent writes the rows (modelcluster).
        centre.contacts = [
            ConsultationContact(sort_order=order, **contact)
            for order, contact in enumerate(CONTACTS)
        ]
        centre.save()

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
