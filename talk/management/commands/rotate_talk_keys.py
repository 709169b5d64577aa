from django.core.management.base import BaseCommand
from django.db import transaction

from talk.models import Conversation, Message, Note


class Command(BaseCommand):
    help = (
        "Encrypt every conversation again under the first key of IBASHO_TALK_KEYS, so that "
        "the older keys can then be removed."
    )

    def handle(self, *args, **options):
        count = 0
        for model, fields in (
            (Conversation, ["email", "phone"]),
            (Message, ["body"]),
            (Note, ["body"]),
        ):
            for row in model.objects.iterator():
                # Read with any key of the list, written with the first.
                with transaction.atomic():
                    row.save(update_fields=fields)
                count += 1
        self.stdout.write(f"{count} rows encrypted under the first key.")
