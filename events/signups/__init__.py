"""Sign-ups: the participation tiers, places and the waiting line, enrolment, manage links,
staff entry, the e-mail they send and data retention."""
