"""Bad input is refused with the file and the problem named, and changes nothing; odd-but-valid input works."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import docx
import pytest
from pypdf import PdfWriter

from ingest.errors import IngestError, NameTaken
from tests.conftest import LAMI_KIM, SEEDS


def snapshot(library) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    files = {p.name: p.read_bytes() for p in sorted(library.corpus_dir.rglob("*")) if p.is_file()}
    index = sorted((pid, meta["content_hash"]) for pid, _, meta in library.index.store.all_passages())
    return files, index


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_pdf(text: str) -> bytes:
    """A one-page PDF with a real text layer."""
    return pdf_of_pages([text])


def pdf_of_pages(texts: list[str]) -> bytes:
    """A PDF with one page per text (an empty text: a page without a text layer), written by hand
    (no PDF library here writes text)."""
    kids = [3 + 2 * i for i in range(len(texts))]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(texts)),
    ]
    font = 3 + 2 * len(texts)
    for i, text in enumerate(texts):
        stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode() if text else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 200] /Contents %d 0 R"
            b" /Resources << /Font << /F1 %d 0 R >> >> >>" % (kids[i] + 1, font)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


BAD_FILES = [
    ("empty.md", b"", "empty"),
    ("spaces.txt", b"  \n \t \n", "empty"),
    ("binary.txt", os.urandom(4096), "binary"),
    ("yaml.md", b"---\ntitle: 'unterminated\n---\nText.\n", "malformed YAML"),
    ("types.md", b"---\ntitle: [1, 2]\npublished: {when: soon}\n---\nText.\n", "wrong types"),
    ("scan.pdf", None, "no text layer"),
    ("huge.txt", b"x" * 1_000_001, "over the limit"),
]


@pytest.mark.parametrize(("name", "data", "problem"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_and_nothing_changes(library, name, data, problem):
    library.settings.max_file_bytes = 1_000_000
    data = blank_pdf() if data is None else data
    before = snapshot(library)
    with pytest.raises(IngestError) as info:
        library.add(library.draft_from_file(name, data))
    assert info.value.source == name and problem.lower() in info.value.problem.lower()
    assert snapshot(library) == before


@pytest.mark.parametrize(
    "name", ["../../x.md", "/etc/passwd.md", "sub/../../x.md", "a\x00b.md", "C:\\x.md", ".hidden.md"]
)
def test_names_that_escape_the_corpus_are_refused(library, name):
    before = snapshot(library)
    draft = library.draft_from_file("ok.md", b"A perfectly fine sentence about Seoul.\n")
    with pytest.raises(IngestError, match="name"):
        library.add(draft, name=name)
    assert snapshot(library) == before


def test_the_same_article_under_another_name_is_refused_naming_the_existing_one(library):
    before = snapshot(library)
    with pytest.raises(IngestError, match=LAMI_KIM):
        library.add(library.draft_from_file("copy.txt", (SEEDS / "000_7a5f3811124590e6.txt").read_bytes()))
    assert snapshot(library) == before


def test_latin1_and_utf16_files_are_stored_as_utf8_and_quoted_exactly(library):
    from assistant.chain import Assistant

    text = "Der Außenminister sagte, Zürich sei ein naïve choice for the café summit in Genève."
    for name, data in (("latin.txt", text.encode("latin-1")), ("wide.txt", text.encode("utf-16"))):
        article = library.add(library.draft_from_file(name, data), name=name.replace(".txt", ".md"))
        stored = (library.corpus_dir / article.id).read_bytes().decode("utf-8")
        assert text in stored
        library.remove(article.id) if name == "latin.txt" else None
    answer = Assistant(library.index, library.settings).ask("What did the Außenminister say about the café summit?")
    for c in answer.citations:
        content = (library.corpus_dir / c.article_id).read_text("utf-8")
        assert content[c.start : c.end] == c.quote


def test_a_changed_article_under_the_same_name_replaces_the_old_passages_only_when_asked(library):
    first = library.add(library.draft_from_file("memo.md", b"The first version talks about Hawk missiles.\n"))
    newer = library.draft_from_file("memo.md", b"The second version talks about Cheongung batteries.\n")
    with pytest.raises(NameTaken, match="the corpus already has an article by this name"):
        library.add(newer)
    assert "Hawk missiles" in (library.corpus_dir / "memo.md").read_text(encoding="utf-8")
    second = library.add(newer, replace=True)
    assert first.id == second.id
    texts = [t for _, t, m in library.index.store.all_passages() if m["article_id"] == second.id]
    assert texts == ["The second version talks about Cheongung batteries."]


def test_pdf_and_docx_with_text_are_added(library):
    pdf = library.add(library.draft_from_file("brief.pdf", text_pdf("Seoul ships shells through Washington.")))
    assert "Seoul ships shells through Washington." in pdf.content
    document = docx.Document()
    document.core_properties.title = "Memo on Hawks"
    document.core_properties.author = "Desk Officer"
    document.add_heading("Air defense", level=1)
    document.add_paragraph("Hawk batteries could be sent to Kyiv via partners.")
    buf = io.BytesIO()
    document.save(buf)
    memo = library.add(library.draft_from_file("memo.docx", buf.getvalue()))
    assert memo.meta.title == "Memo on Hawks" and memo.meta.author == "Desk Officer"
    assert "## Air defense\n\nHawk batteries could be sent to Kyiv via partners." in memo.content


def test_a_large_file_up_to_the_limit_is_indexed(library):
    paragraph = (SEEDS / "000_7a5f3811124590e6.txt").read_text("utf-8")
    words = paragraph.split()
    body = "\n\n".join(" ".join(words[i : i + 60]) + "." for i in range(0, len(words) - 60, 7))
    assert len(body.encode()) < library.settings.max_file_bytes
    progress = []
    article = library.add(library.draft_from_file("big.txt", body.encode()), progress=lambda f, d: progress.append(f))
    assert progress and progress[-1] == 1.0
    assert library.index.store.indexed_articles()[article.id].complete


def test_cli_add_of_bad_files_exits_non_zero_with_one_line_each(tmp_path, library):
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    env = os.environ | {
        "FOOTNOTE_CORPUS_DIR": str(library.corpus_dir),
        "FOOTNOTE_INDEX_DIR": str(library.settings.index_dir),
    }
    before = snapshot(library)
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "add", str(tmp_path / "empty.md"), str(tmp_path / "bin.txt")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: empty.md: file is empty",
        "error: bin.txt: file looks binary, not text",
    ]
    assert snapshot(library) == before


def test_a_date_written_out_is_added_as_iso_text_and_one_that_is_not_a_date_is_refused(library):
    draft = library.draft_from_file("herons.md", b"Herons of the Vell estuary nest in March.\n")
    article = library.add(draft, overrides={"published": "7 Nov 2024"})
    assert "\npublished: '2024-11-07'\n" in (library.corpus_dir / article.id).read_text(encoding="utf-8")
    before = snapshot(library)
    other = library.draft_from_file("egrets.md", b"Egrets of the Vell estuary nest in April.\n")
    with pytest.raises(IngestError, match=r"egrets\.md: “next Tuesday” is not a date"):
        library.add(other, overrides={"published": "next Tuesday"})
    assert snapshot(library) == before
