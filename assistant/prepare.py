"""``python -m assistant.prepare``: build the ONNX Runtime exports of the question encoder and the
answer model into the cache folder (``FOOTNOTE_CACHE_DIR``), each checked against its torch model.

`make install` runs it, so that the first question (in the app or from ``footnote ask``) neither
imports torch nor waits for an export. Running it again costs a second: the exports are named by
a hash of the weights they come from, and are kept while those weights do not change.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.scorer import OnnxAnswerScorer, load_scorer
from footnote.settings import get_settings
from ingest.embed import embedder_for


def main() -> int:
    settings = get_settings()
    t0 = time.perf_counter()
    encoder = embedder_for(settings).onnx()
    scorer = load_scorer(settings.model_path(), Path(settings.cache_dir))
    ok = encoder is not None and isinstance(scorer, OnnxAnswerScorer)
    took = time.perf_counter() - t0
    where = settings.cache_dir
    if ok:
        print(f"ONNX Runtime exports ready in {where} ({took:.1f} s)")
        return 0
    print(f"warning: ONNX Runtime unavailable; questions will be answered on torch (slower to start) [{where}]")
    return 0  # torch gives the same answers: not a reason to fail an install


if __name__ == "__main__":
    sys.exit(main())
