"""Pure data and rules: no Qt, no torch, fast to import."""
