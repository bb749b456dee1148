"""Views hold no shared mutable state, and every built Jupyter widget builds."""

import importlib
import types

import pytest

from genlab.app.tabs import SECTIONS


@pytest.mark.parametrize("name", SECTIONS)
def test_tab_has_no_shared_mutable_state(name):
    """Module-level lists/dicts/sets would be shared by every user of the server: only
    UPPER_CASE constant tables are allowed; per-user state belongs in gr.State."""
    module = importlib.import_module(f"genlab.app.tabs.{name}")
    offenders = [key for key, value in vars(module).items()
                 if isinstance(value, (list, dict, set, bytearray))
                 and not key.isupper() and not key.startswith("__")]
    assert not offenders, f"mutable module-level state in tab {name}: {offenders}"


@pytest.mark.parametrize("name", SECTIONS)
def test_widget_builds_or_says_not_built(name):
    import ipywidgets

    import genlab.widgets as w

    factory = getattr(w, name)
    assert isinstance(factory, types.FunctionType)
    if name not in w.built():
        with pytest.raises(NotImplementedError, match="not built yet"):
            factory()
        return
    assert isinstance(factory(), ipywidgets.Widget)


def test_widget_stays_a_function_after_its_module_is_imported():
    import importlib

    import genlab.widgets as w

    for name in w.built():
        importlib.import_module(f"genlab.widgets.{name}_widget")
        assert callable(getattr(w, name)) and isinstance(getattr(w, name), types.FunctionType)
