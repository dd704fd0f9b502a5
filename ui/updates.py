"""Handlers return their updates by name; ``bind`` turns the names into Gradio's components.

A handler returns (or yields) a dict such as ``{"chat": messages, "status": "…"}``. The names are
those of the components a tab wires it to, and any component left out stays as it is. So no
handler depends on the order of an output list, and handlers stay callable without a page (that
is how they are tested). The order of the outputs still matters to one reader: an API endpoint
returns its non-state outputs in that order, which users' scripts rely on.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import gradio as gr
from gradio.blocks import Block

from ui.render import esc

Updates = dict[str, Any]  # component name → new value or gr.update(...); a name left out is unchanged


def bind(handler: Callable, outputs: dict[str, Block]) -> dict[str, Any]:
    """``fn`` and ``outputs`` for a Gradio event: ``handler``'s named updates as {component: value}.

    ``outputs`` names the components, in the order the API returns them. The wrapper keeps the
    handler's signature (Gradio reads parameter names, ``gr.Progress`` defaults and event types
    from it) and stays a generator when the handler is one, so streaming still streams.
    """

    def by_component(updates: Updates) -> dict[Block, Any]:
        unknown = updates.keys() - outputs.keys()
        if unknown:
            raise KeyError(f"{handler.__name__} updates {sorted(unknown)}, not among its outputs {list(outputs)}")
        # Every output is listed: Gradio reads an empty dict as one value, not as "nothing changes".
        return {component: updates.get(name, gr.skip()) for name, component in outputs.items()}

    if inspect.isgeneratorfunction(handler):

        @functools.wraps(handler)
        def fn(*args: Any) -> Any:
            for updates in handler(*args):
                yield by_component(updates)

    else:

        @functools.wraps(handler)
        def fn(*args: Any) -> Any:
            return by_component(handler(*args))

    return {"fn": fn, "outputs": list(outputs.values())}


def warn(message: str) -> None:
    """A toast; Gradio renders toast text as HTML, so it is escaped like everything else."""
    gr.Warning(esc(message))
