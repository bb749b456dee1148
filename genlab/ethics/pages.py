"""The lecture's ethics section as readable pages, in English and Russian.

Each page is ``(key, title, markdown, demos)``; ``demos`` are the app tabs (by section id:
probability, discriminative, taxonomy, autoregressive, gan, vae, diffusion, ethics) whose live
demo shows the page's point, with the text of the link. The Russian text follows the lecture
(``seed/lecture.md``, "Этические аспекты генеративного ИИ"); the English is its translation.
``"ethics#bias"`` and ``"ethics#verify"`` point to the experiment and the verify box in the
Ethics tab itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    body: str                      # markdown, $...$ for math
    demos: tuple                   # ((section id, link text), ...)


PAGES_EN = (
    Page("intro", "Ethics follows from the mathematics",
         "The ethical and social effects of generative models cannot be analysed apart from their "
         "mathematical setting. Generative AI is not a system that takes normative decisions: it "
         "approximates the empirical data distribution $p^*(x)$ by a parametric distribution "
         "$p_\\theta(x)$, trained by maximising likelihood or its variational and implicit "
         "analogues.\n\n"
         "So whatever effects its use has come first from **the training distribution, the way it "
         "is approximated and the way samples are used**, not from the model's \"intentions\" or "
         "\"mistakes\".",
         (("discriminative", "Maximum likelihood = minimum KL: fit a mixture by EM"),)),
    Page("replicator", "A generative model replicates the statistics of its data",
         "At the optimum a generative model reproduces the structure of $p^*(x)$ in the KL sense: "
         "$p_\\theta \\approx p^*$. It reproduces the data's *frequencies*, *correlations* and "
         "*modes* exactly as far as they are present in the sample.\n\n"
         "Hence: **a generative model does not \"correct\" the data or \"clean\" it of social or "
         "semantic skews** -- it approximates them faithfully. Any systematic bias in the data is a "
         "statistically significant part of $p^*(x)$ and is carried into $p_\\theta(x)$. In this "
         "sense generative AI *amplifies* the structure of existing data rather than interpreting "
         "it.\n\n"
         "**See it:** in the experiment below, a mixture and a normalising flow trained on data "
         "where group B is 10% generate about 10% B.",
         (("ethics#bias", "The bias-replication experiment"),
          ("probability", "Samples from a density reproduce its mass"))),
    Page("fairness", "Bias and fairness are external constraints, not properties of the model",
         "Bias and fairness are not internal properties of a probabilistic model. They are defined "
         "**outside** the probabilistic setting -- by social, legal or application requirements on "
         "acceptable outputs. If a model is trained on data where groups, roles or attributes are "
         "unevenly represented, reproducing that unevenness is the statistically correct result: "
         "from the point of view of MLE or the ELBO there is no optimisation error.\n\n"
         "Fairness requirements can therefore only be implemented as:\n"
         "- a change of the training distribution (**reweighting, filtering**);\n"
         "- additional **constraints** on the model or the space of generation;\n"
         "- **post-processing** of samples;\n"
         "- or context-dependent rules for using the model.\n\n"
         "**Fairness is not the goal of generative training**; it is an additional normative "
         "constraint that must be stated explicitly and does not follow from the model.\n\n"
         "**Measured below:** every remedy moves the rare group to the target frequency, and every "
         "one pays in fit on the original data at least $\\mathrm{KL}(\\mathrm{Bern}(p)\\,\\|\\,"
         "\\mathrm{Bern}(t))$ nats per point (0.37 for $p = 0.1$, $t = 0.5$): a model cannot be "
         "both faithful to the data and fair by a rule the data does not satisfy.",
         (("ethics#bias", "Reweighting, filtering, a quota, post-processing: numbers and plots"),)),
    Page("hallucination", "Plausibility versus truth: where hallucinations come from",
         "A generative model optimises likelihood, not truth. A sample $x \\sim p_\\theta(x)$ is "
         "\"good\" if it is statistically typical, consistent with the context and lies in a "
         "region of high density. Checking facts, causal consistency or agreement with the outside "
         "world is not part of this objective. So *hallucinations* are not a malfunction but a "
         "**natural consequence of probabilistic generation under incomplete or contradictory "
         "information**.\n\n"
         "This is sharpest in language models: the space of sequences is enormous, and the set of "
         "\"plausible but false\" statements has non-zero probability -- for the model they are "
         "valid samples of $p_\\theta(x)$. Fighting hallucinations cannot be reduced to \"a better "
         "architecture\": it needs external verification, or a strict separation between "
         "generating text and asserting facts.\n\n"
         "**See it:** the autoregressive tab colours every generated token by its probability and "
         "scores a true and a false statement side by side.",
         (("autoregressive", "Token probabilities: plausibility is not truth"),)),
    Page("disinformation", "Disinformation at scale is a systemic effect",
         "Classical disinformation was limited by the cost of producing content. Generative models "
         "remove that limit: plausible texts, images and videos can be produced at almost no "
         "cost. In terms of the model: if $p_\\theta(x)$ approximates the distribution of "
         "\"natural\" content well, sampling from it many times can change the information "
         "environment statistically, even if each single sample is indistinguishable from a real "
         "one. The key factor is **scale**, not the quality of one generation.\n\n"
         "**What genlab does about it:** every file it writes says that it is AI-generated, in the "
         "format's own metadata, and images and audio carry an invisible watermark that survives "
         "the metadata being stripped. Check any file with the verify box below or "
         "`genlab verify FILE`.",
         (("ethics#verify", "Verify a file: metadata and watermark"),
          ("diffusion", "Generate many images in one run"))),
    Page("deepfake", "Deepfakes are conditional generation of identities",
         "Deepfake technology is a special case of conditional generation, "
         "$x \\sim p_\\theta(x \\mid y)$, where the condition $y$ encodes the features of a "
         "particular person (appearance, voice, manner of speaking). Mathematically it adds no new "
         "mechanism; the difference is in the **meaning of the condition**: it is a real person, "
         "and the result may be taken as documentary evidence.\n\n"
         "The ethical risk arises not in the model but in interpretation and use: when samples "
         "leave an artistic or synthetic context and start to function as statements about real "
         "people and events.",
         (("gan", "Conditional generation: pick the class y, get x ~ p(x | y)"),
          ("vae", "Encode a voice and decode it again"),
          ("ethics#verify", "Provenance: say what is synthetic"))),
    Page("frame", "The closing frame: ethics is part of system design",
         "The ethical problems of generative AI are not anomalies or side effects; they follow "
         "logically from the very idea of modelling the data distribution. A generative model\n"
         "- does not distinguish the norm from a deviation;\n"
         "- does not optimise truth or fairness;\n"
         "- carries no built-in social constraints.\n\n"
         "So ethics in generative AI must be treated as **part of the design of the whole system** "
         "-- data, training, inference and the scenarios of use -- not as a property of one neural "
         "architecture. In genlab that means: provenance and a watermark on every output, remedies "
         "for bias stated as explicit constraints with their measured price, and token "
         "probabilities shown next to fluent text.",
         (("ethics#bias", "The remedies, with their price"),
          ("ethics#verify", "Provenance on every output"),
          ("taxonomy", "What each family can and cannot tell about p(x)"))),
)

PAGES_RU = (
    Page("intro", "Этика следует из математики",
         "Этические и социальные эффекты генеративных моделей нельзя корректно анализировать в "
         "отрыве от их математической постановки. Генеративный ИИ не является системой принятия "
         "нормативных решений; он представляет собой механизм приближения эмпирического "
         "распределения данных $p^*(x)$ некоторым параметрическим распределением $p_\\theta(x)$, "
         "обучаемым по принципу максимизации правдоподобия или его вариационных/неявных "
         "аналогов.\n\n"
         "Следовательно, любые эффекты применения таких моделей в первую очередь обусловлены "
         "**свойствами обучающего распределения, способом его аппроксимации и режимом "
         "использования сэмплов**, а не «намерениями» или «ошибками» модели как таковой.",
         (("discriminative", "Максимум правдоподобия = минимум KL: смесь, обученная EM"),)),
    Page("replicator", "Генеративная модель как статистический репликатор данных",
         "В пределе оптимизации генеративная модель стремится воспроизвести структуру "
         "распределения $p^*(x)$ в KL-смысле: $p_\\theta \\approx p^*$. Модель воспроизводит "
         "*частоты*, *корреляции* и *модальности* данных ровно в той мере, в какой они "
         "представлены в выборке.\n\n"
         "Отсюда: **генеративная модель не «исправляет» данные и не «очищает» их от социальных "
         "или семантических перекосов**, а корректно их аппроксимирует. Любые систематические "
         "смещения (bias) в данных — статистически значимая часть $p^*(x)$ и переносятся в "
         "$p_\\theta(x)$. Генеративный ИИ — *усилитель* существующих структур данных, а не их "
         "интерпретатор.\n\n"
         "**Посмотрите сами:** в эксперименте ниже смесь и нормализующий поток, обученные на "
         "данных, где группы B 10%, генерируют около 10% B.",
         (("ethics#bias", "Эксперимент: воспроизведение смещения"),
          ("probability", "Сэмплы из плотности воспроизводят её массу"))),
    Page("fairness", "Bias и fairness как внешние ограничения, а не свойства модели",
         "Понятия bias и fairness не являются внутренними характеристиками вероятностной модели. "
         "Они определяются **вне** вероятностной постановки — через социальные, правовые или "
         "прикладные требования к допустимым результатам генерации. Если модель обучена на "
         "данных с неравномерным представлением групп, ролей или атрибутов, то воспроизведение "
         "этого неравенства — статистически корректный результат обучения: с точки зрения MLE "
         "или ELBO здесь нет ошибки оптимизации.\n\n"
         "Поэтому требования fairness могут быть реализованы только как:\n"
         "- модификация обучающего распределения (**reweighting, filtering**);\n"
         "- дополнительные **ограничения** на модель или пространство генерации;\n"
         "- **пост-обработка** сэмплов;\n"
         "- или контекстно-зависимые правила использования модели.\n\n"
         "**Fairness — не цель генеративного обучения**, а дополнительное нормативное "
         "ограничение, которое должно быть задано явно.\n\n"
         "**Измерено ниже:** каждая мера доводит редкую группу до целевой частоты, и каждая "
         "платит в качестве подгонки исходных данных не меньше $\\mathrm{KL}(\\mathrm{Bern}(p)"
         "\\,\\|\\,\\mathrm{Bern}(t))$ нат на точку (0,37 при $p = 0,1$, $t = 0,5$): модель не "
         "может быть одновременно верной данным и «справедливой» по правилу, которому данные "
         "не удовлетворяют.",
         (("ethics#bias", "Перевзвешивание, фильтрация, квота, пост-обработка: числа и графики"),)),
    Page("hallucination", "Правдоподобие против истинности: природа галлюцинаций",
         "Генеративная модель оптимизирует правдоподобие, а не истинность. Сэмпл "
         "$x \\sim p_\\theta(x)$ считается «качественным», если он статистически типичен, "
         "согласован с контекстом и лежит в области высокой плотности. Проверка фактической "
         "корректности, каузальной согласованности или соответствия внешней реальности в эту "
         "постановку не входит. Поэтому *галлюцинации* — не сбой, а **естественное следствие "
         "вероятностной генерации в условиях неполной или противоречивой информации**.\n\n"
         "Особенно остро это проявляется в языковых моделях: пространство последовательностей "
         "огромно, а «правдоподобные, но ложные» утверждения имеют ненулевую вероятность — для "
         "модели это допустимые сэмплы из $p_\\theta(x)$. Борьба с галлюцинациями требует "
         "внешних механизмов верификации или жёсткого разделения между генерацией и "
         "утверждением фактов.\n\n"
         "**Посмотрите сами:** во вкладке авторегрессионных моделей каждый токен окрашен по его "
         "вероятности, а истинное и ложное утверждения оценены рядом.",
         (("autoregressive", "Вероятности токенов: правдоподобие — не истина"),)),
    Page("disinformation", "Масштабирование дезинформации как системный эффект",
         "Классическая дезинформация была ограничена стоимостью производства контента. "
         "Генеративные модели снимают это ограничение. Если $p_\\theta(x)$ хорошо аппроксимирует "
         "распределение «естественного» контента, многократное семплирование из $p_\\theta$ "
         "способно статистически изменить информационную среду, даже если каждый отдельный сэмпл "
         "неотличим от реального. Ключевой фактор — **масштаб**, а не качество единичной "
         "генерации.\n\n"
         "**Что делает genlab:** каждый записанный им файл говорит, что он сгенерирован ИИ, в "
         "метаданных своего формата, а изображения и звук несут невидимый водяной знак, который "
         "остаётся, даже если метаданные удалены. Проверьте любой файл в поле проверки ниже или "
         "командой `genlab verify FILE`.",
         (("ethics#verify", "Проверить файл: метаданные и водяной знак"),
          ("diffusion", "Сгенерировать много изображений за один запуск"))),
    Page("deepfake", "Deepfake и условная генерация идентичностей",
         "Deepfake — частный случай условной генерации $x \\sim p_\\theta(x \\mid y)$, где условие "
         "$y$ кодирует признаки конкретного человека (внешность, голос, манеру речи). "
         "Математически новых механизмов нет; отличие — в **семантике условия**: оно "
         "соответствует реальной личности, а результат может быть воспринят как документальное "
         "свидетельство.\n\n"
         "Этический риск возникает не на уровне модели, а на уровне интерпретации и применения: "
         "когда сэмплы выходят за рамки художественного или синтетического контекста и начинают "
         "функционировать как утверждения о реальных людях и событиях.",
         (("gan", "Условная генерация: выберите класс y, получите x ~ p(x | y)"),
          ("vae", "Закодировать голос и декодировать его снова"),
          ("ethics#verify", "Происхождение: сказать, что синтетическое"))),
    Page("frame", "Заключительная рамка: этика — часть дизайна системы",
         "Этические проблемы генеративного ИИ не являются аномалиями или побочными эффектами; "
         "они логически следуют из самой идеи вероятностного моделирования данных. "
         "Генеративная модель\n"
         "- не различает норму и отклонение;\n"
         "- не оптимизирует истинность или справедливость;\n"
         "- не несёт встроенных социальных ограничений.\n\n"
         "Поэтому этика должна рассматриваться как **часть дизайна системы в целом** — данные, "
         "обучение, инференс и сценарии применения, — а не как свойство отдельной архитектуры. "
         "В genlab это значит: происхождение и водяной знак на каждом результате, меры против "
         "смещения как явные ограничения с измеренной ценой и вероятности токенов рядом с "
         "гладким текстом.",
         (("ethics#bias", "Меры и их цена"),
          ("ethics#verify", "Происхождение каждого результата"),
          ("taxonomy", "Что каждое семейство может и не может сказать о p(x)"))),
)

PAGES = {"en": PAGES_EN, "ru": PAGES_RU}
SECTIONS = ("probability", "discriminative", "taxonomy", "autoregressive", "gan", "vae",
            "diffusion", "ethics")


def pages(lang: str = "en") -> tuple[Page, ...]:
    from genlab.i18n import Translator

    Translator(None, lang)          # validates lang with the usual message
    return PAGES[lang]
