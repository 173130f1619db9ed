"""The window in another language: the language shown, the translations table, adding targets."""
