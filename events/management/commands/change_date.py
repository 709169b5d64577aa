"""Change one date from the command line, through the same workflows as the Dates admin:

    python manage.py change_date 123 --cancel --message "講師の都合によりお休みします。"
    python manage.py change_date 123 --restore
    python manage.py change_date 123 --move 2026-12-08T13:30 2026-12-08T15:30
    python manage.py change_date 123 --note "今日は2階の和室です。"
    python manage.py change_date 123 --places 12

Times are Japan's wall-clock time (the site's time zone). People who signed up are told, as
they would be from the admin."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from events.changes import services
from events.schedule.models import Occurrence
from events.schedule.recurrence import site_zone


def local_moment(text):
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text!r} is not a time like 2026-12-08T13:30.") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=site_zone())


class Command(BaseCommand):
    help = "Cancel, restore, move, annotate or change the places of one date (by its id)."

    def add_arguments(self, parser):
        parser.add_argument("occurrence", type=int, help="the id of the date (Dates in the admin)")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--cancel", action="store_true")
        action.add_argument("--restore", action="store_true")
        action.add_argument("--move", nargs=2, metavar=("START", "END"))
        action.add_argument("--note", metavar="TEXT")
        action.add_argument("--places", metavar="N", help='a number, or "event" for the default')
        parser.add_argument("--message", default="", help="shown with the date")

    def handle(self, *args, **options):
        occurrence = Occurrence.objects.filter(pk=options["occurrence"]).first()
        if occurrence is None:
            raise CommandError(f"There is no date with the id {options['occurrence']}.")
        message = options["message"]
        try:
            if options["cancel"]:
                services.cancel_occurrence(occurrence=occurrence, message=message)
            elif options["restore"]:
                services.restore_occurrence(occurrence=occurrence, message=message)
            elif options["move"]:
                start, end = (local_moment(text) for text in options["move"])
                services.move_occurrence(
                    occurrence=occurrence, start=start, end=end, message=message
                )
            elif options["note"] is not None:
                services.set_message(occurrence=occurrence, message=options["note"])
            else:
                places = options["places"]
                if places != "event" and not (places.isascii() and places.isdigit()):
                    raise CommandError('--places takes a number, or "event".')
                capacity = None if places == "event" else int(places)
                services.set_capacity(occurrence=occurrence, capacity=capacity)
        except services.ScheduleError as error:
            raise CommandError(str(error)) from error
        occurrence.refresh_from_db()
        self.stdout.write(f"{occurrence}: {occurrence.get_status_display()}")
