"""Changes to dates: the one home of every workflow that changes a date, whoever asks."""
