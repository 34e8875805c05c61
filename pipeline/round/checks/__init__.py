"""The checks across rows and sheets that `round.rules` runs, in groups: people, meetings, goals, settings."""
