"""What people do on the site's pages, for tests of several modules: book a place through the
sign-up page as a browser would, translate a page into English, and find or make an index page."""

from bs4 import BeautifulSoup


def signup_url(event, date):
    return f"{event.url}signup/{date.pk}/"


def form_of(client, url):
    """The form's fields as the browser would send them (hidden one-time key included)."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    form = soup.find("form", method="post")
    fields = {}
    for element in form.find_all(["input", "textarea", "select"]):
        if element.get("name") and element.get("type") not in ("checkbox", "submit"):
            fields[element["name"]] = element.get(
                "value", element.text if element.name == "textarea" else ""
            )
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def book(client, event, date, **fields):
    data = {**form_of(client, signup_url(event, date)), **fields}
    return client.post(signup_url(event, date), data)


def in_english(page, en_locale):
    """Publish an English translation of the page and of the pages above it."""
    english = page.copy_for_translation(en_locale, copy_parents=True, alias=False)
    for ancestor in english.get_ancestors(inclusive=True).specific():
        if not ancestor.is_root() and not ancestor.live:
            ancestor.save_revision().publish()
    return type(page).objects.get(pk=english.pk)


def form_data(form):
    """What a browser would send for the form as it stands: every field with its current value,
    without the templates Wagtail keeps for adding rows (`__prefix__`)."""
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.has_attr("disabled"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            value = chosen.get("value", chosen.get_text()) if chosen else ""
        elif field.name == "textarea":
            value = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field.get("value", "on")
        elif field.get("type") in ("submit", "button"):
            continue
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def index_page(home, model, title, slug):
    """The home page's index of this type: the demo's when it is loaded, else a new one."""
    index = model.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=model(title=title, slug=slug))
        index.save_revision().publish()
    return index
