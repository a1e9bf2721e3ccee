"""The review desk (`bot serve`): a small web application over the same ledger and functions as the CLI."""
