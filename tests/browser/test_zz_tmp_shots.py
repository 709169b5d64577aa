from spaces.models import SpacePage
from spaces.services import set_live_status

def get(slug):
    return SpacePage.objects.get(slug=slug, locale__language_code="ja")

def test_shots(demo_site, new_page):
    set_live_status(space=get("hidamari"), kind="open", message="今日は臨時で開けています")
    set_live_status(space=get("konan-hot-space"), kind="closed_today", message="職員の体調不良のため、今日はお休みします")
    set_live_status(space=get("yoru-no-mado"), kind="running_late")
    page = new_page(viewport={"width": 390, "height": 844})
    for name, path in {"status-home": "/", "status-spaces": "/spaces/", "status-space": "/spaces/hidamari/", "status-en-spaces": "/en/spaces/"}.items():
        page.goto(demo_site + path)
        page.screenshot(path=f"/tmp/shots/{name}.png", full_page=True)
