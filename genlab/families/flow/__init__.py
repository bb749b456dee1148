"""Normalizing flows: an explicit model with an exact density by a change of variables.

* ``model``  ``Flow2D``, zuko's RealNVP on 2-D points, trained by (weighted) maximum likelihood;
  ``fit_toy``, the taxonomy comparison's hook (``genlab.registry.TOY_MODELS``)

The flow has no tab of its own: the Taxonomy tab compares it with the other kinds and the Ethics
tab's bias experiment trains it on skewed data.
"""
