"""Writing fixes back into canned-reply files (lint/fix_files.py): the checker's real edits,
every other byte as it was, in every format, encoding and line-ending style."""
from __future__ import annotations

import codecs
import os
import shutil
import stat
from pathlib import Path

import pytest

from cslint.fix import resolve_edits
from cslint.fix_files import FixError, plan_fix, unified_diff, write_plan
from cslint.model import Applicability
from cslint.sources import read_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "sources"


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def checker_edits(checker, source, allow: Applicability = Applicability.SAFE) -> dict[int, list]:
    """What `cslint check --fix` would apply to each reply of a file (real findings)."""
    found = {}
    for number, reply in enumerate(source.replies):
        edits = resolve_edits(reply.text, checker.check(reply.text).diagnostics, allow)
        if edits:
            found[number] = edits
    return found


def fix_file(checker, path: Path, **options) -> tuple[bytes, bytes]:
    source = read_source(str(path), **options)
    before = path.read_bytes()
    plan = plan_fix(source, checker_edits(checker, source))
    write_plan(plan)
    return before, path.read_bytes()


# --- every format: only the edits change --------------------------------------------------------

def test_a_yaml_macro_file_changes_only_where_the_replies_were_fixed(checker, tmp_path):
    path = copy(tmp_path, "macros.yaml")
    before, after = fix_file(checker, path)
    expected = (before.decode()
                .replace("text: 喂，你好，请问", "text: 您好，请问")          # a plain scalar, edited in place
                .replace("}}你好，我帮您转接", "}}您好，我帮您转接")          # inside "...", escapes untouched
                .replace("'【客户姓名】你好，", "'【客户姓名】您好，")         # inside '...'
                .replace("  你好，祝您生活愉快！", "  您好，祝您生活愉快！"))  # a | block
    assert after.decode() == expected
    assert r'\"售后\"' in after.decode()


def test_a_json_file_keeps_its_escapes_and_layout(checker, tmp_path):
    path = copy(tmp_path, "replies.json")
    before, after = fix_file(checker, path)
    expected = (before.decode().replace('"text": "你好，请稍等"', '"text": "您好，请稍等"')
                .replace(r'"\u4f60好，订单\"已\"发货\n请查收"', r'"您好，订单\"已\"发货\n请查收"'))
    assert after.decode() == expected


def test_a_csv_keeps_its_quoting_and_the_other_columns(checker, tmp_path):
    path = copy(tmp_path, "replies.csv")
    before, after = fix_file(checker, path)
    expected = (before.decode().replace("1,开场,你好，请问", "1,开场,您好，请问")
                .replace('"【客户姓名】你好，您的包裹""已发出""', '"【客户姓名】您好，您的包裹""已发出""'))
    assert after.decode() == expected


def test_markdown_changes_only_the_replies_not_code_or_headings(checker, tmp_path):
    path = copy(tmp_path, "notes.md")
    before, after = fix_file(checker, path)
    text = after.decode()
    assert text.count("您好") == before.decode().count("您好") + 3
    assert "你好 (code is not a reply)" in text and "<!-- 你好 (a comment is not a reply) -->" in text
    assert text == (before.decode().replace("\n你好，请问", "\n您好，请问").replace("- 你好，您的", "- 您好，您的")
                    .replace("> 你好，引用", "> 您好，引用"))


def test_a_plain_text_file_is_fixed_as_one_reply(checker, tmp_path):
    path = copy(tmp_path, "plain.txt")
    before, after = fix_file(checker, path)
    assert after == before.replace("你好".encode(), "您好".encode())


