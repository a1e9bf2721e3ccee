"""The publish ledger: one row per post (thread parts are rows of their own). The single source of truth:
APScheduler jobs only wake the runner, and can be rebuilt from these rows at any time."""
