"""Session report bot: report → findings → drafts → ledger → publishers.

Kept import-free on purpose: `bot --help` must start fast, so heavy libraries are imported where used.
"""

__version__ = "0.1.0"
