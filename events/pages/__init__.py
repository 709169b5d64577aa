"""The event pages people see (`/events/` and each event), their structured data and feed."""
