"""The content pipeline: ingest → sentences → findings → compose (drafts)."""
