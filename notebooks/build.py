"""Writes notebooks/lecture_en.ipynb and notebooks/lecture_ru.ipynb: the lecture's sections, in order, on genlab.

    python notebooks/build.py          # rewrite both notebooks (outputs empty)
    python notebooks/build.py --check  # exit 1 if a committed notebook differs from what this script writes

Each section is a list of cells. A markdown cell is a dict {"en": ..., "ru": ...}; a code cell is
one string in which ``LANG`` stands for the notebook's language, so both notebooks run the same
calls and differ only in the words. Every code cell imports what it uses (no hidden state: a cell
never relies on a variable a cell far above it left behind, and the notebook runs top to bottom);
the lab models run by default; a pretrained model runs only when it is already on the machine
(a look in the local caches, never a download).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ("en", "ru")


def md(en: str, ru: str) -> dict:
    return {"en": en.strip(), "ru": ru.strip()}


def code(source: str) -> str:
    return source.strip()


CORRECTION = {"en": "**Correction to the lecture.**", "ru": "**Исправление лекции.**"}

CELLS = [
    md(r"""
# A cross-section of modern generative ML, on genlab

This notebook follows the lecture section by section. Every figure and demo is one short call into
[genlab](../README.md): the lab models that genlab ships run on a laptop CPU, offline. The
lecture's own pretrained models (Qwen3-VL, BigGAN-deep, EAR_VAE, SDXL) are used only where their
files are already on this machine; genlab never downloads anything unless asked.

Where the lecture has a small error, the notebook fixes it and says so at that place
(marked **Correction to the lecture**). Run the cells from top to bottom; every cell imports what it uses.
""", r"""
# Разрез современного генеративного ML — на genlab

Этот ноутбук идёт по лекции раздел за разделом. Каждый рисунок и каждая демонстрация — один короткий
вызов [genlab](../README.md): лабораторные модели, которые поставляются с genlab, работают на
процессоре ноутбука без сети. Предобученные модели лекции (Qwen3-VL, BigGAN-deep, EAR_VAE, SDXL)
используются только там, где их файлы уже есть на этой машине: genlab ничего не скачивает без просьбы.

Где в лекции есть небольшая ошибка, ноутбук исправляет её и говорит об этом на месте
(пометка **Исправление лекции**). Выполняйте ячейки сверху вниз; каждая ячейка сама импортирует то, что использует.
"""),
    code("""
%matplotlib inline
import genlab
from genlab.assets import available_lab_models

genlab.__version__, available_lab_models()   # `genlab info` in a shell: versions, device, pretrained models found
"""),

    # ------------------------------------------------------------------ 1. probability
    md(r"""
## 1. Probabilistic modelling

The working assumption of most of modern ML: the data we observe were drawn from some distribution
that exists "in nature". We never see that law itself, only a sample from it. A model that
describes which observations are typical, and how typical, handles noise better, can say how sure
it is, and can be extended piece by piece.

### Distributions

Objects $x$ live in a set $\mathcal{X}$, the *support*: $\mathbb{R}^d$ for embeddings, graphs for
molecules, permutations for rankings, the simplex $\Delta^{K-1}$ for probability vectors.
A *distribution* assigns to every region $A \subseteq \mathcal{X}$ a number
$\mathbb{P}(A) \in [0, 1]$, the chance that a randomly drawn $x$ falls in $A$, with three properties:

1. non-negativity: $\mathbb{P}(A) \geq 0$;
2. normalisation: $\mathbb{P}(\mathcal{X}) = 1$;
3. additivity: if $A \cap B = \varnothing$ then $\mathbb{P}(A \cup B) = \mathbb{P}(A) + \mathbb{P}(B)$.

> **Correction to the lecture.** The lecture writes the first axiom as $\mathbb{P}(A) \leq 0$;
> a probability is non-negative, $\mathbb{P}(A) \geq 0$.

For an absolutely continuous distribution a *density* $p(x)$ describes how fast the mass grows
around $x$; probabilities are its integrals:
$$\mathbb{P}(X \in A) = \int_A p(x)\,dx, \qquad \int_{\mathcal{X}} p(x)\,dx = 1.$$

The lecture's example is a mixture of two Gaussians in the plane,
$p(x) = \sum_k \pi_k\,\mathcal{N}(x \mid \mu_k, \Sigma_k)$ with $\pi = (0.5, 0.5)$.
""", r"""
## 1. Вероятностное моделирование

Рабочая гипотеза большей части современного ML: наблюдаемые данные порождены некоторым
распределением, существующим «в природе». Сам закон мы не видим — только выборку из него. Модель,
которая описывает, какие наблюдения типичны и насколько, устойчивее к шуму, умеет сказать, насколько
она уверена, и её можно достраивать по частям.

### Распределения

Объекты $x$ живут в множестве $\mathcal{X}$ — *носителе*: $\mathbb{R}^d$ для эмбеддингов, графы для
молекул, перестановки для ранжирования, симплекс $\Delta^{K-1}$ для векторов вероятностей.
*Распределение* сопоставляет каждой области $A \subseteq \mathcal{X}$ число
$\mathbb{P}(A) \in [0, 1]$ — шанс, что случайно выбранный $x$ попадёт в $A$, — с тремя свойствами:

1. неотрицательность: $\mathbb{P}(A) \geq 0$;
2. нормировка: $\mathbb{P}(\mathcal{X}) = 1$;
3. аддитивность: если $A \cap B = \varnothing$, то $\mathbb{P}(A \cup B) = \mathbb{P}(A) + \mathbb{P}(B)$.

> **Исправление лекции.** В лекции первая аксиома записана как $\mathbb{P}(A) \leq 0$;
> вероятность неотрицательна: $\mathbb{P}(A) \geq 0$.

