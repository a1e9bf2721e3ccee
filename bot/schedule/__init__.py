"""Scheduling: campaigns → ledger rows (plan), and the runner that publishes due posts."""
