"""The GAN family: an implicit model x = G(z, y), trained by the min-max game with a discriminator.

* ``model``: the class-conditional lab GAN on 28x28 digits, conditioned the BigGAN way
  (class embedding into conditional batch norm in G, projection discriminator D).
* ``truncation``: the truncation trick on z.
* ``toy``: an unconditional GAN on 2-D points (eight Gaussians), small enough to train live,
  with per-mode coverage (mode collapse made visible).
* ``train``: hinge-loss training with spectral norm (``genlab train gan``).
* ``pretrained``: the lecture's BigGAN-deep-256 through pytorch_pretrained_biggan.

A GAN has no density: ``log_prob`` raises ``NoDensityError`` explaining why.
"""
