"""Footnote's web app (Gradio): ``ui.app`` lays out the page from one module per tab (``ask``,
``corpus``), with the chat's and panel's rendering (``render``), the conversation the browser keeps
(``storage``), the page's script and style (``assets``), how handlers name their updates
(``updates``) and how the app is served (``serve``). ``python app.py`` starts it."""
