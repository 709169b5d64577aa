"""Calendars: the iCalendar writer (one identity per date, forever) and the feeds."""
