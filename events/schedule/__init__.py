"""The schedule: rules, the dates they make and their exceptions, recurrence in Japan's
wall-clock time, pages across languages, the listing's filters, and where a date happens."""
