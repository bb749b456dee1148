"""Data that genlab can have offline: generated 2-D toys, digits from wheels, text, speech."""
