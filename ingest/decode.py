"""Bytes to text, refusing what is not text rather than indexing garbage."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from ingest.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = set("\n\r\t\f")
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def decode_text(data: bytes, source: str, max_bytes: int) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 and legacy 8-bit encodings.

    Why not just ``errors="replace"``: a replacement character inside a stored article would make
    every quote of that sentence unverifiable, so a file is either decoded faithfully or refused.
    """
    if len(data) > max_bytes:
        raise IngestError(source, f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes")
    if not data.strip():
        raise IngestError(source, "file is empty")
    text = _decode(data, source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _CONTROL_OK)
    if "\x00" in text or controls > max(2, len(text) // 1000):
        raise IngestError(source, "file looks binary, not text")
    if not text.strip():
        raise IngestError(source, "file has no text (only whitespace)")
    return text


def _decode(data: bytes, source: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(source, f"invalid {encoding} text: {exc.reason}") from None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise IngestError(source, "file looks binary, not text")
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data))
    if not matches:
        raise IngestError(source, "file looks binary, not text (no text encoding fits)")
    # Short texts fit several code pages equally well; Western ones are by far the likeliest here.
    least_chaos = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least_chaos + 0.01]
    preferred = next((m for m in tied if m.encoding in _WESTERN), tied[0])
    return str(preferred)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows as ASCII interleaved with NUL bytes."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    if max(even_nuls, odd_nuls) < len(data) // 4:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
