"""Shipped lab weights: one folder per model, each with config.json, model.safetensors and a
README.md model card naming the command that reproduces it."""

from __future__ import annotations

from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent


def asset_path(name: str) -> Path:
    return ASSETS_DIR / name


def available_lab_models() -> list[str]:
    return sorted(p.name for p in ASSETS_DIR.iterdir()
                  if p.is_dir() and (p / "config.json").is_file())