Для абсолютно непрерывного распределения *плотность* $p(x)$ показывает, как быстро растёт масса
около точки $x$; вероятности — её интегралы:
$$\mathbb{P}(X \in A) = \int_A p(x)\,dx, \qquad \int_{\mathcal{X}} p(x)\,dx = 1.$$

Пример лекции — смесь двух гауссиан на плоскости,
$p(x) = \sum_k \pi_k\,\mathcal{N}(x \mid \mu_k, \Sigma_k)$, $\pi = (0.5, 0.5)$.
"""),
    md(r"""
> **Correction to the lecture.** The lecture's first figure samples 200 points from the mixture
> and never draws them. Here they lie on the surface.
""", r"""
> **Исправление лекции.** Первый рисунок лекции сэмплирует 200 точек из смеси, но не рисует их.
> Здесь они лежат на поверхности.
"""),
    code("""
from genlab.prob.pipeline import MixtureRequest, draw_mixture

surface = draw_mixture(MixtureRequest(n_samples=200, seed=42, lang=LANG))  # the lecture's N and seed
surface.figure()   # surface.show(): the same surface as a rotatable plotly figure
"""),

    md(r"""
### Random variables and conditional distributions

A random variable $X$ maps the outcomes $\omega \in \Omega$ of an experiment to objects
$x = X(\omega) \in \mathcal{X}$ and so carries the probability law over to the data:
$\mathbb{P}(X \in A) = P_X(A) = \int_A p_X(x)\,dx$. Empirically: a quantity whose value changes
from one observation to the next; the observations $x_i \sim P_X$ are a sample of it.

For a pair $(x, y)$ drawn from a joint distribution $p(x, y)$, the conditional $p(y \mid x)$ says
how $y$ is distributed once $x$ is fixed; for every $x$ it is a distribution over $y$,
$\int_{\mathcal{Y}} p(y \mid x)\,dy = 1$. Joint, conditional and marginal are tied by
$$p(x, y) = p(y \mid x)\,p(x) = p(x \mid y)\,p(y), \qquad
p(x) = \int_{\mathcal{Y}} p(x, y)\,dy, \quad p(y) = \int_{\mathcal{X}} p(x, y)\,dx.$$

