"""The preview player: the picture, its controls and overlays, and the sound."""
