"""Sample-based metrics: a shipped digits classifier, the Frechet distance on its features.

``genlab.metrics.frechet`` holds the math (numpy/scipy only); ``genlab.metrics.digits`` the shipped
classifier and the helpers built on it (``classify``, ``features``, ``class_accuracy``).
"""

from genlab.metrics.frechet import frechet_distance, gaussian_frechet_distance

__all__ = ["frechet_distance", "gaussian_frechet_distance"]
