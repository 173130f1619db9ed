"""The application layer: what a user action does, for the window and the command line alike.

No Qt here: :mod:`studio.ui` adapts these services to signals and widgets, :mod:`studio.cli`
to commands and exit codes."""
