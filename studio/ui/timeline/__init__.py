"""The timeline panel: its geometry, painting, and take thumbnails and waveforms."""
