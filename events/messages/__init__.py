"""Messages: the outbox and delivery. A row is written with the change that causes it and sent
once by a worker; what it says is rendered by whoever registered its kind."""
