"""Handlers' named updates as Gradio reads them: each name to its component, left-out ones unchanged."""

from __future__ import annotations

import inspect

import gradio as gr
import pytest

from ui.updates import bind


def test_named_updates_reach_their_components_and_the_rest_stay_as_they_are():
    with gr.Blocks():
        chat, status, question = gr.Chatbot(), gr.Markdown(), gr.Textbox()

    def clear(turns: list, progress=gr.Progress()) -> dict:
        """Why it clears."""
        return {"status": "cleared", "chat": []}

    bound = bind(clear, {"chat": chat, "question": question, "status": status})

    assert bound["outputs"] == [chat, question, status]  # the order the API returns them in
    assert bound["fn"]([]) == {chat: [], question: gr.skip(), status: "cleared"}
    assert inspect.signature(bound["fn"]) == inspect.signature(clear)  # Gradio reads names and Progress from it
    assert bound["fn"].__doc__ == clear.__doc__  # the API page's description


def test_a_streaming_handler_stays_a_generator():
    with gr.Blocks():
        chat, status = gr.Chatbot(), gr.Markdown()

    def ask(question: str):
        yield {"chat": [question]}
        yield {"chat": [question, "answer"], "status": "done"}

    fn = bind(ask, {"chat": chat, "status": status})["fn"]

    assert inspect.isgeneratorfunction(fn)
    assert list(fn("q")) == [{chat: ["q"], status: gr.skip()}, {chat: ["q", "answer"], status: "done"}]


def test_a_name_that_is_not_an_output_is_an_error():
    with gr.Blocks():
        chat = gr.Chatbot()

    fn = bind(lambda: {"chatt": []}, {"chat": chat})["fn"]

    with pytest.raises(KeyError, match="chatt"):
        fn()
