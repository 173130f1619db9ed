"""Backends turn one request into one take file. ``base.Backend`` is what each provides."""
