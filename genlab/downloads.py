"""Whether this process may download pretrained models: the decision of whoever started it.

``genlab serve --allow-downloads`` or a CLI command's ``--allow-download`` turns downloads on;
no request from a web client can (the app's controls have no such switch; the pretrained
loaders read ``allowed()``). Otherwise the Hugging Face libraries run offline: the switches
they read are set before they are imported (``HF_HUB_OFFLINE`` and friends, so neither a
connection nor a name lookup is made, telemetry included), and loaders pass
``local_files_only=True``.
"""

from __future__ import annotations

import os
import sys

OFFLINE_SWITCHES = {
    "HF_HUB_OFFLINE": "1",             # huggingface_hub, and through it transformers and diffusers
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DISABLE_TELEMETRY": "1",          # diffusers' and transformers' own telemetry switch
}

_allowed = False
_set_here: set[str] = set()   # switches this module set (and may take back)


def allowed() -> bool:
    """True only if the operator allowed downloads in this process."""
    return _allowed


def configure(allow_downloads: bool) -> None:
    """Decide for the whole process; call it before the pretrained libraries are imported.

    Offline, the switches are set in the environment (a switch the user set is left as it is)
    and, for a library already imported, in the module constants it read them into.
    """
    global _allowed
    _allowed = bool(allow_downloads)
    for name, value in OFFLINE_SWITCHES.items():
        if not _allowed and name not in os.environ:
            os.environ[name] = value
            _set_here.add(name)
        elif _allowed and name in _set_here:
            del os.environ[name]
            _set_here.discard(name)
    offline = os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE")
    for module_name in ("huggingface_hub.constants", "diffusers.utils.hub_utils",
                        "diffusers.loaders.lora_base", "diffusers.models.attention_dispatch"):
        module = sys.modules.get(module_name)
        if module is not None and hasattr(module, "HF_HUB_OFFLINE"):
            module.HF_HUB_OFFLINE = offline