Below: samples of $x$ from two classes $y \in \{1, 2\}$, the class-conditional densities
$p(x \mid y)$ and the marginal $p(x) = \sum_y p(x \mid y)\,p(y)$, estimated by a kernel density
estimate (Silverman's bandwidth, as in the lecture), with the true densities dotted.
""", r"""
### Случайные величины и условные распределения

Случайная величина $X$ отображает исходы $\omega \in \Omega$ эксперимента в объекты
$x = X(\omega) \in \mathcal{X}$ и тем самым переносит вероятностный закон на данные:
$\mathbb{P}(X \in A) = P_X(A) = \int_A p_X(x)\,dx$. Эмпирически — это величина, значение которой
меняется от наблюдения к наблюдению; наблюдения $x_i \sim P_X$ — её выборка.

Для пары $(x, y)$ из совместного распределения $p(x, y)$ условное $p(y \mid x)$ говорит, как
распределён $y$ при фиксированном $x$; для каждого $x$ это распределение по $y$:
$\int_{\mathcal{Y}} p(y \mid x)\,dy = 1$. Совместное, условное и маргинальное связаны так:
$$p(x, y) = p(y \mid x)\,p(x) = p(x \mid y)\,p(y), \qquad
p(x) = \int_{\mathcal{Y}} p(x, y)\,dy, \quad p(y) = \int_{\mathcal{X}} p(x, y)\,dx.$$

Ниже — выборки $x$ из двух классов $y \in \{1, 2\}$, условные плотности $p(x \mid y)$ и маргинальная
$p(x) = \sum_y p(x \mid y)\,p(y)$, оценённые ядерной оценкой плотности (ширина окна по Сильверману,
как в лекции); истинные плотности — пунктиром.
"""),
    code("""
from genlab.prob.pipeline import ConditionalKdeRequest, estimate_conditionals

estimate_conditionals(ConditionalKdeRequest(n_per_class=400, seed=42, lang=LANG)).figure()   # .show(): in plotly
"""),

    md(r"""
### Samples and moments

A sample is a set of observations from the same unknown distribution, usually assumed
independent and identically distributed: $x_1, \dots, x_n \sim p^*(x)$, or pairs
$(x_i, y_i) \sim p^*(x, y)$. Learning means building $p_\theta \approx p^*$ from it.

Moments summarise a distribution in a few numbers. The mean is its centre of mass,
$\mathbb{E}[X] = \int_{\mathcal{X}} x\,p(x)\,dx$; the variance its spread,
$\mathrm{Var}(X) = \mathbb{E}[(X - \mu)^2]$, and $\sigma = \sqrt{\mathrm{Var}(X)}$ is in the units of $X$.
For vectors: $\mu = \mathbb{E}[X] \in \mathbb{R}^d$ and
$\Sigma = \mathbb{E}[(X - \mu)(X - \mu)^\top]$. From a sample:
$$\hat\mu = \frac{1}{n}\sum_{i=1}^n x_i, \qquad \widehat{\mathrm{Var}}(X) = \frac{1}{n-1}\sum_{i=1}^n (x_i - \hat\mu)^2.$$

The mixture above: its exact mean and covariance (from $\pi_k, \mu_k, \Sigma_k$) next to the
empirical ones of its 200 samples; then two normals with one mean and different variances.
""", r"""
### Выборка и моменты

Выборка — набор наблюдений из одного и того же неизвестного распределения; обычно их считают
независимыми и одинаково распределёнными: $x_1, \dots, x_n \sim p^*(x)$ или пары
$(x_i, y_i) \sim p^*(x, y)$. Обучение — построение по ней приближения $p_\theta \approx p^*$.

Моменты описывают распределение несколькими числами. Матожидание — центр масс,
$\mathbb{E}[X] = \int_{\mathcal{X}} x\,p(x)\,dx$; дисперсия — разброс,
$\mathrm{Var}(X) = \mathbb{E}[(X - \mu)^2]$, а $\sigma = \sqrt{\mathrm{Var}(X)}$ измеряется в единицах $X$.
Для векторов: $\mu = \mathbb{E}[X] \in \mathbb{R}^d$ и
$\Sigma = \mathbb{E}[(X - \mu)(X - \mu)^\top]$. По выборке:
$$\hat\mu = \frac{1}{n}\sum_{i=1}^n x_i, \qquad \widehat{\mathrm{Var}}(X) = \frac{1}{n-1}\sum_{i=1}^n (x_i - \hat\mu)^2.$$

Смесь выше: её точные среднее и ковариация (из $\pi_k, \mu_k, \Sigma_k$) рядом с эмпирическими по
200 сэмплам; затем две нормальные с одним матожиданием и разными дисперсиями.
"""),
    code("""
from genlab.prob.pipeline import MixtureRequest, draw_mixture

draw_mixture(MixtureRequest(n_samples=200, seed=42, lang=LANG)).moments()
"""),
    code("""
from genlab.prob.pipeline import MomentsRequest, draw_moments

moments = draw_moments(MomentsRequest(mu=0.0, sigma1=1.0, sigma2=2.0, n_per_normal=2000, seed=0, lang=LANG))
print(moments.estimates())
moments.figure()   # moments.show(): the same figure in plotly, as the web page draws it
"""),
    md(r"""
The whole section as one interactive widget (edit the components, turn the surface, change the bandwidth):
""", r"""
Весь раздел одним интерактивным виджетом (правьте компоненты, поворачивайте поверхность, меняйте ширину окна):
"""),
    code("""
import genlab.widgets

genlab.widgets.probability(lang=LANG)
"""),

    # ------------------------------------------------------------------ 2. discriminative vs generative
    md(r"""
## 2. Discriminative vs generative

Two different ways of working with data — and not "classification vs generation": a generative
model can classify too. Let $x$ be what we observe and $y$ a hidden or target property.

A **discriminative** model learns $p_\theta(y \mid x)$: what can be said about $y$ once $x$ is
seen. It returns a distribution, and a prediction is a decision taken from it,
$\hat y(x) = \arg\max_y p_\theta(y \mid x)$ (MAP) or $\hat y(x) = \mathbb{E}_\theta[y \mid x]$.

A **generative** model learns the distribution of the data themselves: $p_\theta(x)$,
$p_\theta(x, y)$ or $p_\theta(x \mid y)$, and can *sample* new observations,
$x \sim p_\theta(x)$ or $x \mid y \sim p_\theta(x \mid y)$, statistically like the real ones.

### Bayes' theorem links them

A model of the joint law gives the discriminative one by Bayes' rule:
$$p_\theta(y \mid x) = \frac{p_\theta(x \mid y)\,p_\theta(y)}{p_\theta(x)}, \qquad
p_\theta(x) = \sum_{y} p_\theta(x \mid y)\,p_\theta(y).$$

### How each is trained

Discriminative: maximise the conditional log-likelihood
$\hat\theta = \arg\max_\theta \sum_i \log p_\theta(y_i \mid x_i)$ (cross-entropy; logistic loss
for two classes). Generative: maximise the likelihood of the sample,
$\hat\theta_n = \arg\max_\theta \sum_i \log p_\theta(x_i)$, i.e. minimise
$\hat L_n(\theta) = -\frac{1}{n}\sum_i \log p_\theta(x_i)$, which tends to
$L(\theta) = \mathbb{E}_{x \sim p^*}[-\log p_\theta(x)]$. Adding and subtracting $\log p^*(x)$:
$$L(\theta) = \mathbb{E}_{p^*}[-\log p^*(x)] + \mathbb{E}_{p^*}\Big[\log \frac{p^*(x)}{p_\theta(x)}\Big]
= H(p^*) + \mathrm{KL}(p^* \,\|\, p_\theta).$$
$H(p^*)$ does not depend on $\theta$: maximum likelihood is minimum KL to the true distribution.

Below, on the lecture's two clouds: logistic regression by gradient descent (discriminative) and a
two-component Gaussian mixture by EM (generative) after their last iteration, with the Bayes
boundary $p(y \mid x) = 1/2$ that the mixture implies.
""", r"""
## 2. Дискриминативный и генеративный подходы

Это два разных способа работы с данными — и не «классификация против генерации»: генеративная
модель тоже умеет классифицировать. Пусть $x$ — то, что мы наблюдаем, а $y$ — скрытое или целевое свойство.

**Дискриминативная** модель выучивает $p_\theta(y \mid x)$: что можно сказать про $y$, когда $x$
уже виден. Она возвращает распределение, а предсказание — решение по нему:
$\hat y(x) = \arg\max_y p_\theta(y \mid x)$ (MAP) или $\hat y(x) = \mathbb{E}_\theta[y \mid x]$.

**Генеративная** модель выучивает распределение самих данных: $p_\theta(x)$, $p_\theta(x, y)$
или $p_\theta(x \mid y)$ — и умеет *сэмплировать* новые наблюдения,
$x \sim p_\theta(x)$ или $x \mid y \sim p_\theta(x \mid y)$, статистически похожие на настоящие.

### Их связывает теорема Байеса

Модель совместного закона даёт дискриминативную по формуле Байеса:
$$p_\theta(y \mid x) = \frac{p_\theta(x \mid y)\,p_\theta(y)}{p_\theta(x)}, \qquad
p_\theta(x) = \sum_{y} p_\theta(x \mid y)\,p_\theta(y).$$

### Как обучают каждую

Дискриминативную — максимизацией условного логарифма правдоподобия
$\hat\theta = \arg\max_\theta \sum_i \log p_\theta(y_i \mid x_i)$ (кросс-энтропия; логистическая
функция потерь для двух классов). Генеративную — максимизацией правдоподобия выборки
$\hat\theta_n = \arg\max_\theta \sum_i \log p_\theta(x_i)$, то есть минимизацией
$\hat L_n(\theta) = -\frac{1}{n}\sum_i \log p_\theta(x_i)$, которая стремится к
$L(\theta) = \mathbb{E}_{x \sim p^*}[-\log p_\theta(x)]$. Прибавим и вычтем $\log p^*(x)$:
$$L(\theta) = \mathbb{E}_{p^*}[-\log p^*(x)] + \mathbb{E}_{p^*}\Big[\log \frac{p^*(x)}{p_\theta(x)}\Big]
= H(p^*) + \mathrm{KL}(p^* \,\|\, p_\theta).$$
$H(p^*)$ не зависит от $\theta$: максимум правдоподобия — это минимум KL до истинного распределения.

Ниже, на двух облаках точек из лекции: логистическая регрессия градиентным спуском
(дискриминативная) и смесь двух гауссиан методом EM (генеративная) после последней итерации,
с байесовской границей $p(y \mid x) = 1/2$, которую задаёт смесь.
"""),
    code("""
from genlab.classic.pipeline import TwoParadigmsRequest, fit_two_paradigms

fit = fit_two_paradigms(TwoParadigmsRequest(seed=1, lr_iters=20, em_iters=60, lang=LANG))
print(fit.summary())
fit.at(t_lr=20, t_em=60).figure()   # any earlier iteration: fit.at(t_lr=..., t_em=...), no refitting
"""),
    md(r"""
MLE = min KL, measured: EM on points drawn from the known mixture $p^*$ of section 1. The average
negative log-likelihood falls towards the entropy $H(p^*)$; the gap is $\mathrm{KL}(p^* \| p_\theta)$.
""", r"""
MLE = min KL, измеренное: EM на точках из известной смеси $p^*$ раздела 1. Среднее отрицательное
логарифмическое правдоподобие опускается к энтропии $H(p^*)$; зазор — это $\mathrm{KL}(p^* \| p_\theta)$.
"""),
    code("""
from genlab.classic.pipeline import MleKlRequest, fit_mle_kl

fit_mle_kl(MleKlRequest(n_points=400, em_iters=30, seed=0, lang=LANG)).show()
"""),
    md(r"""
The lecture's widget, with every setting exposed and an iteration slider per model that replays the stored fit:
""", r"""
Виджет лекции со всеми настройками и ползунком итераций для каждой модели (он показывает сохранённую подгонку заново, без переобучения):
"""),
    code("""
import genlab.widgets

genlab.widgets.discriminative(lang=LANG)
"""),

    # ------------------------------------------------------------------ 3. taxonomy
    md(r"""
## 3. The main kinds of generative models

Classify models not by the kind of data but by how they define $p_\theta(x)$ and what we can do with it:
can we compute $\log p_\theta(x)$ for a given $x$ (exactly, or a bound)? How is $x \sim p_\theta$ drawn
(one pass, a sequence, an iterative process)?

- **Explicit** density models write $p_\theta(x)$ down: autoregressive models, normalising flows
  (the density through the Jacobian determinant of an invertible map), mixtures.
- **Implicit** models are defined by the sampling procedure only,
  $z \sim p(z),\ x = g_\theta(z)$; there is no $\log p_\theta(x)$ to compute (GANs).
- **Latent** (hybrid) models introduce a hidden $z$ and give a bound on $\log p_\theta(x)$:
  VAEs, and diffusion models as their generalisation.

Every genlab model answers these questions the same way: `density` is `"exact"`, `"bound"` or
`"none"`, `sampling` is `"one-shot"`, `"sequential"` or `"iterative"`. The shipped lab models:
""", r"""
## 3. Основные типы генеративных моделей

Модели удобно классифицировать не по типу данных, а по тому, как они задают $p_\theta(x)$ и что с ним
можно делать: можно ли вычислить $\log p_\theta(x)$ для данного $x$ (точно или оценкой)? Как
устроено семплирование $x \sim p_\theta$ (один проход, последовательность, итеративный процесс)?

- **Явные** модели плотности выписывают $p_\theta(x)$: авторегрессионные модели, нормализующие
  потоки (плотность через определитель якобиана обратимого отображения), смеси.
- **Неявные** модели заданы только процедурой генерации, $z \sim p(z),\ x = g_\theta(z)$;
  $\log p_\theta(x)$ вычислить нельзя (GAN).
- **Латентные** (гибридные) модели вводят скрытую $z$ и дают оценку снизу на $\log p_\theta(x)$:
  VAE и диффузионные модели как их обобщение.

Каждая модель genlab отвечает на эти вопросы одинаково: `density` — `"exact"`, `"bound"` или
`"none"`, `sampling` — `"one-shot"`, `"sequential"` или `"iterative"`. Лабораторные модели из поставки:
"""),
    code("""
from genlab.assets import asset_path
from genlab.core import NoDensityError
from genlab.families.diffusion.model import DigitDiffusion
from genlab.families.gan.model import ConditionalGAN
from genlab.families.vae.image_vae import DigitVAE

models = {name: cls.load_lab(asset_path(folder)) for name, cls, folder in [
    ("GAN", ConditionalGAN, "gan-mnist"), ("VAE", DigitVAE, "vae-digits"), ("diffusion", DigitDiffusion, "diffusion-mnist")]}
for name, model in models.items():
    print(f"{name:10} density: {model.density:6} sampling: {model.sampling}")
try:
    models["GAN"].log_prob(models["GAN"].sample(1, condition=0, seed=0))
except NoDensityError as err:
    print(err.message(LANG))
"""),
    md(r"""
The taxonomy side by side on 2-D toy data: a mixture and a flow (exact), a GAN (none), a VAE and a
diffusion model (bounds), each fitted to the same points, with the held-out log-likelihood or bound,
a sample distance and the cost of fitting and sampling. Below with 100 training steps, so that
the cell is quick; in the widget choose the data and the steps (the default 1500 take a minute on a CPU).
""", r"""
Классификация на двумерных игрушечных данных: смесь и поток (точная плотность), GAN (нет плотности),
VAE и диффузионная модель (оценки снизу), все обучены на одних и тех же точках; рядом —
логарифм правдоподобия или оценка на отложенных точках, расстояние между выборками и цена обучения
и семплирования. Ниже — со 100 шагами обучения, чтобы ячейка выполнялась быстро; в виджете выберите
данные и число шагов (1500 по умолчанию занимают около минуты на процессоре).
"""),
    code("""
from genlab.taxonomy import TaxonomyRequest, compare

comparison = compare(TaxonomyRequest(data="moons", steps=100, n_train=500, n_samples=200, seed=0, lang=LANG))
for m in comparison.models:   # a few training steps here: the widget trains them properly
    print(f"{m.name:12} {m.kind:9} p(x): {m.density:6} {m.sampling:11} scores (nats): {m.scores}")
figure = comparison.show()
"""),
    code("""
import genlab.widgets

genlab.widgets.taxonomy(lang=LANG)
"""),

    # ------------------------------------------------------------------ 3.1 autoregressive
    md(r"""
### Autoregressive models

An autoregressive model gives an **explicit** density on a sequence $x = (x_1, \dots, x_T)$ by the chain rule:
$$p_\theta(x) = \prod_{t=1}^{T} p_\theta(x_t \mid x_{<t}), \qquad x_{<t} = (x_1, \dots, x_{t-1}).$$
A network reads the context $x_{<t}$ and returns the distribution of the next token. Training is
maximum likelihood with teacher forcing,
$\hat\theta = \arg\max_\theta \sum_i \sum_t \log p_\theta(x^{(i)}_t \mid x^{(i)}_{<t})$,
a sum of cross-entropies. Sampling is **sequential**: $x_1 \sim p_\theta(\cdot)$, then
$x_2 \sim p_\theta(\cdot \mid x_1)$, and so on; and the probability of any text is exact.

genlab's lab model is a small character-level decoder trained on Shakespeare's plays and on Russian
sayings. It writes (temperature and top-p cut the distribution before each draw), and it scores a text exactly:
""", r"""
### Авторегрессионные модели

Авторегрессионная модель задаёт **явную** плотность на последовательности $x = (x_1, \dots, x_T)$ по правилу цепочки:
$$p_\theta(x) = \prod_{t=1}^{T} p_\theta(x_t \mid x_{<t}), \qquad x_{<t} = (x_1, \dots, x_{t-1}).$$
Нейросеть читает контекст $x_{<t}$ и возвращает распределение следующего токена. Обучение — метод
максимального правдоподобия с teacher forcing,
$\hat\theta = \arg\max_\theta \sum_i \sum_t \log p_\theta(x^{(i)}_t \mid x^{(i)}_{<t})$,
сумма кросс-энтропий. Семплирование **последовательное**: $x_1 \sim p_\theta(\cdot)$, затем
$x_2 \sim p_\theta(\cdot \mid x_1)$ и так далее; а вероятность любого текста вычисляется точно.

Лабораторная модель genlab — небольшой посимвольный декодер, обученный на пьесах Шекспира и на русских
изречениях. Она генерирует текст (температура и top-p обрезают распределение перед каждым выбором) и
точно оценивает вероятность текста:
"""),
    code("""
from genlab.families.autoregressive.pipeline import LAB, TextRequest, default_prompt, generate

text = generate(TextRequest(prompt=default_prompt(LAB, LANG), max_new_tokens=60, temperature=0.8, top_p=0.9, seed=1))
print(text.show())
"""),
    code("""
from genlab.families.autoregressive.pipeline import ScoreRequest, score

score(ScoreRequest(text="To be, or not to be, that is the question")).show()   # log p(x), exact
"""),
    md(r"""
The lecture's streaming demo runs in the widget (Stop really stops the model). The lecture's own
model, Qwen3-VL-2B-Instruct, runs only when its files are already in the local Hugging Face cache,
with the lecture's question and settings:
""", r"""
Потоковая демонстрация лекции — в виджете (Stop действительно останавливает модель). Собственная
модель лекции, Qwen3-VL-2B-Instruct, запускается, только если её файлы уже есть в локальном кэше
Hugging Face, с вопросом и настройками лекции:
"""),
    code("""
import genlab.widgets

genlab.widgets.autoregressive(lang=LANG)
"""),
    code("""
from genlab.families.autoregressive.pipeline import QWEN, TextRequest, generate
from genlab.info import pretrained_available

if pretrained_available(QWEN):
    print(generate(TextRequest.for_model(QWEN)).show())
else:
    print(f"{QWEN}: not on this machine")
"""),

    # ------------------------------------------------------------------ 3.2 GAN
    md(r"""
### GAN (generative adversarial networks)

A GAN is **implicit**: fix a prior $z \sim p(z)$, usually $\mathcal{N}(0, I)$, and a generator
$G_\theta: \mathcal{Z} \to \mathcal{X}$, $x = G_\theta(z)$; the distribution $p_\theta$ is the image
of $p(z)$ under $G_\theta$, and since $G_\theta$ need not be invertible there is no density to
evaluate. Training is a game with a discriminator $D_\psi(x) \in (0, 1)$ that tells real from generated:
$$\min_\theta \max_\psi\; \mathbb{E}_{x \sim p^*}[\log D_\psi(x)] + \mathbb{E}_{z \sim p(z)}[\log(1 - D_\psi(G_\theta(z)))],$$
which, at the optimal discriminator, minimises a Jensen–Shannon divergence between $p_\theta$ and $p^*$.
Sampling is one pass of $G_\theta$: fast, often sharp. The risks: unstable training and *mode
collapse* (the generator covers a small part of the data and loses diversity).

genlab's lab GAN is conditioned on the class the way BigGAN is (a class embedding drives conditional
batch norm). The truncation trick draws $z$ from a normal cut at $\pm$ `truncation`: less diversity, more typical images.
""", r"""
### GAN (генеративно-состязательные сети)

