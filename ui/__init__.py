"""Footnote's web app (Gradio): ``ui.app`` lays out the page from one module per tab (``ask``,
``corpus``), with the chat's and panel's rendering (``render``), the conversation the browser keeps
(``storage``), the page's script and style (``assets``), how handlers name their updates
(``updates``) and how the app is served (``serve``). ``python app.py`` starts it.

Importing this package first tells Gradio not to rewrite its own type stubs (``_SkipStubWriting``).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys


class _SkipStubWriting(importlib.abc.MetaPathFinder):
    """Gradio (6.x) regenerates the ``.pyi`` type stub of each of its ~80 components every time it is
    imported (``gradio.component_meta.create_or_modify_pyi``: two ``ast.parse`` of each component's
    source, then a compare-and-write into site-packages). The stubs are for editors and type
    checkers, are shipped in the wheel, and are never read at run time; regenerating them was 1.5 s
    of a 3.8-5.0 s ``import gradio`` here (2.3-3.0 s without), the largest part of the app's
    start-up. This finder lets the module load, then replaces that one function with a no-op. If a
    Gradio release renames or drops it, nothing changes but the time."""

    def find_spec(self, name, path, target=None):
        if name != "gradio.component_meta":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            if hasattr(module, "create_or_modify_pyi"):
                module.create_or_modify_pyi = _no_stubs

        spec.loader.exec_module = exec_module
        return spec


def _no_stubs(*args, **kwargs) -> None:
    return None


if "gradio.component_meta" not in sys.modules:
    sys.meta_path.insert(0, _SkipStubWriting())
