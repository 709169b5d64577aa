"""Staff screens in the Wagtail admin: dates, sign-up lists, attendance counts and unsent
e-mail. Thin: each calls the workflow of its concern (events.changes, events.signups)."""
