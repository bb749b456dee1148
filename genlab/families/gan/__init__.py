"""The GAN family: an implicit model x = G(z, y), trained by the min-max game with a discriminator.

The files, in the roles every family shares:

* ``model``: the class-conditional lab GAN on 28x28 digits, conditioned the BigGAN way
  (class embedding into conditional batch norm in G, projection discriminator D);
  ``truncation``: the truncation trick on z; ``toy``: an unconditional GAN on 2-D points, small
  enough to train live, with per-mode coverage (mode collapse made visible).
* ``train``: hinge-loss training with spectral norm (``genlab train gan``).
* ``pipeline``: the family's face — ``GanRequest``/``InterpolationRequest``/``ToyTrainingRequest``
  (every parameter declared once) in, images with provenance out; lab and BigGAN behind it.
* ``pretrained``: the lecture's BigGAN-deep-256 through pytorch_pretrained_biggan.
* ``evaluate``: class accuracy, diversity and Frechet distance with genlab's digits classifier;
  ``figures``: the toy GAN's decision field and the truncation sweep; ``card``: the model card.
* ``cli``: ``genlab train|sample|eval gan``.

The views over it: ``genlab.sections.gan`` (handlers), ``genlab.app.tabs.gan``,
``genlab.widgets.gan_widget``. A GAN has no density: ``log_prob`` raises ``NoDensityError``.
"""
