"""Voice: speech synthesis per character, phoneme timing, visemes, lip-sync and the audio mix."""
