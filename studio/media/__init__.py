"""Media files through ffmpeg: encode, probe and decode video; later export, captions, labels."""
