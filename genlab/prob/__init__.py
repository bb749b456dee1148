"""The lecture's first section as a library: densities, mixtures, KDE, moments, conditionals."""

from genlab.prob.conditional import ClassConditionalExample, NormalMixture1D, conditional_kdes
from genlab.prob.gaussian import cholesky, gaussian_kl, mvn_logpdf, mvn_pdf, mvn_sample, normal_pdf
from genlab.prob.kde import bandwidth, bandwidth_factor, kde_exact, kde_grid
from genlab.prob.mixture import (LECTURE_MIXTURE, MixtureParams, component_log_prob, density_grid,
                                 mixture_logpdf, mixture_pdf, mixture_sample, responsibilities)
from genlab.prob.moments import (covariance, mean, mixture_covariance, mixture_mean, std,
                                 variance)

__all__ = [
    "ClassConditionalExample", "NormalMixture1D", "conditional_kdes", "cholesky", "gaussian_kl", "mvn_logpdf",
    "mvn_pdf", "mvn_sample", "normal_pdf", "bandwidth", "bandwidth_factor", "kde_exact", "kde_grid",
    "LECTURE_MIXTURE", "MixtureParams", "component_log_prob", "density_grid", "mixture_logpdf",
    "mixture_pdf", "mixture_sample", "responsibilities", "covariance", "mean",
    "mixture_covariance", "mixture_mean", "std", "variance",
]