GAN — **неявная** модель: фиксируем prior $z \sim p(z)$, обычно $\mathcal{N}(0, I)$, и генератор
$G_\theta: \mathcal{Z} \to \mathcal{X}$, $x = G_\theta(z)$; распределение $p_\theta$ — образ $p(z)$ при
отображении $G_\theta$, и поскольку $G_\theta$ не обязан быть обратимым, плотность вычислить нельзя.
Обучение — игра с дискриминатором $D_\psi(x) \in (0, 1)$, отличающим настоящие объекты от сгенерированных:
$$\min_\theta \max_\psi\; \mathbb{E}_{x \sim p^*}[\log D_\psi(x)] + \mathbb{E}_{z \sim p(z)}[\log(1 - D_\psi(G_\theta(z)))],$$
что при оптимальном дискриминаторе минимизирует дивергенцию Йенсена–Шеннона между $p_\theta$ и $p^*$.
Семплирование — один проход $G_\theta$: быстро и часто чётко. Риски — нестабильное обучение и
*mode collapse* (генератор покрывает малую часть данных и теряет разнообразие).

Лабораторный GAN genlab обусловлен классом так же, как BigGAN (эмбеддинг класса управляет условной
батч-нормализацией). Трюк усечения берёт $z$ из нормального распределения, обрезанного на $\pm$ `truncation`:
меньше разнообразия, более типичные изображения.
"""),
    code("""
