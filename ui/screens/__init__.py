"""One file per screen. Each is a ``Screen`` made with the app's context."""
