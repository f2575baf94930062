"""Domain knowledge shipped with esglens: the KPI catalog, units, topics, templates (YAML files).

``load_data("kpis.yaml")`` parses a file once per process with libyaml when PyYAML has it (about
ten times faster than the pure-Python parser: the catalog alone took 0.2 s a load).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_data(name: str) -> Any:
    """The parsed data file ``name`` from this package (cached; callers must not mutate it)."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