from genlab.families.gan.pipeline import GanRequest, generate

generate(GanRequest(class_id=3, n=8, truncation=0.4, seed=0)).show()
"""),
    code("""
import genlab.widgets

genlab.widgets.gan(lang=LANG)
"""),
    md(r"""
The lecture's BigGAN-deep-256 (class 207, a golden retriever, truncation 0.4), only if its weights are on this machine:
""", r"""
BigGAN-deep-256 из лекции (класс 207 — золотистый ретривер, усечение 0.4), только если его веса есть на этой машине:
"""),
    code("""
from genlab.errors import InputError
from genlab.families.gan.pipeline import BIGGAN, GanRequest, generate

try:
    from genlab.families.gan.pretrained import locate

    locate(BIGGAN)          # looks only on this machine; raises when the weights are not there
except (InputError, ImportError) as missing:
    print(missing)
else:
    display(generate(GanRequest.for_model(BIGGAN, n=4, truncation=0.4, seed=0)).show())
"""),

    # ------------------------------------------------------------------ 3.3 VAE
    md(r"""
### VAE (variational autoencoder)

A VAE is **latent**: a hidden $z$ with a simple prior $p(z) = \mathcal{N}(0, I)$ and a decoder $p_\theta(x \mid z)$,
$$p_\theta(x, z) = p_\theta(x \mid z)\,p(z), \qquad p_\theta(x) = \int p_\theta(x \mid z)\,p(z)\,dz.$$
The integral is intractable, so an encoder $q_\phi(z \mid x)$ approximates the posterior and training
maximises the evidence lower bound:
$$\log p_\theta(x) \geq \mathcal{L}_{\mathrm{ELBO}}(x) = \mathbb{E}_{z \sim q_\phi(z \mid x)}[\log p_\theta(x \mid z)]
- \mathrm{KL}(q_\phi(z \mid x) \,\|\, p(z)).$$
With a Gaussian encoder $q_\phi(z \mid x) = \mathcal{N}(\mu, \operatorname{diag}\sigma^2)$ the KL term has a closed form:
$$\mathrm{KL}(\mathcal{N}(\mu, \sigma^2) \,\|\, \mathcal{N}(0, 1)) = \tfrac{1}{2}\sum_j \big(\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1\big).$$

