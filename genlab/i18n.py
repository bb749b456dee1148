"""English and Russian text for every view.

Each view module keeps its own ``STRINGS = {"en": {...}, "ru": {...}}`` table beside the code that
uses it; ``Translator`` looks keys up in that table, then in ``COMMON``. A test checks that every
table has the same keys in both languages.
"""

from __future__ import annotations

LANGS = ("en", "ru")
LANG_NAMES = {"en": "English", "ru": "Русский"}

COMMON = {
    "en": {
        "seed": "Seed (-1 = random)",
        "generate": "Generate",
        "stop": "Stop",
        "download": "Download",
        "not_built": "This family is not built yet in genlab. It is planned; see the project's issues.",
        "error": "Error",
        "language": "Language",
        "ai_generated": "AI-generated",
    },
    "ru": {
        "seed": "Сид (-1 = случайный)",
        "generate": "Сгенерировать",
        "stop": "Стоп",
        "download": "Скачать",
        "not_built": "Это семейство моделей в genlab ещё не построено. Оно запланировано; см. задачи проекта.",
        "error": "Ошибка",
        "language": "Язык",
        "ai_generated": "Сгенерировано ИИ",
    },
}

ERROR_TEMPLATES = {
    "en": {
        "not_number": "{param}: expected a number, got {value}",
        "not_finite": "{param}: must be finite, got {value}",
        "not_integer": "{param}: must be an integer, got {value}",
        "out_of_range": "{param}: {value} is outside the allowed range {interval}",
        "not_choice": "{param}: {value} is not one of: {choices}",
        "empty_text": "{param}: must not be empty",
        "text_too_long": "{param}: {length} characters is more than the limit of {max_chars}",
        "not_array": "{param}: expected an array of numbers",
        "bad_ndim": "{param}: expected a {expected}-D array, got {got}-D",
        "bad_shape": "{param}: expected shape {expected}, got {got}",
        "too_few_rows": "{param}: needs at least {min_rows} rows, got {got}",
        "not_finite_array": "{param}: contains NaN or infinite values",
        "singular": "{param}: the matrix is singular or not positive definite",
        "bad_file": "{param}: cannot read the file: {reason}",
        "file_too_large": "{param}: the file is {size_mb:.1f} MB, above the limit of {limit_mb:.0f} MB",
        "unavailable": "{param}: {reason}",
        "checkpoint_missing": "{param}: nothing to resume: no checkpoint in {folder}",
        "checkpoint_invalid": "{param}: {folder}/{file} is not a genlab checkpoint",
        "checkpoint_no_weights": "{param}: the checkpoint's weights file {file} is missing from {folder}",
        "checkpoint_mismatch": "{param}: {folder}/{file} does not match {state} (torn or replaced); "
                               "the checkpoint cannot be trusted",
        "custom": "{param}: {text_en}",
    },
    "ru": {
        "not_number": "{param}: ожидалось число, получено {value}",
        "not_finite": "{param}: должно быть конечным числом, получено {value}",
        "not_integer": "{param}: должно быть целым, получено {value}",
        "out_of_range": "{param}: {value} вне допустимого диапазона {interval}",
        "not_choice": "{param}: {value} не входит в список: {choices}",
        "empty_text": "{param}: не может быть пустым",
        "text_too_long": "{param}: {length} символов — больше предела {max_chars}",
        "not_array": "{param}: ожидался массив чисел",
        "bad_ndim": "{param}: ожидался {expected}-мерный массив, получен {got}-мерный",
        "bad_shape": "{param}: ожидалась форма {expected}, получена {got}",
        "too_few_rows": "{param}: нужно не меньше {min_rows} строк, получено {got}",
        "not_finite_array": "{param}: содержит NaN или бесконечные значения",
        "singular": "{param}: матрица вырождена или не положительно определена",
        "bad_file": "{param}: не удаётся прочитать файл: {reason}",
        "file_too_large": "{param}: файл {size_mb:.1f} МБ, больше предела {limit_mb:.0f} МБ",
        "unavailable": "{param}: {reason}",
        "checkpoint_missing": "{param}: нечего продолжать: в {folder} нет контрольной точки",
        "checkpoint_invalid": "{param}: {folder}/{file} — не контрольная точка genlab",
        "checkpoint_no_weights": "{param}: в {folder} нет файла весов контрольной точки {file}",
        "checkpoint_mismatch": "{param}: {folder}/{file} не совпадает с {state} (файл повреждён или "
                               "заменён); контрольной точке нельзя доверять",
        "custom": "{param}: {text_ru}",
    },
}


def format_error(param: str, code: str, details: dict, lang: str = "en") -> str:
    templates = ERROR_TEMPLATES.get(lang, ERROR_TEMPLATES["en"])
    template = templates.get(code, ERROR_TEMPLATES["en"].get(code, "{param}: invalid ({code})"))
    fields = {"param": param, "code": code, "text_en": "", "text_ru": ""}
    fields.update(details)
    if not fields["text_ru"]:
        fields["text_ru"] = fields["text_en"]
    return template.format(**fields)


class Translator:
    """``tr(key, **fields)``: the text for ``key`` in ``lang`` from a view's table or COMMON."""

    def __init__(self, strings: dict[str, dict[str, str]] | None, lang: str = "en"):
        if lang not in LANGS:
            raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
        self.lang = lang
        self.table = {**COMMON[lang], **((strings or {}).get(lang, {}))}

    def __call__(self, key: str, **fields) -> str:
        text = self.table[key]
        return text.format(**fields) if fields else text

    def error(self, err: Exception) -> str:
        """A user-facing message for an exception, in this language."""
        from genlab.errors import InputError

        if isinstance(err, InputError):
            return err.message(self.lang)
        return str(err)
