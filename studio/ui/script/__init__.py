"""The script panel: the Fountain editor, its outline, find bar and highlighter."""
