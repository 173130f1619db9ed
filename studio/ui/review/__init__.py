"""The take review panel: the grid of looping takes, comparing two, the actions."""
