"""Read back what WeasyPrint writes: the document title and the bookmarks (headings, agenda
items). Its page text is in subset fonts, but these are plain PDF strings."""

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TITLE = re.compile(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]*>)")


def _decode(token: bytes) -> str:
    if token.startswith(b"<"):
        raw = bytes.fromhex(token[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1")
    body = re.sub(rb"\\(.)", rb"\1", token[1:-1])
    if body.startswith(b"\xfe\xff"):
        return body[2:].decode("utf-16-be")
    return body.decode("latin-1")


def pdf_titles(pdf: bytes) -> list[str]:
    """Every /Title string in the PDF: its metadata title and each bookmark's label."""
    chunks = [pdf]
    for stream in _STREAM.findall(pdf):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return [_decode(token) for chunk in chunks for token in _TITLE.findall(chunk)]
