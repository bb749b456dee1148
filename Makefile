# The two front-door commands: `make run` and `make test`. Both create .venv if it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check
PORT   ?= 7860
LANG_UI ?= en

.PHONY: run test docs install install-dev browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed-app: pyproject.toml constraints.txt requirements-data.txt | $(BIN)/python
	$(PIP) install -q -c constraints.txt -e ".[app,audio]"
	$(PIP) install -q --no-deps -r requirements-data.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-app
	$(PIP) install -q -c constraints.txt -e ".[app,audio,pretrained,c2pa,dev]"
	touch $@

install: $(VENV)/.installed-app
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed-app
	$(BIN)/genlab serve --host 127.0.0.1 --port $(PORT) --lang $(LANG_UI)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -ra

# the API reference and "how each family defines p(x)" as static HTML in docs/_build/html (no network);
# (docs/build.py: nitpicky; a broken reference, or any warning in docs/*.rst, fails the build)
docs: $(VENV)/.installed-dev
	$(BIN)/python docs/build.py docs/_build/html

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts docs/_build docs/api
