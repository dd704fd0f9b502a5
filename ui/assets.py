"""The page's own script, style and theme; nothing is fetched from elsewhere."""

import gradio as gr

# Copy buttons live in the sources panel; navigator.clipboard needs a secure context (localhost or
# https), so plain-http access from another machine falls back to a hidden textarea.
COPY_JS = """
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.fn-copy');
  if (!button) return;
  // the paste style chosen beside the sources (ui/compare.py): data-paste-chicago → dataset.pasteChicago
  const style = window.fnPasteStyle || '';
  const styled = style && button.dataset['paste' + style.charAt(0).toUpperCase() + style.slice(1)];
  const text = styled || button.dataset.copy;
  try {
    await navigator.clipboard.writeText(text);
  } catch (err) {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
});
"""

# The sources panel's clicks: a quote's passage (unless text is being selected) or its "Read it in the
# article" button opens the reader view, as a select event whose index is the citation's number.
READ_JS = """
element.addEventListener('click', (event) => {
  if (event.target.closest('button.fn-copy')) return;
  const target = event.target.closest('button.fn-read, .fn-passage');
  if (!target) return;
  if (!target.matches('button') && String(window.getSelection() || '').trim()) return;
  const card = target.closest('button[data-n], details[id^="fn-cite-"]');
  if (!card) return;
  const n = Number(card.dataset.n || card.id.slice('fn-cite-'.length));
  trigger('select', {index: n, value: n});
});
"""
SOURCES_JS = COPY_JS + READ_JS

# After the reader view is drawn: bring the clicked quote's mark into view (the panel scrolls, and the
# page if need be). The new HTML may land a frame or two after the event ends, hence the retries.
READER_JS = """
() => {
  let tries = 0;
  const scroll = () => {
    const box = document.getElementById('fn-reader-panel');
    const mark = document.getElementById('fn-reader-quote');
    if (box && mark && box.offsetParent !== null) {
      // the panel scrolls to the quote, a third of the way down; the page only if the quote is still out of view
      const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
      box.scrollTop = Math.max(0, offset - box.clientHeight / 3);
      const seen = mark.getBoundingClientRect();
      if (seen.top < 0 || seen.bottom > window.innerHeight) mark.scrollIntoView({block: 'center'});
    } else if (tries++ < 40) {
      setTimeout(scroll, 50);
    }
  };
  scroll();
}
"""

SCROLL_JS = """
(n) => {
  const card = document.getElementById('fn-cite-' + n);
  if (card) card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
}
"""

CSS = """
.gradio-container { max-width: 1500px !important; }
#fn-header h1 { margin-bottom: 0; font-size: 1.6rem; }
#fn-header p { margin-top: 0.2rem; color: var(--body-text-color-subdued); }
#fn-tools { align-items: center; }
#fn-sources-column { position: sticky; top: 0.5rem; align-self: flex-start; }
#fn-sources-panel { max-height: 78vh; overflow-y: auto; }
.fn-sources h3 { margin: 0 0 0.6rem; font-size: 1.05rem; }
.fn-empty, .fn-note { color: var(--body-text-color-subdued); font-size: 0.92rem; line-height: 1.5; }
.fn-empty { padding: 1rem; border: 1px dashed var(--border-color-primary); border-radius: 8px; }
.fn-earlier { margin: 0 0 0.6rem; padding: 0.35rem 0.6rem; border-radius: 6px;
  border-left: 3px solid var(--color-accent); background: var(--background-fill-secondary); }
#fn-chat .message { cursor: pointer; }
.fn-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.55rem 0.8rem;
  margin-bottom: 0.6rem; background: var(--block-background-fill); }
.fn-source.fn-selected { border-color: var(--color-accent); box-shadow: 0 0 0 1px var(--color-accent); }
.fn-source summary { cursor: pointer; font-weight: 600; line-height: 1.4; }
.fn-n { color: var(--color-accent); font-variant-numeric: tabular-nums; }
.fn-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0.5rem 0;
  font-size: 0.85rem; }
.fn-facts dt { color: var(--body-text-color-subdued); }
.fn-facts dd { margin: 0; overflow-wrap: anywhere; }
/* the table uses a monospace font inside itself (its own --font), hence the named font */
#fn-table * { font-family: "Source Sans Pro", system-ui, sans-serif !important; }
.fn-passage { white-space: pre-wrap; margin: 0.4rem 0; padding: 0.5rem 0.75rem; font-size: 0.93rem;
  line-height: 1.55; border-left: 3px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.fn-passage mark { background: #fde68a; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
.fn-badge { display: inline-block; font-size: 0.75rem; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.03em; padding: 0.05rem 0.45rem; border-radius: 999px; background: #fee2e2; color: #991b1b; }
.fn-copy { font-size: 0.8rem; padding: 0.2rem 0.6rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); }
.fn-read { font-size: 0.8rem; padding: 0.2rem 0.6rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--color-accent); color: var(--color-accent); background: transparent; }
.fn-source .fn-passage { cursor: pointer; }
.fn-attribution { margin: 0.3rem 0; font-size: 0.9rem; }
.fn-verdict { font-size: 1.1rem !important; }
.fn-diff { white-space: pre-wrap; margin: 0.4rem 0; padding: 0.5rem 0.75rem; font-size: 0.93rem; line-height: 1.55;
  border-left: 3px solid var(--color-accent); background: var(--background-fill-secondary); }
del { background: #fee2e2; color: #991b1b; text-decoration: line-through; }
ins { background: #dcfce7; color: #166534; text-decoration: underline; }
#fn-reader-box { position: sticky; top: 0.5rem; }
#fn-reader-panel { max-height: 78vh; overflow-y: auto; }
.fn-reader { padding: 0.6rem 0.9rem; line-height: 1.6; }
.fn-reader-title { margin: 0 0 0.3rem; font-size: 1.2rem; }
.fn-reader-text p { margin: 0 0 0.7rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.fn-reader-heading { margin: 1rem 0 0.5rem; }
.fn-reader-text p.fn-reader-current { border-left: 3px solid var(--color-accent); padding-left: 0.6rem; }
.fn-mark { background: #fef3c7; color: #1f2937; padding: 0 0.1em; border-radius: 2px; }
.fn-mark.fn-primary { background: #fde68a; box-shadow: 0 0 0 2px #f59e0b; }
.fn-compare-block { margin-bottom: 0.9rem; }
.fn-compare-title { margin: 0.4rem 0 0.1rem; font-size: 1rem; }
.fn-byline { margin: 0 0 0.4rem; }
.fn-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 0.6rem; margin: 0.3rem 0 0.7rem; }
.fn-side { padding: 0.4rem 0.6rem; border-left: 3px solid var(--color-accent); font-size: 0.9rem;
  background: var(--background-fill-secondary); }
#fn-paste-style { max-width: 16rem; }
.fn-copy:hover { background: var(--button-secondary-background-fill-hover); }
"""


# Fonts ship with Gradio and are served by the app itself: the page makes no outside requests.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "system-ui", "sans-serif"],
)
