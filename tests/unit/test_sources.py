"""Reading canned-reply files (lint/sources): which files a walk picks, the replies each format
holds, and where each reply's characters are in its file."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cslint.sources import SUFFIXES, SourceError, iter_files, read_source
from cslint.sources.model import Reply

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def char_at(path: str, line: int, column: int, encoding: str = "utf-8-sig") -> str:
    """The character a person finds at line:column (1-based, code points) of a text file."""
    text = Path(path).read_text(encoding=encoding)
    return text.split("\n")[line - 1][column - 1]


def assert_located(reply: Reply, encoding: str = "utf-8-sig", escaped: str = "") -> None:
    """Every character of the reply (but whitespace, which YAML may fold into a line break, and
    characters written as escapes) is found in the file at the line and column given for it."""
    for offset, char in enumerate(reply.text):
        if char.isspace() or char in escaped:
            continue
        where = reply.location(offset)
        assert char_at(reply.path, where.line, where.column, encoding) == char, (offset, where)


def texts(path: str, **options) -> dict[str | None, str]:
    return {reply.key: reply.text for reply in read_source(path, **options).replies}


# --- plain text and Markdown --------------------------------------------------------------------

def test_a_text_file_is_one_reply_as_it_was():
    (reply,) = read_source(fixture("plain.txt")).replies
    assert reply.text == "你好，这是整个文件一条回复。\n第二行\n"
    assert str(reply.location(0)) == f"{fixture('plain.txt')}:1:1"
    assert str(reply.location(reply.text.index("第二行") + 1)) == f"{fixture('plain.txt')}:2:2"
    assert reply.line_column(reply.text.index("第二行") + 1) == (2, 2)


def test_a_blank_text_file_has_no_reply(tmp_path):
    (tmp_path / "blank.txt").write_text(" \n\n")
    assert read_source(str(tmp_path / "blank.txt")).replies == ()


def test_markdown_paragraphs_and_list_items_are_replies_and_the_rest_is_skipped():
    replies = read_source(fixture("notes.md")).replies
    assert [reply.text for reply in replies] == [
        "开场时先问好：\n你好，请问有什么可以帮您？",  # a paragraph over two lines
        "你好，您的订单已发货",                    # list items, markers stripped
        "感谢您的耐心等待",
        "你好，引用也是回复",                      # a quote, marker stripped
    ]  # front matter, headings (# and underlined), code fences and comments are not replies
    assert [(r.location(0).line, r.location(0).column) for r in replies] == [(6, 1), (9, 3), (10, 3), (16, 3)]
    for reply in replies:
        assert_located(reply)


# --- YAML and JSON ------------------------------------------------------------------------------

def test_every_yaml_string_is_a_reply_named_by_its_key_path():
    found = texts(fixture("macros.yaml"))
    assert found["greetings[0].text"] == "喂，你好，请问有什么可以帮您？"
    assert found["greetings[1].text"] == '{{ticket.requester.name}}你好，我帮您转接"售后"同事'
    assert found["greetings[2].text"] == "【客户姓名】你好，这个我不知道"
    assert found["closing"] == "感谢您的耐心等待。\n你好，祝您生活愉快！\n"
    assert "count" not in found  # a number is not a reply
    assert "greetings" not in found


def test_yaml_locations_point_into_every_scalar_style():
    replies = {reply.key: reply for reply in read_source(fixture("macros.yaml")).replies}
    assert (replies["greetings[0].text"].location(0).line, replies["greetings[0].text"].location(0).column) == (4, 11)
    assert (replies["greetings[1].text"].location(0).line, replies["greetings[1].text"].location(0).column) == (6, 12)
    closing = replies["closing"]
    second = closing.location(closing.text.index("祝您"))
    assert (second.line, second.column) == (11, 6)
    for reply in replies.values():
        assert_located(reply, escaped='"')  # \" in a double-quoted scalar is two characters


def test_yaml_folded_and_quoted_line_breaks_and_escapes(tmp_path):
    path = tmp_path / "styles.yaml"
    path.write_text('plain: 第一行\n  第二行\nsingle: \'它\'\'s\'\ndouble: "\\u4f60好，\\"谢谢\\""\n'
                    "folded: >\n  折叠\n  一行\n", encoding="utf-8")
    replies = {reply.key: reply for reply in read_source(str(path)).replies}
    assert replies["plain"].text == "第一行 第二行"
    assert (replies["plain"].location(4).line, replies["plain"].location(4).column) == (2, 3)
    assert replies["single"].text == "它's"
    assert replies["double"].text == '你好，"谢谢"'
    assert replies["double"].location(0).column == 10  # the \u4f60 escape is where 你 is written
    assert replies["double"].location(1).column == 16
    assert replies["folded"].text == "折叠 一行\n"
    assert replies["folded"].location(3).line == 7


def test_a_yaml_alias_is_one_reply_where_its_anchor_is_written(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text("base: &hi 你好，请稍等\nagain: *hi\nlist: [*hi, 好的]\n", encoding="utf-8")
    assert texts(str(path)) == {"base": "你好，请稍等", "list[1]": "好的"}


def test_yaml_documents_after_the_first_are_numbered(tmp_path):
    path = tmp_path / "docs.yaml"
    path.write_text("a: 你好\n---\na: 您好\n", encoding="utf-8")
    assert texts(str(path)) == {"a": "你好", "[1].a": "您好"}


def test_every_json_string_value_is_a_reply_and_keys_are_not():
    replies = {reply.key: reply for reply in read_source(fixture("replies.json")).replies}
    assert replies["replies[0].text"].text == "你好，请稍等"
    assert replies["replies[1].text"].text == '你好，订单"已"发货\n请查收'
    assert replies["签名"].text == "客服小李"
    assert "version" not in replies
    first = replies["replies[0].text"].location(0)
    assert (first.line, first.column, first.key) == (4, 26, "replies[0].text")
    escaped = replies["replies[1].text"]
    assert escaped.location(0).column == 26  # \u4f60
    assert escaped.location(1).column == 32  # 好 after the six-character escape
    assert_located(replies["replies[0].text"])


def test_odd_json_keys_are_quoted_in_the_key_path(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('{"a.b": {"x y": ["您好"]}, "list": [[1, "第二"]]}', encoding="utf-8")
    assert set(texts(str(path))) == {'["a.b"]["x y"][0]', "list[0][1]"}


@pytest.mark.parametrize("name, content, where", [
    ("bad.yaml", "a: 1\nb: [unclosed\n", "bad.yaml:3"),
    ("bad.json", '{\n  "a": "x",\n  "b": \n}\n', "bad.json:4"),
])
def test_a_file_that_does_not_parse_is_a_one_line_error_with_its_line(tmp_path, name, content, where):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        read_source(str(path))
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path / where) + ":")


# --- CSV, TSV, .xlsx ----------------------------------------------------------------------------

def test_a_csv_reply_column_is_found_by_a_common_name():
    replies = read_source(fixture("replies.csv")).replies
    assert [reply.text for reply in replies] == ["你好，请问有什么可以帮您？",
                                                 '【客户姓名】你好，您的包裹"已发出"，\n请注意查收']
    assert [reply.key for reply in replies] == ["row 2, 回复", "row 3, 回复"]  # row 4's cell is empty
    assert (replies[1].location(0).line, replies[1].location(0).column) == (3, 7)  # after the quote
    late = replies[1].location(replies[1].text.index("请注意"))
    assert (late.line, late.column) == (4, 1)  # a line break inside a quoted field
    for reply in replies:
        assert_located(reply, escaped='"')


def test_the_csv_column_can_be_chosen_by_name_or_number():
    assert list(texts(fixture("replies.csv"), column="场景").values()) == ["开场", "物流", "空"]
    assert list(texts(fixture("replies.csv"), column="1").values()) == ["1", "2", "3"]


def test_an_unknown_or_missing_reply_column_is_a_one_line_error(tmp_path):
    with pytest.raises(SourceError, match=r"replies\.csv:1: no column '答复' \(columns: 编号, 场景, 回复\)"):
        read_source(fixture("replies.csv"), column="答复")
    path = tmp_path / "two.csv"
    path.write_text("问题,分类\n在吗,售前\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"two\.csv:1: no reply column among 问题, 分类; name one with --column"):
        read_source(str(path))


def test_a_tsv_is_split_at_tabs(tmp_path):
    path = tmp_path / "macros.tsv"
    path.write_text("名称\t话术\n开场\t你好，请稍等, 马上来\n", encoding="utf-8")
    (reply,) = read_source(str(path)).replies
    assert reply.text == "你好，请稍等, 马上来"
    assert (reply.key, reply.location(0).column) == ("row 2, 话术", 4)


def test_an_xlsx_reply_column_is_read_per_sheet_and_names_its_cell(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "话术"
    sheet.append(["场景", "快捷回复"])
    sheet.append(["开场", "你好，请问有什么可以帮您？"])
    sheet.append(["空", None])
    sheet.append(["公式", "=A1"])
    other = book.create_sheet("说明")
    other.append(["备注", "作者"])
    other.append(["不是回复", "小李"])
    path = tmp_path / "macros.xlsx"
    book.save(path)
    (reply,) = read_source(str(path)).replies
    assert (reply.text, reply.key, reply.cell) == ("你好，请问有什么可以帮您？", "话术!B2", ("话术", 2, 2))
    assert str(reply.location(2)) == f"{path}:话术!B2:3"
    assert reply.line_column(2) == (2, 3)  # what a formatter prints: the row, the character in the cell


def test_an_xlsx_without_a_reply_column_says_so_per_sheet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["问题", "分类"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    with pytest.raises(SourceError, match=r"book\.xlsx: sheet Sheet1: no reply column among 问题, 分类"):
        read_source(str(path))


def test_a_file_that_is_not_a_workbook_is_a_one_line_error(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip")
    with pytest.raises(SourceError, match=r"fake\.xlsx: not a readable \.xlsx workbook"):
        read_source(str(path))


# --- encodings ----------------------------------------------------------------------------------

def test_a_gb18030_csv_from_a_chinese_windows_tool_is_read_without_being_told(tmp_path):
    path = tmp_path / "excel-export.csv"
    path.write_bytes(Path(fixture("replies.csv")).read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"))
    source = read_source(str(path))
    assert source.encoding == "gb18030"
    assert [reply.text for reply in source.replies] == ["你好，请问有什么可以帮您？",
                                                        '【客户姓名】你好，您的包裹"已发出"，\r\n请注意查收']
    assert (source.replies[0].location(0).line, source.replies[0].location(0).column) == (2, 6)


@pytest.mark.parametrize("name", ["macros.yaml", "plain.txt", "replies.json"])
def test_utf16_with_a_bom_reads_the_same_replies_at_the_same_places(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(codecs.BOM_UTF16_LE + Path(fixture(name)).read_text(encoding="utf-8").encode("utf-16-le"))
    source, plain = read_source(str(path)), read_source(fixture(name))
    assert source.encoding == "utf-16-le" and source.bom == codecs.BOM_UTF16_LE
    assert [r.text for r in source.replies] == [r.text for r in plain.replies]
    assert [(r.location(0).line, r.location(0).column) for r in source.replies] == \
        [(r.location(0).line, r.location(0).column) for r in plain.replies]


def test_a_utf8_bom_is_not_part_of_the_first_reply_or_its_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + "回复\n你好\n".encode("utf-8"))
    (reply,) = read_source(str(path)).replies
    assert (reply.text, reply.location(0).line, reply.location(0).column) == ("你好", 2, 1)


def test_bytes_in_no_known_encoding_are_a_one_line_error_with_the_offset(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("你好".encode("utf-8") + b"\xff\xff\xff")
    with pytest.raises(SourceError, match=r"broken\.txt: not valid UTF-8 at byte offset 6"):
        read_source(str(path))


def test_a_requested_encoding_is_used_when_there_is_no_bom(tmp_path):
    path = tmp_path / "big5.txt"
    path.write_bytes("您好，請稍等".encode("big5"))
    assert read_source(str(path), encoding="big5").replies[0].text == "您好，請稍等"


# --- walking directories ------------------------------------------------------------------------

def make_tree(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")


def walked(paths: list[Path], root: Path, **options) -> list[str]:
    return [Path(found).relative_to(root).as_posix() for found in iter_files([str(p) for p in paths], SUFFIXES, **options)]


def test_a_directory_walk_picks_reply_files_in_a_stable_order(tmp_path):
    make_tree(tmp_path, {"b.yaml": "a: 你好\n", "a/z.csv": "reply\nx\n", "a/notes.log": "x", "c.md": "x",
                         "d.xlsx.bak": "x", ".git/config": "x", "e.JSON": "{}"})
    assert walked([tmp_path], tmp_path) == ["a/z.csv", "b.yaml", "c.md", "e.JSON"]


def test_a_file_given_by_name_is_read_whatever_its_extension_or_the_globs(tmp_path):
    make_tree(tmp_path, {"reply.log": "你好"})
    assert walked([tmp_path / "reply.log"], tmp_path, exclude=["*.log"]) == ["reply.log"]
    assert read_source(str(tmp_path / "reply.log")).format == "text"


def test_include_and_exclude_globs_are_relative_to_the_directory_given(tmp_path):
    make_tree(tmp_path, {"macros/a.yaml": "x", "macros/old/b.yaml": "x", "macros/c.csv": "x", "d.yaml": "x"})
    assert walked([tmp_path], tmp_path, include=["*.yaml"]) == ["d.yaml", "macros/a.yaml", "macros/old/b.yaml"]
    assert walked([tmp_path], tmp_path, include=["*.yaml"], exclude=["old/"]) == ["d.yaml", "macros/a.yaml"]
    assert walked([tmp_path], tmp_path, exclude=["macros/**/*.yaml", "/d.yaml"]) == ["macros/c.csv"]


def test_gitignore_files_count_from_the_repository_root_down(tmp_path):
    make_tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        ".gitignore": "*.csv\nbuild/\n",
        "team/.gitignore": "!keep.csv\ndraft-*.md\n",
        "team/keep.csv": "reply\nx\n",
        "team/other.csv": "reply\nx\n",
        "team/draft-1.md": "x",
        "team/final.md": "x",
        "team/build/out.yaml": "x",
    })
    # the walk starts below the root, and the root's .gitignore still counts
    assert walked([tmp_path / "team"], tmp_path) == ["team/final.md", "team/keep.csv"]
    assert walked([tmp_path / "team"], tmp_path, respect_gitignore=False) == [
        "team/build/out.yaml", "team/draft-1.md", "team/final.md", "team/keep.csv", "team/other.csv"]


def test_outside_a_repository_gitignore_files_under_the_walk_still_count(tmp_path):
    if any((folder / ".git").exists() for folder in tmp_path.parents):
        pytest.skip("the temporary directory is inside a git repository")
    make_tree(tmp_path, {"lib/.gitignore": "old.yaml\n", "lib/old.yaml": "x", "lib/new.yaml": "x"})
    assert walked([tmp_path / "lib"], tmp_path) == ["lib/new.yaml"]


def test_a_missing_path_is_passed_on_for_the_reader_to_report(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert walked([missing], tmp_path) == ["nope.yaml"]
    with pytest.raises(SourceError, match=r"nope\.yaml: cannot read: No such file or directory"):
        read_source(str(missing))


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("你好" * 100, encoding="utf-8")
    with pytest.raises(SourceError, match=r"big\.txt: file is larger than 100 bytes"):
        read_source(str(path), max_bytes=100)


# --- template placeholders ----------------------------------------------------------------------

@pytest.mark.parametrize("name, key", [("macros.yaml", "greetings[1].text"), ("macros.yaml", "greetings[2].text"),
                                       ("replies.csv", "row 3, 回复")])
def test_a_macro_full_of_placeholders_is_checked_around_them_at_the_right_place(checker, name, key):
    reply = next(r for r in read_source(fixture(name)).replies if r.key == key)
    found = checker.check(reply.text).diagnostics
    assert [d.rule_id for d in found if d.rule_id == "ni-instead-of-nin"] == ["ni-instead-of-nin"]
    for diag in found:  # nothing inside a placeholder, and every finding is where the file has it
        assert "{" not in diag.text and "【" not in diag.text
        where = reply.location(diag.start)
        assert char_at(reply.path, where.line, where.column) == diag.text[0]
    nin = next(d for d in found if d.rule_id == "ni-instead-of-nin")
    expected = {"greetings[1].text": (6, 37), "greetings[2].text": (8, 18), "row 3, 回复": (3, 13)}[key]
    assert (reply.location(nin.start).line, reply.location(nin.start).column) == expected


def real_agent_replies(limit: int = 300) -> list[str]:
    """Agent turns from ../shared/corpora (never copied into the project), or a skip."""
    import json

    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "jddc_chat_sample.jsonl"
    if not corpus.is_file():
        pytest.skip("../shared/corpora is not here")
    replies = []
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row.get("role") == "agent" and row["text"].strip():
                replies.append(row["text"])
            if len(replies) == limit:
                break
    return replies


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".yaml"])
def test_real_replies_written_by_standard_writers_read_back_unchanged(tmp_path, suffix):
    """Our readers against the standard library's and PyYAML's writers, on real agent replies
    (with commas, quotes and line breaks added so that quoting is exercised)."""
    import csv
    import json

    import yaml

    replies = [f'{text}, "好的"\n第二行' if number % 7 == 0 else text
               for number, text in enumerate(real_agent_replies())]
    path = tmp_path / f"real{suffix}"
    if suffix in (".csv", ".tsv"):
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter="," if suffix == ".csv" else "\t")
            writer.writerow(["id", "回复"])
            writer.writerows([number, text] for number, text in enumerate(replies))
    elif suffix == ".json":
        path.write_text(json.dumps({"replies": replies}, ensure_ascii=False, indent=1), encoding="utf-8")
        escaped = tmp_path / "escaped.json"  # every Chinese character a \\uXXXX escape
        escaped.write_text(json.dumps({"replies": replies}), encoding="utf-8")
        assert [reply.text for reply in read_source(str(escaped)).replies] == replies
    else:
        path.write_text(yaml.safe_dump({"replies": replies}, allow_unicode=True), encoding="utf-8")
    source = read_source(str(path))
    assert [reply.text for reply in source.replies] == [text for text in replies if text.strip()]
    for reply in source.replies[:60]:
        assert_located(reply, escaped='"\\')