> **Correction to the lecture.** The lecture's VAE code (like EAR_VAE's) computes
> $\sum_j (\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1)$ without the factor $\tfrac{1}{2}$, so the KL it
> prints is twice the real one. `genlab.prob.gaussian_kl` is the closed form with its $\tfrac{1}{2}$:
""", r"""
### VAE (вариационный автокодировщик)

VAE — **латентная** модель: скрытая $z$ с простым prior $p(z) = \mathcal{N}(0, I)$ и декодер $p_\theta(x \mid z)$,
$$p_\theta(x, z) = p_\theta(x \mid z)\,p(z), \qquad p_\theta(x) = \int p_\theta(x \mid z)\,p(z)\,dz.$$
Интеграл не берётся, поэтому энкодер $q_\phi(z \mid x)$ приближает апостериорное распределение, а
обучение максимизирует вариационную нижнюю оценку (ELBO):
$$\log p_\theta(x) \geq \mathcal{L}_{\mathrm{ELBO}}(x) = \mathbb{E}_{z \sim q_\phi(z \mid x)}[\log p_\theta(x \mid z)]
- \mathrm{KL}(q_\phi(z \mid x) \,\|\, p(z)).$$
Для гауссовского энкодера $q_\phi(z \mid x) = \mathcal{N}(\mu, \operatorname{diag}\sigma^2)$ слагаемое KL выписывается явно:
$$\mathrm{KL}(\mathcal{N}(\mu, \sigma^2) \,\|\, \mathcal{N}(0, 1)) = \tfrac{1}{2}\sum_j \big(\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1\big).$$

