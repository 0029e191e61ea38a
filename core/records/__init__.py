"""Rows and read models the services share, one floor below them: reading an account as it is
now, a batch record's views, template versions. Nothing here is a user's action; the verbs the
GUI and the CLI call live in core/services."""
