"""The lecture's second section as a library: discriminative (logistic regression by gradient
descent) vs generative (Gaussian mixture by EM), the Bayes classifier, and MLE = min KL."""

from genlab.classic.bayes import (GenerativeClassifier, match_components_to_classes,
                                  mixture_class_posterior)
from genlab.classic.data import create_dataset, stack_labelled
from genlab.classic.em import INITS, EMHistory, em_fit, gmm2_em_history, initial_params
from genlab.classic.gmm import GaussianMixtureEM
from genlab.classic.logreg import LR_MODES, LogRegPath, logistic_regression_gd_path
from genlab.classic.mle_kl import MLEKLCurve, mle_kl_curve

__all__ = [
    "GenerativeClassifier", "match_components_to_classes", "mixture_class_posterior",
    "create_dataset", "stack_labelled", "INITS", "EMHistory", "em_fit", "gmm2_em_history",
    "initial_params", "GaussianMixtureEM", "LR_MODES", "LogRegPath",
    "logistic_regression_gd_path", "MLEKLCurve", "mle_kl_curve",
]
