"""Autopilot: sources (feeds, index pages, sitemaps) → new report URLs → ingest → a drafted campaign awaiting
approval. This package sits *before* ingest: its output is what `bot ingest` already takes, and every
discovery is a ledger row (`sources_seen`), claimed once, so restarts and two runners never double a campaign.
"""
