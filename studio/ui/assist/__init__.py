"""The local language-model assistant: its menu, suggested prompts, alternatives."""
