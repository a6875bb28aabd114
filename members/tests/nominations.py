"""Helpers for the nomination tests: reply form data, and reading back a letter's PDF."""

import re
import zlib


def pdf_text(pdf: bytes) -> str:
    """The text drawn on the pages, through the fonts' ToUnicode maps ('?' for an unmapped
    glyph): enough to see that names with macrons and the ʻokina came out as written."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    glyphs: dict[bytes, str] = {}
    for stream in streams:
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                glyphs[src.lower()] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    lines = []
    for stream in streams:
        for array in re.findall(rb"\[(.*?)\]\s*TJ", stream, re.S):
            codes = b"".join(re.findall(rb"<([0-9a-fA-F]+)>", array)).lower()
            lines.append("".join(glyphs.get(codes[i:i + 4], "?")
                                 for i in range(0, len(codes), 4)))
    return "\n".join(lines)


def reply_data(*nominees: dict, **extra) -> dict:
    """POST data for the reply form as a browser sends it: every row (three at least) with its
    role selected; nominees as dicts of person / name / email / role."""
    rows = max(len(nominees), 3)
    data = {"nominee-TOTAL_FORMS": str(rows), "nominee-INITIAL_FORMS": "0",
            "nominee-MIN_NUM_FORMS": "0", "nominee-MAX_NUM_FORMS": "10", "note": ""}
    for i in range(rows):
        nominee = nominees[i] if i < len(nominees) else {}
        for key, value in {"role": "representative", **nominee}.items():
            data[f"nominee-{i}-{key}"] = value
    return data | extra
