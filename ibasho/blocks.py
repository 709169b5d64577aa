"""The small set of blocks an awareness article is written with."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "link", "ol", "ul"]


class HeadingBlock(blocks.StructBlock):
    """A section heading; articles start at level 2 under the page title."""

    text = blocks.CharBlock(label=_("heading"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"), choices=[("h2", _("section")), ("h3", _("sub-section"))], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"


class FigureBlock(blocks.StructBlock):
    """A photo with alternative text and an optional caption."""

    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"


class QuoteBlock(blocks.StructBlock):
    """A testimony or quotation, with who said it (never a real name without consent)."""

    text = blocks.TextBlock(label=_("words"), max_length=1200)
    attribution = blocks.CharBlock(
        label=_("who said it"),
        required=False,
        max_length=80,
        help_text=_("For example: “a mother in her seventies”."),
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("answer"), features=RICH_TEXT_FEATURES)


class FAQBlock(blocks.StructBlock):
    """Questions that open to their answers (HTML details), readable without JavaScript."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    questions = blocks.ListBlock(QuestionBlock(), label=_("questions"))

    class Meta:
        icon = "help"
        template = "blocks/faq_block.html"


class ContactCalloutBlock(blocks.StructBlock):
    """A highlighted box inviting the reader to talk to someone, linking to the centre's contacts
    (shown once, in the footer of every page)."""

    heading = blocks.CharBlock(label=_("heading"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=600)
    show_contacts = blocks.BooleanBlock(
        label=_("show the consultation contacts"), required=False, default=True
    )

    class Meta:
        icon = "mail"
        template = "blocks/contact_callout_block.html"


class ArticleStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("paragraph"), features=RICH_TEXT_FEATURES, template="blocks/paragraph_block.html"
    )
    figure = FigureBlock(label=_("photo"))
    quote = QuoteBlock(label=_("testimony or quote"))
    faq = FAQBlock(label=_("questions and answers"))
    callout = ContactCalloutBlock(label=_("contact callout"))