> **Исправление лекции.** Код VAE в лекции (как и в EAR_VAE) считает
> $\sum_j (\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1)$ без множителя $\tfrac{1}{2}$, поэтому печатаемый KL
> вдвое больше настоящего. `genlab.prob.gaussian_kl` — точная формула с её $\tfrac{1}{2}$:
"""),
    code("""
import numpy as np
from genlab.prob import gaussian_kl

mu, sigma = np.array([0.5, -1.0, 2.0]), np.array([0.8, 1.5, 0.3])
{"genlab": float(gaussian_kl(mu, sigma).sum()), "without 1/2 (lecture)": float(np.sum(mu**2 + sigma**2 - np.log(sigma**2) - 1))}
"""),
    md(r"""
The lecture's example is an audio VAE: encode speech to a latent sequence, decode it back.

> **Correction to the lecture.** The lecture's audio cell uses `json` without importing it, and
> needs `torchaudio`, `datasets` and a download of LibriSpeech and of EAR_VAE's code (which it then
> imports). Here every import is in the cell, the clip is one of genlab's shipped speech clips,
> and the model is genlab's own speech VAE (EAR_VAE loads into the same code when its files are present).
""", r"""
Пример лекции — аудио-VAE: закодировать речь в латентную последовательность и декодировать обратно.

> **Исправление лекции.** Аудиоячейка лекции использует `json`, не импортировав его, и требует
> `torchaudio`, `datasets` и скачивания LibriSpeech и кода EAR_VAE (который затем импортирует).
> Здесь все импорты — в самой ячейке, клип — один из речевых клипов, поставляемых с genlab, а
> модель — собственный речевой VAE genlab (EAR_VAE загружается в тот же код, если его файлы есть).
"""),
    code("""
import torch
from IPython.display import Audio, display
from genlab.families.vae.pipeline import load_audio_model, load_clip, random_clip
from genlab.prob import gaussian_kl

vae = load_audio_model("lab")
wave = load_clip(vae, random_clip(0), 1.5)                     # (channels, samples) at vae.sample_rate
with torch.no_grad():
    mu, sigma = vae.encode(torch.from_numpy(wave)[None])       # q(z | x): each (1, latent channels, frames)
    reconstruction = vae.decode(mu)[0].numpy()                 # the decoder at z = mu
print("latent", tuple(mu.shape), "KL per frame (nats):", float(gaussian_kl(mu, sigma).sum(1).mean()))
display(Audio(wave, rate=vae.sample_rate), Audio(reconstruction, rate=vae.sample_rate))
"""),
    md(r"""
The widget: upload or pick a clip, encode → latent → reconstruct, sample $z \sim \mathcal{N}(0, I)$ and decode,
and walk through the 2-D latent of a digit VAE:
""", r"""
Виджет: загрузите или выберите клип, кодируйте → латент → восстановление, сэмплируйте
$z \sim \mathcal{N}(0, I)$ и декодируйте, пройдитесь по двумерному латенту VAE на цифрах:
"""),
    code("""
import genlab.widgets

genlab.widgets.vae(lang=LANG)
"""),

    # ------------------------------------------------------------------ 3.4 diffusion
    md(r"""
### Diffusion models

A diffusion model generates by **reversing a gradual noising**. A fixed forward process destroys
the structure of $x_0$ step by step,
$$q(x_t \mid x_0) = \mathcal{N}\big(\sqrt{\bar\alpha_t}\,x_0,\ (1 - \bar\alpha_t) I\big),$$
until $x_T$ is close to $\mathcal{N}(0, I)$; a network learns the reverse chain
$x_T \to x_{T-1} \to \dots \to x_0$, one denoising step at a time. Like a VAE it is trained on a
variational lower bound on $\log p_\theta(x)$, here split into local tasks (predict the noise added
at step $t$), which makes training stable and covers the modes well. The price is **iterative**
sampling: many network evaluations (NFE) per sample; better solvers (DDIM, DEIS, DPM-Solver++)
need fewer steps, and latent diffusion runs the chain on a compact latent.

genlab's lab model draws 28×28 digits with the lecture's DEIS scheduler and classifier-free guidance:
""", r"""
### Диффузионные модели

Диффузионная модель порождает объект, **обращая постепенное зашумление**. Фиксированный прямой
процесс шаг за шагом разрушает структуру $x_0$,
$$q(x_t \mid x_0) = \mathcal{N}\big(\sqrt{\bar\alpha_t}\,x_0,\ (1 - \bar\alpha_t) I\big),$$
пока $x_T$ не станет близок к $\mathcal{N}(0, I)$; нейросеть выучивает обратную цепочку
$x_T \to x_{T-1} \to \dots \to x_0$, по одному шагу расшумления. Как и VAE, её обучают на
вариационной нижней оценке $\log p_\theta(x)$, но разбитой на локальные задачи (предсказать шум,
добавленный на шаге $t$): обучение стабильно и хорошо покрывает моды. Цена — **итеративное**
семплирование: много вычислений сети (NFE) на один сэмпл; лучшие решатели (DDIM, DEIS, DPM-Solver++)
обходятся меньшим числом шагов, а латентная диффузия ведёт цепочку в компактном латентном пространстве.

Лабораторная модель genlab рисует цифры 28×28 с планировщиком DEIS из лекции и classifier-free guidance:
"""),
    code("""
from genlab.families.diffusion.pipeline import DiffusionRequest, generate

digits = generate(DiffusionRequest(digit="7", n=8, scheduler="deis", nfe=10, guidance=3.0, seed=0, lang=LANG))
digits.show()
"""),
    md(r"""
The 2-D toy model shows the particles' paths from noise to data; the widget has the lecture's
SDXL + DEIS controls (NFE, guidance, size, number of images) on all three models:
""", r"""
Двумерная игрушечная модель показывает пути частиц от шума к данным; в виджете — органы управления
SDXL + DEIS из лекции (NFE, guidance, размер, число изображений) для всех трёх моделей:
"""),
    code("""
