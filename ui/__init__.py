"""The user interfaces: the Qt window (widgets, item models, dialogs) and the command line."""
