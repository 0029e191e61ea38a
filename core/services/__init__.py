"""The verbs a user performs. Each opens one unit of work, writes records with their audit events,
and commits or raises a DomainError. The CLI and the GUI call these, nothing below them."""
