"""Rehearsals: every dry-run works on a throw-away copy of the ledger, never on the real one."""
