"""Bounded reading in an encoding: lines, BOMs, limits and undecodable bytes (lint/encodings.py)."""
from __future__ import annotations

import codecs
import io

import pytest

from cslint.encodings import OverLimit, max_bytes_per_char, read_lines, read_text
from cslint.errors import InputError


def lines(data: bytes, requested: str | None = None, max_line: int = 100) -> list[tuple[int, str | None]]:
    return [(line.number, line.text if line.error is None else line.error)
            for line in read_lines(io.BytesIO(data), requested, max_line)]


def test_short_inputs_survive_the_bom_look_ahead():
    assert lines(b"") == []
    assert lines(b"a") == [(1, "a")]
    assert lines(b"a\nb") == [(1, "a\n"), (2, "b")]
    assert lines(codecs.BOM_UTF8 + b"{}\n") == [(1, "{}\n")]


def test_utf8_line_that_does_not_decode_is_one_error_with_its_file_offset():
    assert lines(b"ok\n\xff\nok\n") == [
        (1, "ok\n"),
        (2, "not valid UTF-8 at byte offset 3; if it came from a Windows tool, try --encoding (e.g. gb18030)"),
        (3, "ok\n")]


def test_utf16_and_utf32_by_bom_keep_crlf_for_json_to_ignore():
    text = "你好\r\n第二行"
    assert lines(codecs.BOM_UTF16_BE + text.encode("utf-16-be")) == [(1, "你好\r\n"), (2, "第二行")]
    assert lines(codecs.BOM_UTF32_LE + text.encode("utf-32-le")) == [(1, "你好\r\n"), (2, "第二行")]


def test_utf16_bad_bytes_end_the_stream_after_the_lines_before_them():
    data = codecs.BOM_UTF16_LE + "a\n你好\n".encode("utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le")
    seen = []
    with pytest.raises(InputError, match=r"^not valid utf-16-le at byte offset 12$"):  # BOM 2 + 5 characters
        for line in read_lines(io.BytesIO(data), None, 100):
            seen.append(line.text)
    assert seen == ["a\n", "你好\n"]


def test_line_bound_is_exact_and_stops_reading():
    assert lines(b"x" * 9 + b"\n", max_line=10) == [(1, "x" * 9 + "\n")]
    stream = io.BytesIO(b"ok\n" + b"x" * 10 + b"\n" + b"never read\n")
    with pytest.raises(OverLimit) as caught:
        list(read_lines(stream, None, 10))
    assert (caught.value.line, caught.value.limit, caught.value.unit) == (2, 10, "bytes")
    assert stream.tell() <= 3 + 11 + 3  # the BOM look-ahead aside, nothing past the bound


def test_utf16_line_bound_counts_characters():
    data = codecs.BOM_UTF16_LE + ("您" * 11 + "\n").encode("utf-16-le")
    with pytest.raises(OverLimit) as caught:
        list(read_lines(io.BytesIO(data), None, 10))
    assert (caught.value.line, caught.value.unit) == (1, "characters")


def test_read_text_bound_leaves_out_the_bom():
    assert read_text(io.BytesIO(codecs.BOM_UTF8 + b"abcd"), None, 4) == "abcd"
    assert read_text(io.BytesIO("中".encode("gb18030")), "gb18030", 2) == "中"
    with pytest.raises(OverLimit):
        read_text(io.BytesIO(b"abcde"), None, 4)


def test_bytes_per_char_covers_escaping_codecs():
    assert max_bytes_per_char(None) == max_bytes_per_char("gb18030") == 4
    assert max_bytes_per_char("utf-7") >= len("\U0001f600".encode("utf-7"))
