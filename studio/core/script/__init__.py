"""Screenplay text: Fountain and Final Draft parsing, and the breakdown into shots."""
