"""Modules imported on first use.

WeasyPrint takes about half a second to import (pango, harfbuzz, fontconfig). The URL
configuration imports every view module, so the print views hold the PDF package through
`LazyModule`: the web server and every management command start without it, and the first
print imports it. Attribute access goes to the real module each time, so a test that patches
the module patches what the views use.
"""

import importlib
from types import ModuleType


class LazyModule:
    def __init__(self, name: str):
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)

    def __getattr__(self, attribute: str):
        return getattr(self._module(), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