from genlab.families.diffusion.pipeline import DiffusionRequest, generate

generate(DiffusionRequest.for_model("toy2d", toy="moons", n=200, nfe=20, lang=LANG)).show()
"""),
    code("""
import genlab.widgets

genlab.widgets.diffusion(lang=LANG)
"""),
    md(r"""
The lecture's SDXL base 1.0 with DEIS (25 steps, guidance 6, one 1024×1024 image), only if it is
already in the local Hugging Face cache (it needs a GPU to be quick):
""", r"""
SDXL base 1.0 из лекции с DEIS (25 шагов, guidance 6, одно изображение 1024×1024), только если модель
уже есть в локальном кэше Hugging Face (быстро она работает только на GPU):
"""),
    code("""
from genlab.families.diffusion.pipeline import SDXL, DiffusionRequest, generate
from genlab.info import pretrained_available

if pretrained_available(SDXL):
    display(generate(DiffusionRequest.for_model(SDXL, lang=LANG)).show())
else:
    print(f"{SDXL}: not on this machine")
"""),

    # ------------------------------------------------------------------ 4. ethics
    md(r"""
## 4. Ethics of generative AI

A generative model approximates the data distribution, $p_\theta \approx p^*$ in the KL sense. It
reproduces the frequencies, correlations and modes of its data exactly as far as they are in the
sample: it does not "fix" the data, and a bias in $p^*$ is, statistically, part of what it should
learn. Fairness is therefore an external constraint, imposed by changing the training distribution
(reweighting, filtering), constraining generation, or post-processing samples; each costs fit to
the original data. If a group has frequency $p$ in the data and the rule asks for $t$, no model
can do better than losing $\mathrm{KL}(\mathrm{Bern}(t) \,\|\, \mathrm{Bern}(p))$ nats per point. The
experiment: a mixture fitted to data where group B is rare, and the remedies side by side:
""", r"""
## 4. Этика генеративного ИИ

Генеративная модель приближает распределение данных: $p_\theta \approx p^*$ в смысле KL. Она
воспроизводит частоты, корреляции и моды данных ровно в той мере, в какой они есть в выборке: она не
«исправляет» данные, и перекос в $p^*$ статистически — часть того, что она должна выучить. Поэтому
справедливость — внешнее ограничение: его вводят, меняя обучающее распределение (перевзвешивание,
фильтрация), ограничивая генерацию или обрабатывая сэмплы; каждое из них стоит качества
приближения исходных данных. Если у группы в данных частота $p$, а правило требует $t$, никакая
модель не потеряет меньше $\mathrm{KL}(\mathrm{Bern}(t) \,\|\, \mathrm{Bern}(p))$ нат на точку.
Эксперимент: смесь, обученная на данных, где группа B редка, и способы исправления рядом:
"""),
    code("""
from genlab.ethics.pipeline import BiasRequest, experiment

bias = experiment(BiasRequest(minority=0.1, target=0.5, n_train=1000, n_test=1000, n_samples=1000, lang=LANG))
print("least fit any model gives up at the target (nats per point):", round(bias.experiment.price, 3))
for row in bias.table():
    print(row)
bias.show()
"""),
    md(r"""
A model optimises plausibility, not truth: a fluent false statement can be as likely as a true one
(*hallucinations* are a consequence of probabilistic generation, not a malfunction). Generation at
scale changes the information environment, and deepfakes are conditional generation $x \sim p_\theta(x \mid y)$
with $y$ a real person. So every output genlab writes carries its provenance — model, seed,
parameters, "AI-generated" — in the file's metadata, and images and audio an invisible watermark
that `genlab verify` finds again:
""", r"""
Модель оптимизирует правдоподобие, а не истинность: гладкое ложное утверждение может быть столь же
вероятным, как истинное (*галлюцинации* — следствие вероятностной генерации, а не сбой). Генерация в
масштабе меняет информационную среду, а дипфейк — это условная генерация $x \sim p_\theta(x \mid y)$,
где $y$ — реальный человек. Поэтому каждый файл, который пишет genlab, несёт своё происхождение —
модель, сид, параметры, «AI-generated» — в метаданных, а изображения и звук ещё и невидимый водяной
знак, который снова находит `genlab verify`:
"""),
    code("""
import tempfile
from pathlib import Path
from genlab.families.gan.pipeline import GanRequest, generate
from genlab.provenance import save_image, verify_report

digits = generate(GanRequest(class_id=5, n=4, seed=0))
path = save_image(digits.show(), Path(tempfile.mkdtemp()) / "digits.png", digits.provenance)
verify_report(path)
"""),
    md(r"""
The bias experiment and its remedies, the ethics pages and a file checker, as one widget:
""", r"""
Эксперимент со смещением и способы его исправить, страницы об этике и проверка файла — одним виджетом:
"""),
    code("""
import genlab.widgets

genlab.widgets.ethics(lang=LANG)
"""),
]


def notebook(lang: str):
    """The notebook in ``lang``, outputs empty."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell(c[lang]) if isinstance(c, dict) else new_code_cell(c.replace("LANG", repr(lang)))
             for c in CELLS]
    for i, cell in enumerate(cells):
        cell["id"] = f"{lang}-{i:02d}"   # stable ids: rebuilding changes nothing that did not change
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def path(lang: str) -> Path:
    return HERE / f"lecture_{lang}.ipynb"


def main(argv=None) -> int:
    import nbformat

    argv = sys.argv[1:] if argv is None else argv
    stale = []
    for lang in LANGS:
        text = nbformat.writes(notebook(lang)) + "\n"
        if "--check" in argv:
            if not path(lang).is_file() or path(lang).read_text(encoding="utf-8") != text:
                stale.append(path(lang).name)
        else:
            path(lang).write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date (run python notebooks/build.py): {', '.join(stale)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
