"""Demo content for Ibasho, in the voice of a prefectural support centre. Idempotent: running it
again updates the same pages and settings instead of adding copies."""

import datetime as dt
import uuid
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils import timezone, translation
from wagtail.fields import StreamField
from wagtail.models import Locale, Page, Site

from events.changes.services import cancel_occurrence, japanese_holidays
from events.models import (
    Audience,
    ClosedDays,
    EventIndexPage,
    EventKind,
    EventPage,
    Frequency,
    HolidayPolicy,
    JoinMode,
    Occurrence,
    OccurrenceStatus,
    ScheduleRule,
)
from events.pages.models import sync_all_events
from events.schedule.recurrence import WEEKDAY_CODES
from ibasho.models import (
    ArticlePage,
    CentreSettings,
    ConsultationContact,
    ContactKind,
    HomePage,
    LearnIndexPage,
)
from spaces.models import (
    Area,
    AreaLevel,
    Feature,
    LocationPolicy,
    Organisation,
    OrganisationKind,
    SpaceIndexPage,
    SpacePage,
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


# --- Spaces and dates -------------------------------------------------------------------------

# Index pages are shown in the main menu; on a fresh database they come in this order.
MENU_PAGES = (SpaceIndexPage, EventIndexPage, LearnIndexPage)

SPACE_INDEX = {
    "ja": {
        "title": "居場所をさがす",
        "intro": (
            "予約のいらない居場所と、家から参加できるオンラインの居場所です。"
            "いま開いているところ、今日開くところも、ここから探せます。"
        ),
    },
    "en": {
        "title": "Find a space",
        "intro": (
            "Drop-in spaces that need no booking, and online spaces you can join from home. "
            "You can also see which ones are open now or later today."
        ),
    },
}

EVENT_INDEX = {
    "ja": {
        "title": "日程",
        "intro": (
            "居場所の開所日、家族会・家族教室、ピアサポーターとの時間、研修会の日程です。"
            "祝日や職員研修でお休みの日も、ここでお知らせします。"
        ),
    },
    "en": {
        "title": "Dates",
        "intro": (
            "When the drop-in spaces are open, family groups and classes, time with peer "
            "supporters, and training sessions. Days off for public holidays or staff training "
            "are shown here too."
        ),
    },
}

# Translatable snippets are found again by a fixed translation key made from `key`.
DEMO_NAMESPACE = uuid.UUID("5f0c6d1e-2f59-4a51-9d0e-1b0a7e3c1b5a")

ORGANISATIONS = [
    {
        "key": "mizuumi-centre",
        "kind": OrganisationKind.PREFECTURAL_CENTRE,
        "phone": "077-000-0101",
        "ja": {"name": "みずうみ県ひきこもり地域支援センター"},
        "en": {"name": "Mizuumi Prefecture Hikikomori Regional Support Centre"},
    },
    {
        "key": "sakura-centre",
        "kind": OrganisationKind.MUNICIPAL_CENTRE,
        "phone": "0866-00-0202",
        "ja": {"name": "さくら市ひきこもり支援センター"},
        "en": {"name": "Sakura City Hikikomori Support Centre"},
    },
    {
        "key": "hidamari-family-association",
        "kind": OrganisationKind.FAMILY_ASSOCIATION,
        "phone": "",
        "ja": {"name": "さくら市家族会『ひだまりの会』"},
        "en": {"name": "Sakura City family association “Hidamari no Kai”"},
    },
]

# Regions (圏域) first: a town's parent must exist before the town.
AREAS = [
    {
        "slug": "konan",
        "sort_order": 0,
        "level": AreaLevel.REGION,
        "parent": None,
        "ja": {"name": "湖南圏域"},
        "en": {"name": "Konan area"},
    },
    {
        "slug": "sakura",
        "sort_order": 1,
        "level": AreaLevel.MUNICIPALITY,
        "parent": "konan",
        "ja": {"name": "さくら市"},
        "en": {"name": "Sakura City"},
    },
    {
        "slug": "minato",
        "sort_order": 2,
        "level": AreaLevel.MUNICIPALITY,
        "parent": "konan",
        "ja": {"name": "みなと町"},
        "en": {"name": "Minato Town"},
    },
]

SPACES = [
    {
        "slug": "hidamari",
        "organisation": "sakura-centre",
        "area": "sakura",
        "audience": Audience.PERSON,
        "features": ["no_introduction", "come_and_go", "free", "snacks", "quiet_room"],
        "ja": {
            "title": "さくら市の居場所『ひだまり』",
            "summary": (
                "福祉会館の和室を、火曜と金曜の午後に開けています。予約も自己紹介もいりません。"
                "本を読んだり、お茶を飲んだり、ただ座っているだけでも大丈夫です。"
            ),
            "body": (
                "<p>さくら市ひきこもり支援センターが開いている居場所です。"
                "10代から60代まで、いろいろな方が思い思いに過ごしています。"
                "マンガや本、ボードゲーム、編み物の道具があります。</p>"
                "<p>ご本人のための場所です。ご家族の方には、家族会や家族教室をご案内しています。</p>"
            ),
            "address": "さくら市本町2丁目3-1 さくら市福祉会館 1階 和室",
            "access_station": "JRさくら駅 南口から歩いて約8分",
            "access_bus": "市内循環バス「福祉会館前」で降りてすぐ",
            "access_parking": "福祉会館の駐車場が使えます（無料・約30台）",
            "finding_the_door": (
                "建物の東側、緑ののれんがかかった入口からどうぞ。"
                "正面の受付を通らずに、そのまま和室に入れます。"
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>入口で職員が小さな声で「こんにちは」と声をかけます。"
                "名前や連絡先を書く用紙はありません。</li>"
                "<li>好きな場所に座ってください。奥には、ひとりで静かに過ごせる小部屋もあります。</li>"
                "<li>お茶とお菓子は自由にどうぞ。お金はかかりません。</li>"
                "<li>職員から無理に話しかけることはありません。黙って過ごしていて大丈夫です。</li>"
                "<li>帰りたくなったら、いつでも帰ってかまいません。あいさつもいりません。</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "事前の連絡はいりません。心配なときは、センターに電話で"
                "「見学したい」とだけ伝えていただいても大丈夫です。"
            ),
        },
        "en": {
            "title": "Hidamari, a drop-in space in Sakura City",
            "summary": (
                "We open a tatami room in the welfare hall on Tuesday and Friday afternoons. "
                "No booking and no self-introduction. Read, have some tea, or simply sit: "
                "all of that is fine."
            ),
            "body": (
                "<p>A drop-in space run by the Sakura City Hikikomori Support Centre. People "
                "from their teens to their sixties spend the time in their own way. There are "
                "manga and books, board games and knitting things.</p>"
                "<p>This space is for the person concerned. For family members we have family "
                "groups and a family class.</p>"
            ),
            "address": (
                "Tatami room, ground floor, Sakura City Welfare Hall, 2-3-1 Honmachi, Sakura City"
            ),
            "access_station": "About 8 minutes on foot from the south exit of JR Sakura Station",
            "access_bus": "City loop bus to “Fukushi Kaikan-mae”, right by the stop",
            "access_parking": "The welfare hall car park (free, about 30 spaces)",
            "finding_the_door": (
                "Use the entrance on the east side of the building, with the green curtain. "
                "You can go straight to the tatami room without passing the front desk."
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>A member of staff quietly says hello at the door. There is no form to "
                "fill in: no name, no contact details.</li>"
                "<li>Sit wherever you like. At the back there is a small room where you can be "
                "on your own.</li>"
                "<li>Help yourself to tea and snacks. They are free.</li>"
                "<li>Staff won't push you to talk. It's fine to stay quiet the whole time.</li>"
                "<li>Leave whenever you want to. You don't even need to say goodbye.</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "You don't need to call ahead. If you feel uneasy, you can phone the centre "
                "and just say you'd like to have a look."
            ),
        },
    },
    {
        "slug": "konan-hot-space",
        "organisation": "mizuumi-centre",
        "area": "minato",
        "audience": Audience.PERSON,
        "features": ["no_introduction", "come_and_go", "free", "silent_ok", "wheelchair"],
        "location_policy": LocationPolicy.AFTER_SIGNUP,
        "ja": {
            "title": "湖南ほっとスペース",
            "summary": (
                "みなと町にある、県のセンターの居場所です。人の目が気になる方のために、"
                "くわしい場所は申し込みのあとにお知らせしています。"
            ),
            "body": (
                "<p>静かな住宅街の中の、目立たない建物にあります。"
                "木曜日の午後には、ひきこもりの経験があるピアサポーターの"
                "「ひかり」さんがいます。</p>"
            ),
            "address": "みなと町港2丁目5-8 みなと町保健センター 2階 多目的室",
            "access_station": "JRみなと駅から歩いて約12分",
            "access_parking": "建物の裏に3台分あります",
            "finding_the_door": (
                "正面ではなく、裏の駐車場側の入口をお使いください。"
                "インターホンで「ほっとスペースです」とだけ言ってください。"
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>場所は、申し込みが確定したときか、センターにお問い合わせいただいたときに"
                "お知らせします。</li>"
                "<li>着いたら、インターホンで「ほっとスペースです」とだけ言ってください。"
                "名前はいりません。</li>"
                "<li>部屋では、話しても、黙っていても大丈夫です。</li>"
                "<li>途中で帰るときも、声をかける必要はありません。</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "場所を先に知りたい方は、センターに電話かメールでお問い合わせください。"
            ),
        },
        "en": {
            "title": "Konan Hot Space",
            "summary": (
                "The prefectural centre's drop-in space in Minato Town. For people who worry "
                "about being seen, we give the exact address after you sign up."
            ),
            "body": (
                "<p>It is in an unremarkable building in a quiet residential street. On "
                "Thursday afternoons Hikari, a peer supporter who has lived through "
                "hikikomori, is there.</p>"
            ),
            "address": "Multipurpose room, 2nd floor, Minato Health Centre, 2-5-8 Minato",
            "access_station": "About 12 minutes on foot from JR Minato Station",
            "access_parking": "Three spaces behind the building",
            "finding_the_door": (
                "Use the back entrance by the car park, not the front. Just say “Hot Space” "
                "into the intercom."
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>We tell you where it is when your sign-up is confirmed, or when you ask "
                "the centre.</li>"
                "<li>When you arrive, just say “Hot Space” into the intercom. No name "
                "needed.</li>"
                "<li>Inside, you can talk or stay silent, as you like.</li>"
                "<li>If you leave early, you don't need to tell anyone.</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "If you'd like to know where it is first, phone or e-mail the centre."
            ),
        },
    },
    {
        "slug": "family-room",
        "organisation": "mizuumi-centre",
        "area": "sakura",
        "audience": Audience.FAMILIES,
        "features": ["families_welcome", "free", "wheelchair"],
        "ja": {
            "title": "家族のための相談室",
            "summary": (
                "ご家族のための部屋です。家族教室と家族会をここで開いています。"
                "ご本人が来られなくても、ご家族だけでお越しください。"
            ),
            "body": (
                "<p>県のさくら合同庁舎の3階にある会議室です。"
                "家族教室と家族会のほか、ご家族の個別相談（予約制）もここで受けています。</p>"
            ),
            "address": "さくら市中央1丁目1-1 みずうみ県さくら合同庁舎 3階 第2会議室",
            "access_station": "JRさくら駅 北口から歩いて約5分",
            "access_bus": "県交通バス「合同庁舎前」で降りてすぐ",
            "access_parking": "庁舎の来客用駐車場（無料）。土日は裏門から入れます。",
            "finding_the_door": (
                "土日は正面玄関が閉まっています。"
                "建物西側の「休日出入口」（青い看板）からお入りください。"
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>3階でエレベーターを降りると、部屋の前で職員がお迎えします。</li>"
                "<li>家族会では、名前は呼んでほしい呼び名だけで大丈夫です。</li>"
                "<li>話したくないときは、聞いているだけでかまいません。</li>"
                "<li>途中で帰っても大丈夫です。</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "家族会は予約なしでどうぞ。家族教室は、はじめに職員との短い面談があります。"
            ),
        },
        "en": {
            "title": "Consultation room for families",
            "summary": (
                "A room for families. The family class and the family group meet here. Please "
                "come even if the person concerned can't."
            ),
            "body": (
                "<p>A meeting room on the 3rd floor of the prefecture's Sakura joint government "
                "building. Besides the family class and the family group, staff also see "
                "families individually here (by appointment).</p>"
            ),
            "address": (
                "Meeting room 2, 3rd floor, Mizuumi Prefecture Sakura Joint Government "
                "Building, 1-1-1 Chuo, Sakura City"
            ),
            "access_station": "About 5 minutes on foot from the north exit of JR Sakura Station",
            "access_bus": "Prefectural bus to “Godo Chosha-mae”, right by the stop",
            "access_parking": (
                "Visitors' car park (free). At weekends, enter through the back gate."
            ),
            "finding_the_door": (
                "At weekends the main entrance is closed. Please use the holiday entrance on "
                "the west side (blue sign)."
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>When you get out of the lift on the 3rd floor, staff meet you at the "
                "door.</li>"
                "<li>At the family group, the name you'd like to be called is enough.</li>"
                "<li>If you don't want to talk, you can just listen.</li>"
                "<li>It's fine to leave early.</li>"
                "</ol>"
            ),
            "first_visit_contact": (
                "No booking for the family group. For the family class there is a short talk "
                "with staff first."
            ),
        },
    },
    {
        "slug": "yoru-no-mado",
        "organisation": "mizuumi-centre",
        "area": None,
        "audience": Audience.PERSON,
        "features": ["no_introduction", "come_and_go", "free", "camera_off", "silent_ok"],
        "is_online": True,
        "online_join_url": "https://example.org/yorunomado",
        "show_join_url": False,
        "ja": {
            "title": "オンライン居場所『よるのまど』",
            "summary": (
                "水曜の夜に、家から参加できるオンラインの居場所です。"
                "カメラもマイクもオフのまま、チャットだけでも、見ているだけでもかまいません。"
            ),
            "body": (
                "<p>ビデオ会議のアプリを使います。表示する名前は、ニックネームでも記号でも"
                "大丈夫です。夜のほうが落ち着くという声から始まりました。</p>"
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>参加用のリンクは、センターにメールかLINEで「よるのまど」と送っていただければ"
                "お知らせします。</li>"
                "<li>入ったら、カメラとマイクはオフのままで大丈夫です。</li>"
                "<li>スタッフがチャットで「こんばんは」とあいさつします。返事はしなくてもかまいません。</li>"
                "<li>抜けるときは、何も言わずに退出してください。</li>"
                "</ol>"
            ),
            "first_visit_contact": "リンクのお問い合わせに、名前を書く必要はありません。",
        },
        "en": {
            "title": "Online space “Yoru no Mado” (Night Window)",
            "summary": (
                "An online drop-in space on Wednesday evenings that you can join from home. "
                "Camera and microphone can stay off; chatting in text or just watching is fine."
            ),
            "body": (
                "<p>We use a video-call app. Your display name can be a nickname or even a "
                "symbol. It started because several people said they feel calmer at night.</p>"
            ),
            "first_visit_guide": (
                "<ol>"
                "<li>For the link, send “Yoru no Mado” to the centre by e-mail or LINE.</li>"
                "<li>Once you are in, keep your camera and microphone off if you like.</li>"
                "<li>Staff say good evening in the chat. You don't have to reply.</li>"
                "<li>When you want to go, just leave the call without saying anything.</li>"
                "</ol>"
            ),
            "first_visit_contact": "You don't need to give your name when you ask for the link.",
        },
    },
]


# First dates of the schedule rules, worked out from the day the demo is first loaded so that
# there are always dates ahead. Rules are written once, when the event is created.


def _month_start(today):
    return today.replace(day=1)


def _next_weekday(today, code):
    """The next `code` day (e.g. "SA"), today included."""
    return today + dt.timedelta(days=(WEEKDAY_CODES.index(code) - today.weekday()) % 7)


def _nth_weekday_of(year, month, nth, code):
    first = dt.date(year, month, 1)
    return _next_weekday(first, code) + dt.timedelta(weeks=nth - 1)


def _next_nth_weekday(today, nth, code):
    """The next `nth` `code` day of a month strictly after today, e.g. the next 2nd Saturday."""
    day = _nth_weekday_of(today.year, today.month, nth, code)
    if day <= today:
        month = today.month % 12 + 1
        day = _nth_weekday_of(today.year + (month == 1), month, nth, code)
    return day


def _working_day_in_weeks(today, weeks, code):
    """A `code` day about `weeks` weeks ahead that is not a national holiday."""
    day = _next_weekday(today + dt.timedelta(weeks=weeks), code)
    holidays = japanese_holidays({day.year, day.year + 1})
    while day in holidays:
        day += dt.timedelta(weeks=1)
    return day


def _rule(first_date, start, end, frequency=Frequency.WEEKLY, **extra):
    return {
        "first_date": first_date,
        "frequency": frequency,
        "start_time": dt.time(*start),
        "end_time": dt.time(*end),
        **extra,
    }


CANCELLED_FRIDAY_MESSAGE = "職員研修のためお休みします。ごめんなさい。"
NEW_YEAR_MESSAGE = "年末年始（12月29日〜1月3日）はお休みです。よいお年をお迎えください。"

EVENTS = [
    {
        "slug": "hidamari-tue-fri",
        "kind": EventKind.DROP_IN,
        "space": "hidamari",
        "audience": Audience.PERSON,
        "join_mode": JoinMode.JUST_COME,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [_rule(_month_start, (13, 0), (16, 0), weekdays=["TU", "FR"])],
        "cancel_one_friday": True,
        "ja": {
            "title": "居場所『ひだまり』 火曜・金曜の午後",
            "discreet_title": "火曜・金曜の集まり",
            "summary": (
                "火曜と金曜の13時から16時まで、和室を開けています。"
                "好きな時間に来て、好きな時間に帰ってください。祝日はお休みです。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>予約はいりません。入口で名前を書くこともありません。</li>"
                "<li>自己紹介はしません。</li>"
                "<li>途中から来ても、途中で帰っても大丈夫です。</li>"
                "<li>お茶とお菓子があります（無料）。</li>"
                "<li>ひとりで静かに過ごせる小部屋もあります。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Hidamari drop-in: Tuesday and Friday afternoons",
            "discreet_title": "Tuesday and Friday gathering",
            "summary": (
                "The tatami room is open on Tuesdays and Fridays from 13:00 to 16:00. Come when "
                "you like and leave when you like. Closed on public holidays."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>No booking. Nobody asks you to write your name at the door.</li>"
                "<li>No self-introductions.</li>"
                "<li>Arriving late or leaving early is fine.</li>"
                "<li>There is tea and there are snacks (free).</li>"
                "<li>There is a small room where you can be quietly on your own.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "yoru-no-mado-wednesday",
        "kind": EventKind.DROP_IN,
        "space": "yoru-no-mado",
        "is_online": True,
        "audience": Audience.PERSON,
        "join_mode": JoinMode.MAYBE,
        "holiday_policy": HolidayPolicy.OPEN,
        "rules": [_rule(_month_start, (20, 0), (21, 30), weekdays=["WE"])],
        "ja": {
            "title": "よるのまど（水曜の夜）",
            "discreet_title": "水曜の夜",
            "summary": (
                "水曜の20時から21時半まで、オンラインで開いています。"
                "途中から入っても、すぐに抜けても大丈夫です。祝日も開いています。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>カメラもマイクもオフのままで大丈夫です。</li>"
                "<li>チャットだけでも、見ているだけでもかまいません。</li>"
                "<li>スタッフが小さな話題を出すことがありますが、答えなくて大丈夫です。</li>"
                "<li>「行くかも」を押すと、スタッフに人数の見当だけが伝わります。"
                "名前はいりません。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Yoru no Mado: Wednesday evenings online",
            "discreet_title": "Wednesday evening",
            "summary": (
                "Open online on Wednesdays from 20:00 to 21:30. Join late or leave after a "
                "minute: both are fine. Open on public holidays too."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>Camera and microphone can stay off.</li>"
                "<li>Chatting in text, or just watching, is fine.</li>"
                "<li>Staff may bring up a small topic; you don't have to answer.</li>"
                "<li>If you press “I might come”, staff only learn roughly how many may come. "
                "No name needed.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "family-class",
        "kind": EventKind.FAMILY_CLASS,
        "space": "family-room",
        "audience": Audience.FAMILIES,
        "join_mode": JoinMode.ENROLMENT,
        "capacity": 10,
        "intake_required": True,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [
            _rule(
                partial(_next_nth_weekday, nth=2, code="SA"),
                (10, 0),
                (12, 0),
                Frequency.MONTHLY_BY_WEEKDAY,
                weekdays=["SA"],
                nth=2,
                count=6,
            )
        ],
        "ja": {
            "title": "家族教室（全6回）",
            "discreet_title": "土曜の講座",
            "summary": (
                "ひきこもりの状態にあるご本人との関わり方を、6回に分けて学ぶ講座です。"
                "毎月第2土曜日の午前中に開きます。はじめに職員と短い面談をしてから、"
                "全6回まとめてお申し込みいただきます。"
            ),
            "what_to_expect": (
                "<ol>"
                "<li>第1回 ひきこもりを知る：いま、ご本人の中で起きていること</li>"
                "<li>第2回 安心できる家の雰囲気をつくる</li>"
                "<li>第3回 責めない伝え方・聞き方</li>"
                "<li>第4回 お金や将来の話をするとき</li>"
                "<li>第5回 相談先と支援の使い方</li>"
                "<li>第6回 ふりかえりと、これから</li>"
                "</ol>"
                "<p>毎回、講義のあとに少人数で話す時間があります。"
                "話したくないときは、聞いているだけでかまいません。"
                "定員は10人です。お電話や窓口でもお申し込みいただけます。</p>"
            ),
        },
        "en": {
            "title": "Family class (six sessions)",
            "discreet_title": "Saturday course",
            "summary": (
                "A course in six sessions on how to be with a family member who has withdrawn. "
                "It meets on the 2nd Saturday morning of each month. After a short talk with "
                "staff, you enrol for all six sessions at once."
            ),
            "what_to_expect": (
                "<ol>"
                "<li>Understanding hikikomori: what the person may be going through</li>"
                "<li>Making home feel safe</li>"
                "<li>Speaking and listening without blame</li>"
                "<li>Talking about money and the future</li>"
                "<li>Where to turn, and how to use support</li>"
                "<li>Looking back, and looking ahead</li>"
                "</ol>"
                "<p>Each session ends with time to talk in small groups. If you don't feel like "
                "talking, you can just listen. There are 10 places. You can also enrol by phone "
                "or at the counter.</p>"
            ),
        },
    },
    {
        "slug": "family-group",
        "kind": EventKind.FAMILY_GROUP,
        "space": "family-room",
        "audience": Audience.FAMILIES,
        "join_mode": JoinMode.JUST_COME,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [
            _rule(
                _month_start,
                (13, 30),
                (15, 30),
                Frequency.MONTHLY_BY_WEEKDAY,
                weekdays=["SU"],
                nth=4,
            )
        ],
        "ja": {
            "title": "家族会『ひだまりの会』",
            "discreet_title": "日曜の会",
            "summary": (
                "同じ立場のご家族どうしで、ゆっくり話す会です。毎月第4日曜日の午後に開いています。"
                "予約はいりません。はじめての方は、聞いているだけでも大丈夫です。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>予約はいりません。途中からの参加も、途中で帰るのも自由です。</li>"
                "<li>名前は、呼んでほしい呼び名だけで大丈夫です。</li>"
                "<li>会で聞いた話は、会の外では話さない約束です。</li>"
                "<li>センターの職員も同席します。個別の相談は、会のあとでもお受けします。</li>"
                "<li>参加費はかかりません。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Family group “Hidamari no Kai”",
            "discreet_title": "Sunday meeting",
            "summary": (
                "An unhurried meeting of families in the same situation, on the 4th Sunday "
                "afternoon of each month. No booking. If it's your first time, you can just "
                "listen."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>No booking. Come late or leave early as you need.</li>"
                "<li>The name you'd like to be called is enough.</li>"
                "<li>What is said in the group stays in the group.</li>"
                "<li>A member of the centre's staff is there too, and can talk with you "
                "afterwards.</li>"
                "<li>There is no fee.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "konan-hot-space-mon-thu",
        "kind": EventKind.DROP_IN,
        "space": "konan-hot-space",
        "audience": Audience.PERSON,
        "join_mode": JoinMode.BOOKING,
        "capacity": 8,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [_rule(_month_start, (13, 0), (16, 0), weekdays=["MO", "TH"])],
        "ja": {
            "title": "湖南ほっとスペース 月曜・木曜の午後",
            "discreet_title": "月曜・木曜の午後",
            "summary": (
                "月曜と木曜の13時から16時まで開いています。場所をお知らせするために、"
                "ニックネームだけの簡単な申し込みをお願いしています。本名はいりません。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>申し込むと、場所と入口の案内が、あなただけのページに表示されます。</li>"
                "<li>部屋には8人まで入れます。いっぱいのときは、空きが出たらお知らせします。</li>"
                "<li>自己紹介はしません。途中で来ても帰っても大丈夫です。</li>"
                "<li>木曜の14時からは、ピアサポーターのひかりさんもいます。</li>"
                "<li>行けなくなったら、ボタンひとつで取り消せます。理由はいりません。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Konan Hot Space: Monday and Thursday afternoons",
            "discreet_title": "Monday and Thursday afternoon",
            "summary": (
                "Open on Mondays and Thursdays from 13:00 to 16:00. So that we can tell you "
                "where it is, we ask for a short sign-up with a nickname. No real name needed."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>Once you sign up, the address and how to find the door appear on a page "
                "that only you have.</li>"
                "<li>The room takes up to 8 people. When it is full, we let you know if a place "
                "frees up.</li>"
                "<li>No self-introductions. Arriving late or leaving early is fine.</li>"
                "<li>From 14:00 on Thursdays, Hikari, a peer supporter, is there too.</li>"
                "<li>If you can't come, cancel with one button. No reason needed.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "peer-hikari",
        "kind": EventKind.PEER_SESSION,
        "space": "konan-hot-space",
        "audience": Audience.PERSON,
        "join_mode": JoinMode.MAYBE,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [_rule(_month_start, (14, 0), (15, 30), weekdays=["TH"])],
        "ja": {
            "title": "ピアサポーターと話そう（ひかり）",
            "discreet_title": "木曜の午後",
            "summary": (
                "ひきこもりの経験があるピアサポーターの「ひかり」さんが、"
                "木曜の午後に湖南ほっとスペースにいます。経験を聞いてみたい方も、"
                "ただ同じ部屋にいたい方も、どちらも歓迎です。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>自己紹介はしません。話したくなければ、話さなくて大丈夫です。</li>"
                "<li>ひかりさんは、自分の経験をゆっくり話します。質問してもしなくてもかまいません。</li>"
                "<li>途中から来ても、途中で帰っても大丈夫です。</li>"
                "<li>「行くかも」を押すと、来るかもしれない人数だけがひかりさんに伝わります。"
                "名前は伝わりません。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Talk with a peer supporter (Hikari)",
            "discreet_title": "Thursday afternoon",
            "summary": (
                "Hikari, a peer supporter who has lived through hikikomori, is at Konan Hot "
                "Space on Thursday afternoons. Come to hear about her experience, or just to be "
                "in the same room: both are welcome."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>No self-introductions. If you don't want to talk, you don't have to.</li>"
                "<li>Hikari talks slowly about her own experience. Ask questions or don't, as "
                "you like.</li>"
                "<li>Arriving late or leaving early is fine.</li>"
                "<li>If you press “I might come”, Hikari only learns how many people might "
                "come, never who.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "games-sora",
        "kind": EventKind.PEER_SESSION,
        "space": "hidamari",
        "audience": Audience.PERSON,
        "join_mode": JoinMode.BOOKING,
        "capacity": 8,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [
            _rule(partial(_next_weekday, code="SA"), (14, 0), (16, 0), weekdays=["SA"], interval=2)
        ],
        "ja": {
            "title": "ゲームでゆるく集まろう（そら）",
            "discreet_title": "土曜のゲーム",
            "summary": (
                "ピアサポーターの「そら」さんと、ボードゲームやカードゲームで遊ぶ会です。"
                "隔週の土曜日に、ひだまりで開きます。ゲームを見ているだけでも大丈夫です。"
            ),
            "what_to_expect": (
                "<ul>"
                "<li>テーブルを2つ用意するので、8人までの予約制です。ニックネームで申し込めます。</li>"
                "<li>ルールはそらさんが説明します。はじめてのゲームでも大丈夫です。</li>"
                "<li>自己紹介はしません。ゲームの途中で抜けてもかまいません。</li>"
                "<li>行けなくなったときは、申し込みのときのリンクから取り消せます。"
                "理由は聞きません。</li>"
                "</ul>"
            ),
        },
        "en": {
            "title": "Easy-going games with Sora",
            "discreet_title": "Saturday games",
            "summary": (
                "Board games and card games with Sora, a peer supporter, every other Saturday "
                "at Hidamari. Watching the game without playing is fine too."
            ),
            "what_to_expect": (
                "<ul>"
                "<li>We set up two tables, so there are 8 places. Book with a nickname.</li>"
                "<li>Sora explains the rules. It's fine if you have never played.</li>"
                "<li>No self-introductions. You can stop in the middle of a game.</li>"
                "<li>If you can't come after all, cancel from the link you got when booking. "
                "Nobody asks why.</li>"
                "</ul>"
            ),
        },
    },
    {
        "slug": "minsei-iin-training",
        "kind": EventKind.TRAINING,
        "space": "family-room",
        "audience": Audience.SUPPORTERS,
        "join_mode": JoinMode.BOOKING,
        "capacity": 30,
        "holiday_policy": HolidayPolicy.SKIP,
        "rules": [
            _rule(
                partial(_working_day_in_weeks, weeks=3, code="WE"),
                (13, 30),
                (15, 30),
                Frequency.ONCE,
            )
        ],
        "ja": {
            "title": "民生委員向け研修会",
            "discreet_title": "研修会",
            "summary": (
                "地域でひきこもりの状態にある方やご家族に気づいたとき、どう声をかけ、"
                "どこにつなぐかを学ぶ研修会です。民生委員・児童委員の方のほか、"
                "地域包括支援センターや学校の方もどうぞ。"
            ),
            "what_to_expect": (
                "<ol>"
                "<li>講義「ひきこもりの今と、地域でできること」（センター職員・40分）</li>"
                "<li>ご家族の体験談（20分）</li>"
                "<li>グループでの意見交換（40分）</li>"
                "</ol>"
                "<p>事例をお話しいただくときは、個人が特定されない形でお願いします。"
                "定員30人、参加は無料です。</p>"
            ),
        },
        "en": {
            "title": "Training for community welfare volunteers",
            "discreet_title": "Training session",
            "summary": (
                "How to notice, speak to and refer people who have withdrawn and their "
                "families in your community. For community welfare volunteers (minsei-iin), and "
                "also staff of community care centres and schools."
            ),
            "what_to_expect": (
                "<ol>"
                "<li>Talk: “Hikikomori today, and what a community can do” (centre staff, "
                "40 minutes)</li>"
                "<li>A family member's story (20 minutes)</li>"
                "<li>Discussion in small groups (40 minutes)</li>"
                "</ol>"
                "<p>If you talk about a case, please make sure nobody can be identified. "
                "30 places, free of charge.</p>"
            ),
        },
    },
]


def _differs(obj, name, value):
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


def _plain(model, fields):
    """The fields a new instance can be given directly (many-to-many ones need a saved row)."""
    return {
        name: value
        for name, value in fields.items()
        if not isinstance(model._meta.get_field(name), models.ManyToManyField)
    }


class Command(BaseCommand):
    help = "Load Ibasho's demo content (Japanese with English translations). Safe to re-run."

    def handle(self, *args, **options):
        # Messages stored with dates (e.g. a holiday closure) are written in the site's language.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            self._load()

    def _load(self):
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

        # Created before "learn" so that a fresh site's menu reads: spaces, dates, learn.
        space_index = self._child(home, SpaceIndexPage, "spaces", SPACE_INDEX["ja"])
        self._translation(space_index, en, SPACE_INDEX["en"])
        event_index = self._child(home, EventIndexPage, "events", EVENT_INDEX["ja"])
        self._translation(event_index, en, EVENT_INDEX["en"])

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

        organisations = {
            org["key"]: self._snippet(
                Organisation,
                f"organisation:{org['key']}",
                {"ja": ja, "en": en},
                {"kind": org["kind"], "phone": org["phone"]},
                org,
            )
            for org in ORGANISATIONS
        }
        areas = {}
        for area in AREAS:
            parent = areas.get(area["parent"], {})
            areas[area["slug"]] = self._snippet(
                Area,
                f"area:{area['slug']}",
                {"ja": ja, "en": en},
                {key: area[key] for key in ("slug", "level", "sort_order")},
                area,
                # Each language's town sits under the same language's region.
                per_language={lang: {"parent": parent.get(lang)} for lang in ("ja", "en")},
            )
        spaces = self._load_spaces(space_index, en, organisations, areas)
        self._load_events(event_index, en, spaces)
        self._load_closed_days()

        self._load_centre(site or Site.objects.get(is_default_site=True))
        self.stdout.write(self.style.SUCCESS(f"Demo content ready: {home.url} and {home_en.url}"))

        if getattr(settings, "IBASHO_DEMO_ACCOUNTS", False):
            self._load_accounts()

    def _publish(self, page, fields):
        """Set the fields and publish, only when something changed (keeps re-runs quiet)."""
        changed = False
        for name, value in fields.items():
            if _differs(page, name, value):
                setattr(page, name, value)
                changed = True
        if name_changed := (page.draft_title != page.title):
            page.draft_title = page.title
        if changed or name_changed or not page.live or page.has_unpublished_changes:
            page.show_in_menus = isinstance(page, MENU_PAGES)
            page.save_revision().publish()
        return page

    def _child(self, parent, model, slug, fields, setup=None):
        """The child page with this slug, created when missing (then `setup(page)` runs, e.g.
        to give it its schedule), and published with `fields`."""
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=model(slug=slug, live=False, **_plain(model, fields)))
            if setup is not None:
                setup(page)
        return self._publish(page, fields)

    def _translation(self, page, locale, fields):
        translated = page.get_translation_or_none(locale)
        if translated is None:
            translated = page.copy_for_translation(locale, copy_parents=True, alias=False)
        return self._publish(translated.specific, fields)

    def _snippet(self, model, key, locales, shared, data, per_language=None):
        """{"ja": row, "en": row} of a translatable snippet, found again by a translation key
        made from `key`. The English row is a translation of the Japanese one. Rows are saved
        only when something changed."""
        translation_key = uuid.uuid5(DEMO_NAMESPACE, key)
        rows = {}
        for lang in ("ja", "en"):
            fields = {**shared, **data[lang], **(per_language or {}).get(lang, {})}
            rows_in_language = model.objects.filter(locale=locales[lang])
            row = rows_in_language.filter(translation_key=translation_key).first()
            changed = row is None
            if row is None and lang == "ja":
                row = model(translation_key=translation_key, locale=locales[lang])
            elif row is None:
                row = rows["ja"].copy_for_translation(locales[lang])
            for name, value in fields.items():
                if _differs(row, name, value):
                    setattr(row, name, value)
                    changed = True
            if changed:
                row.save()
            rows[lang] = row
        return rows

    def _load_spaces(self, index, en, organisations, areas):
        features = {f.code: f for f in Feature.objects.all()}
        spaces = {}
        for space in SPACES:
            shared = {
                "audience": space["audience"],
                "features": [features[code] for code in space["features"]],
                "location_policy": space.get("location_policy", LocationPolicy.PUBLIC),
                "is_online": space.get("is_online", False),
                "online_join_url": space.get("online_join_url", ""),
                "show_join_url": space.get("show_join_url", False),
            }
            pages = {}
            for lang in ("ja", "en"):
                fields = {
                    **space[lang],
                    **shared,
                    "organisation": organisations[space["organisation"]][lang],
                    "area": areas[space["area"]][lang] if space["area"] else None,
                }
                if lang == "ja":
                    pages[lang] = self._child(index, SpacePage, space["slug"], fields)
                else:
                    pages[lang] = self._translation(pages["ja"], en, fields)
            spaces[space["slug"]] = pages
        return spaces

    def _load_events(self, index, en, spaces):
        today = timezone.localdate()
        for event in EVENTS:
            shared = {
                "kind": event["kind"],
                "audience": event["audience"],
                "is_online": event.get("is_online", False),
                "join_mode": event["join_mode"],
                "capacity": event.get("capacity"),
                "intake_required": event.get("intake_required", False),
                "holiday_policy": event["holiday_policy"],
            }

            def give_schedule(page, rules=event["rules"]):
                # Only a new page gets rules: they are dated from today, and re-running the
                # command on a later day must not move them (or republish anything).
                page.rules = [
                    ScheduleRule(
                        sort_order=order,
                        start_date=rule["first_date"](today),
                        **{k: v for k, v in rule.items() if k != "first_date"},
                    )
                    for order, rule in enumerate(rules)
                ]

            page = self._child(
                index,
                EventPage,
                event["slug"],
                {**event["ja"], **shared, "space": spaces[event["space"]]["ja"]},
                setup=give_schedule,
            )
            # Publishing the Japanese page made its dates (events.signals.sync_on_publish).
            self._translation(
                page, en, {**event["en"], **shared, "space": spaces[event["space"]]["en"]}
            )
            if event.get("cancel_one_friday"):
                self._cancel_one_friday(page)

    def _cancel_one_friday(self, event):
        """One date cancelled by staff, as a centre would for a training day: the second Friday
        from now. Done once; a date staff already changed means it has been done."""
        if Occurrence.objects.filter(event=event, edited=True).exists():
            return
        upcoming = Occurrence.objects.filter(
            event=event, status=OccurrenceStatus.SCHEDULED, start__gt=timezone.now()
        ).order_by("start")[:20]
        fridays = [o for o in upcoming if o.local_date.weekday() == 4]
        if len(fridays) >= 2:
            cancel_occurrence(occurrence=fridays[1], message=CANCELLED_FRIDAY_MESSAGE)

    def _load_closed_days(self):
        """The New Year holidays that have not ended yet, for the whole centre."""
        today = timezone.localdate()
        for year in (today.year - 1, today.year):
            first, last = dt.date(year, 12, 29), dt.date(year + 1, 1, 3)
            if last >= today:
                break
        _closure, created = ClosedDays.objects.get_or_create(
            first_day=first, last_day=last, space=None, defaults={"message": NEW_YEAR_MESSAGE}
        )
        if created:
            sync_all_events()

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
