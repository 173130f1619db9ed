"""The character bible: the list, the form, reference images, the voice preview."""
