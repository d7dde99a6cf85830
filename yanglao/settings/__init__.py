"""Settings come from the environment; base.py is the embedded default (SQLite, no other service)."""