def test_an_xlsx_cell_is_rewritten_and_the_other_cells_kept(checker, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "话术"
    sheet.append(["场景", "回复", "合计"])
    sheet.append(["开场", "你好，请问有什么可以帮您？", "=1+1"])
    sheet.append(["结束", "感谢您的耐心等待", None])
    book.create_sheet("说明").append(["备注", "你好 (not a reply column)"])
    path = tmp_path / "macros.xlsx"
    book.save(path)
    source = read_source(str(path))
    plan = plan_fix(source, checker_edits(checker, source))
    assert unified_diff(plan, source) == (f"--- {path}\n+++ {path}\n@@ -1 +1 @@\n"
                                          "-话术!B2\t你好，请问有什么可以帮您？\n+话术!B2\t您好，请问有什么可以帮您？\n")
    write_plan(plan)
    again = openpyxl.load_workbook(path)
    assert [[cell.value for cell in row] for row in again["话术"].iter_rows()] == [
        ["场景", "回复", "合计"], ["开场", "您好，请问有什么可以帮您？", "=1+1"], ["结束", "感谢您的耐心等待", None]]
    assert again["说明"]["B1"].value == "你好 (not a reply column)"


# --- encodings and line endings -----------------------------------------------------------------

def test_a_crlf_gb18030_csv_stays_crlf_and_gb18030(checker, tmp_path):
    path = tmp_path / "excel-export.csv"
    original = (FIXTURES / "replies.csv").read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(original.encode("gb18030"))
    _, after = fix_file(checker, path)
    assert after == original.replace("你好", "您好").encode("gb18030")


@pytest.mark.parametrize("name", ["macros.yaml", "notes.md", "replies.json", "replies.csv"])
def test_a_utf16_crlf_file_is_fixed_like_its_utf8_lf_original(checker, tmp_path, name):
    lf = copy(tmp_path, name)
    _, fixed_lf = fix_file(checker, lf)
    original = (FIXTURES / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / f"utf16-{name}"
    path.write_bytes(codecs.BOM_UTF16_LE + original.encode("utf-16-le"))
    _, after = fix_file(checker, path)
    assert after == codecs.BOM_UTF16_LE + fixed_lf.decode().replace("\n", "\r\n").encode("utf-16-le")


def test_a_utf8_bom_stays(checker, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + "回复\r\n你好，请稍等\r\n".encode())
    _, after = fix_file(checker, path)
    assert after == codecs.BOM_UTF8 + "回复\r\n您好，请稍等\r\n".encode()


def test_a_rewrite_with_a_line_break_follows_the_files_line_ends(tmp_path):
    path = tmp_path / "reply.md"
    path.write_bytes("第一句。第二句\r\n".encode())
    source = read_source(str(path))
    plan = plan_fix(source, {0: [(4, 4, "\n")]})
    assert plan.after == "第一句。\r\n第二句\r\n".encode()


# --- escaping what the format needs -------------------------------------------------------------

def test_quotes_and_backslashes_are_escaped_in_json_strings(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('{"a": "请稍等", "b": "x"}', encoding="utf-8")
    source = read_source(str(path))
    plan = plan_fix(source, {0: [(0, 3, '请"稍"\\等')]})
    assert plan.after.decode() == '{"a": "请\\"稍\\"\\\\等", "b": "x"}'


def test_a_bare_csv_field_that_gains_a_comma_is_quoted_whole(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,reply\n1,请稍等\n2,好的\n", encoding="utf-8")
    source = read_source(str(path))
    plan = plan_fix(source, {0: [(0, 1, '请您,"稍')]})
    assert plan.after.decode() == 'id,reply\n1,"请您,""稍稍等"\n2,好的\n'


@pytest.mark.parametrize("replacement, written", [
    ("请: ", 'a: "请: 稍等"\nb: 好的\n'),  # ": " would start a mapping: the scalar is quoted whole
    ("- ", 'a: "- 稍等"\nb: 好的\n'),     # a leading indicator
    ("请'", "a: 请'稍等\nb: 好的\n"),      # harmless inside a plain scalar: written as it is
])
def test_a_yaml_plain_scalar_is_quoted_only_when_it_must_be(tmp_path, replacement, written):
    path = tmp_path / "r.yaml"
    path.write_text("a: 请稍等\nb: 好的\n", encoding="utf-8")
    source = read_source(str(path))
    plan = plan_fix(source, {0: [(0, 1, replacement)]})
    assert plan.after.decode() == written


def test_a_single_quoted_scalar_doubles_its_quotes(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: '请稍等'\n", encoding="utf-8")
    plan = plan_fix(read_source(str(path)), {0: [(0, 1, "请'您'")]})
    assert plan.after.decode() == "a: '请''您''稍等'\n"


def test_a_line_break_into_a_block_scalar_is_refused_with_its_place(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: |\n  请稍等\n", encoding="utf-8")
    with pytest.raises(FixError, match=r"r\.yaml:2:3: a rewrite with a line break cannot go into a YAML block"):
        plan_fix(read_source(str(path)), {0: [(0, 1, "请\n")]})
    assert path.read_text(encoding="utf-8") == "a: |\n  请稍等\n"


# --- diff and writing ---------------------------------------------------------------------------

def test_diff_previews_without_writing(checker, tmp_path, monkeypatch):
    copy(tmp_path, "replies.csv")
    monkeypatch.chdir(tmp_path)  # a relative path gets git's a/ and b/ prefixes
    path = Path("replies.csv")
    before = path.read_bytes()
    source = read_source(str(path))
    plan = plan_fix(source, checker_edits(checker, source))
    diff = unified_diff(plan, source)
    assert path.read_bytes() == before
    assert diff.startswith("--- a/replies.csv\n+++ b/replies.csv\n@@ ")
    assert diff.endswith('@@ -1,5 +1,5 @@\n 编号,场景,回复\n'
                         '-1,开场,你好，请问有什么可以帮您？\n-2,物流,"【客户姓名】你好，您的包裹""已发出""，\n'
                         '+1,开场,您好，请问有什么可以帮您？\n+2,物流,"【客户姓名】您好，您的包裹""已发出""，\n'
                         ' 请注意查收"\n 3,空,\n')


def test_nothing_to_fix_is_no_diff_and_no_write(checker, tmp_path):
    path = tmp_path / "fine.yaml"
    path.write_text("a: 您好，请稍等\n", encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    source = read_source(str(path))
    plan = plan_fix(source, checker_edits(checker, source))
    assert not plan.changed and unified_diff(plan, source) == ""
    write_plan(plan)
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_writing_is_atomic_and_keeps_the_permission_bits(checker, tmp_path):
    path = copy(tmp_path, "macros.yaml")
    path.chmod(0o640)
    fix_file(checker, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["macros.yaml"]  # no temporary file left


def test_a_file_changed_since_it_was_read_is_not_overwritten(checker, tmp_path):
    path = copy(tmp_path, "plain.txt")
    source = read_source(str(path))
    plan = plan_fix(source, checker_edits(checker, source))
    path.write_text("有人刚刚改过这个文件", encoding="utf-8")
    with pytest.raises(FixError, match=r"plain\.txt: changed since it was read; left unchanged"):
        write_plan(plan)
    assert path.read_text(encoding="utf-8") == "有人刚刚改过这个文件"


def test_unsafe_fixes_only_when_asked(checker, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: 这个我不知道\n", encoding="utf-8")
    source = read_source(str(path))
    assert not plan_fix(source, checker_edits(checker, source)).changed
    plan = plan_fix(source, checker_edits(checker, source, Applicability.DISPLAY))
    assert plan.changed
    assert read_source_bytes(path, plan.after)[0] != "这个我不知道"


def read_source_bytes(path: Path, data: bytes) -> list[str]:
    from cslint.sources import parse_source

    return [reply.text for reply in parse_source(str(path), data).replies]


def test_a_fixed_file_rechecked_has_nothing_left_to_fix(checker, tmp_path):
    """The fix-then-recheck convergence test (ruff), on files: a second --fix changes nothing."""
    for name in ("macros.yaml", "replies.json", "replies.csv", "notes.md", "plain.txt"):
        path = copy(tmp_path, name)
        fix_file(checker, path)
        source = read_source(str(path))
        assert not plan_fix(source, checker_edits(checker, source)).changed, name


def test_a_plain_scalar_that_would_read_back_differently_is_quoted_instead(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("a: 喂，[订单x]已发货\n", encoding="utf-8")
    plan = plan_fix(read_source(str(path)), {0: [(0, 2, "")]})  # in place it would become a list
    assert plan.after.decode() == 'a: "[订单x]已发货"\n'


def test_file_fixes_write_each_file_once_its_replies_are_checked(checker, tmp_path):
    """What `cslint check --fix DIR` does: replies checked one by one, files written one by one."""
    from io import StringIO

    from cslint.fix_files import FileFixes

    paths = [copy(tmp_path, name) for name in ("macros.yaml", "replies.csv")]
    before = {path: path.read_bytes() for path in paths}
    shown = StringIO()

    def run(fixes: FileFixes) -> None:
        for path in paths:
            source = read_source(str(path))
            for number, reply in enumerate(source.replies):
                fixes.add(source, number, checker.check(reply.text).diagnostics)
        fixes.close()

    previews = FileFixes(diff=shown)
    run(previews)
    assert shown.getvalue().count("\n+++ ") == 2 and "+    text: 您好，请问" in shown.getvalue()
    assert previews.written == [str(p) for p in paths]
    assert all(path.read_bytes() == before[path] for path in paths)  # --diff wrote nothing
    fixes = FileFixes()
    run(fixes)
    assert fixes.written == [str(p) for p in paths] and fixes.errors == []
    assert [r.text for r in read_source(str(paths[1])).replies][0] == "您好，请问有什么可以帮您？"


def test_file_fixes_report_a_file_it_cannot_fix_and_go_on(checker, tmp_path):
    from cslint.fix_files import FileFixes

    block = tmp_path / "block.yaml"
    block.write_text("a: |\n  请稍等\n", encoding="utf-8")
    plain = copy(tmp_path, "plain.txt")
    fixes = FileFixes()
    bad = read_source(str(block))
    fixes.source, fixes.edits = bad, {0: [(0, 1, "请\n")]}  # as if a rule had proposed a line break
    fixes.add(read_source(str(plain)), 0, checker.check(read_source(str(plain)).replies[0].text).diagnostics)
    fixes.close()
    assert fixes.written == [str(plain)]
    assert fixes.errors == [f"{block}:2:3: a rewrite with a line break cannot go into a YAML block scalar; edit it by hand"]


# --- any string, any edit -----------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\ufeff"),
                min_size=1, max_size=12).filter(lambda t: t.strip())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_TEXT, replacement=_TEXT | st.just(""), data=st.data(),
       suffix=st.sampled_from([".json", ".yaml", ".csv"]), crlf=st.booleans())
def test_any_edit_of_any_string_is_written_so_that_it_reads_back(tmp_path, value, replacement, data, suffix, crlf):
    """Whatever a string holds and whatever an edit writes, the file reads back with exactly the
    edited value, in place or quoted whole; only a line break into a YAML block scalar is refused."""
    import csv
    import io
    import json

    import yaml

    path = tmp_path / f"any{suffix}"
    newline = "\r\n" if crlf else "\n"
    if suffix == ".json":
        content = json.dumps({"a": value, "b": "好的"}, ensure_ascii=False, indent=1).replace("\n", newline)
    elif suffix == ".yaml":
        content = yaml.safe_dump({"a": value, "b": "好的"}, allow_unicode=True).replace("\n", newline)
    else:
        out = io.StringIO()
        csv.writer(out, lineterminator=newline).writerows([["reply"], [value], ["好的"]])
        content = out.getvalue()
    path.write_bytes(content.encode("utf-8"))
    try:
        source = read_source(str(path))
    except Exception:  # a value the writer itself cannot round-trip (not ours to test)
        return
    if [r.text for r in source.replies][:1] != [value] or not value.strip():
        return
    start = data.draw(st.integers(0, len(value)))
    end = data.draw(st.integers(start, len(value)))
    expected = value[:start] + replacement + value[end:]
    try:
        plan = plan_fix(source, {0: [(start, end, replacement)]})
    except FixError:
        assert source.replies[0].quoting == "block" and "\n" in replacement
        return
    from cslint.sources import parse_source

    again = [r.text for r in parse_source(str(path), plan.after).replies]
    assert again == [t for t in (expected, "好的") if t.strip()]
