"""Voices and mouths: text to speech, word timing, lip-sync.

Importing the package registers its model folders with the engine's registry and names its
backends for the worker (:mod:`studio.voice.models`)."""

from studio.voice import models as _models  # noqa: F401  (registers the voice model folders)
