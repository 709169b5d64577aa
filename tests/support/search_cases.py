"""The labelled queries of the search tests: what a parent, a young person or a neighbour would
type, and the demo page (by its URL) that must come in the first three results. Shared by the
SQLite and PostgreSQL runs (tests/test_search.py, tests/test_search_postgresql.py) and by the
measurement in bench/search.py."""

from bs4 import BeautifulSoup


def result_urls(client, query, prefix=""):
    """The addresses of the results of a search, best first."""
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a["href"] for a in soup.select(".search-results h2 a")]


JAPANESE = [
    # The words of issue 16, each inside longer text in the demo.
    ("家族", "/learn/for-families/"),
    ("家族会", "/events/family-group/"),
    ("居場所", "/spaces/"),  # the list of every space: 居場所をさがす
    ("オンライン", "/spaces/yoru-no-mado/"),
    ("土曜", "/events/games-sora/"),
    ("土曜", "/events/family-class/"),
    # A station and a town.
    ("さくら駅", "/spaces/hidamari/"),
    ("みなと町", "/spaces/konan-hot-space/"),
    # A partial word, another script, half width.
    ("ひだま", "/spaces/hidamari/"),
    ("ヒダマリ", "/spaces/hidamari/"),
    ("ｵﾝﾗｲﾝ", "/spaces/yoru-no-mado/"),
    ("よるのまど", "/spaces/yoru-no-mado/"),
    ("ヨルノマド", "/events/yoru-no-mado-wednesday/"),
    # What people type.
    ("家族教室", "/events/family-class/"),
    ("ピアサポーター", "/events/peer-hikari/"),
    ("ぴあさぽーたー", "/events/peer-hikari/"),
    ("ゲーム", "/events/games-sora/"),
    ("民生委員", "/learn/for-neighbours/"),
    ("学校の先生", "/learn/for-schools/"),
    ("外に出るのがしんどい", "/learn/for-you/"),
    ("水曜の夜", "/events/yoru-no-mado-wednesday/"),
    ("湖南", "/spaces/konan-hot-space/"),
    ("相談室", "/spaces/family-room/"),
    ("研修", "/events/minsei-iin-training/"),
    ("さくら市 居場所", "/spaces/hidamari/"),
]

ENGLISH = [
    ("family class", "/en/events/family-class/"),
    ("online", "/en/spaces/yoru-no-mado/"),
    ("Sakura Station", "/en/spaces/hidamari/"),
    ("peer supporter", "/en/events/peer-hikari/"),
    ("teach", "/en/learn/for-schools/"),
]
