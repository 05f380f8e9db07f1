"""End to end: inputs from the wild (issue 10) meet the real `cslint` command in a subprocess.

Windows exports (GB18030, UTF-16 with a BOM and CRLF), endless or huge inputs under a memory
cap, a closed stdin, and rule packs nested deeper than any parser's stack. Every failure must be
one line on stderr and exit 2; none may be a traceback.
"""
from __future__ import annotations

import codecs
import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import pytest

ROOT = Path(__file__).resolve().parents[2]
BAD_PACKS = ROOT / "tests" / "fixtures" / "packs" / "bad"
MB = 1024 * 1024


@dataclass
class Run:
    status: int
    out: str
    err: str


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CSLINT_PACKS"}
    env["PYTHONUTF8"] = "1"
    return env


def _capped(limit: int | None):
    """preexec_fn that caps the child's address space at `limit` bytes (no cap for None)."""
    if limit is None:
        return None

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def _run(argv: Sequence[str], stdin: bytes | None = b"", memory: int | None = None, timeout: float = 120) -> Run:
    proc = subprocess.run(argv, input=stdin, capture_output=True, cwd=ROOT, env=_env(), timeout=timeout,
                          preexec_fn=_capped(memory))
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return Run(proc.returncode, proc.stdout.decode("utf-8"), err)


def cslint(*args: str | Path, stdin: bytes = b"", memory: int | None = None, timeout: float = 120) -> Run:
    return _run([sys.executable, "-m", "cslint", *map(str, args)], stdin, memory, timeout)


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


# --- 14: encodings of Chinese Windows tools ----------------------------------------------------------

def test_gb18030_reply_is_refused_with_a_hint_then_read_with_encoding(tmp_path):
    reply = tmp_path / "gbk.txt"
    reply.write_bytes("您好，这个我不知道\r\n".encode("gb18030"))  # 您 is 0xC4FA: not UTF-8 at byte 0
    run = cslint("check", reply)
    assert run.status == 2
    assert one_line(run.err) == (f"{reply}: not valid UTF-8 at byte offset 0; "
                                 "if it came from a Windows tool, try --encoding gb18030")
    run = cslint("check", "--encoding", "gb18030", "--format", "json", reply)
    assert run.status == 1, run.err
    [item] = json.loads(run.out)
    assert [(d["rule_id"], d["start"], d["end"], d["text"]) for d in item["diagnostics"]] == [
        ("declares-ignorance", 6, 9, "不知道")]  # 您好，这个我 = 6 characters


def test_utf16_le_with_bom_and_crlf_as_notepad_writes_it(tmp_path):
    reply = tmp_path / "notepad.txt"
    reply.write_bytes(codecs.BOM_UTF16_LE + "您好\r\n你的快递到了\r\n".encode("utf-16-le"))
    run = cslint("check", reply)  # no --encoding: the BOM decides
    assert run.status == 1, run.err
    assert run.out.startswith(f"{reply}:2:1: warning [honorific/ni-instead-of-nin]")
    assert "    你的快递到了\n" in run.out  # the CR is not shown as part of the line


def test_utf16_jsonl_with_bom_and_crlf(tmp_path):
    rows = [{"id": "a", "text": "你好"}, {"id": "b", "text": "这个我不知道"}, {"id": "c", "text": "您好"}]
    batch = tmp_path / "excel.jsonl"
    text = "".join(json.dumps(row, ensure_ascii=False) + "\r\n" for row in rows)
    batch.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    run = cslint("check", "--input-format", "jsonl", "--format", "jsonl", batch)
    assert run.status == 1, run.err
    out = [json.loads(line) for line in run.out.splitlines()]
    assert [(o["id"], [d["rule_id"] for d in o["diagnostics"]]) for o in out] == [
        ("a", ["ni-instead-of-nin"]), ("b", ["declares-ignorance"]), ("c", [])]


def test_jsonl_in_gb18030_with_encoding_and_a_bad_line_counted_alone(tmp_path):
    batch = tmp_path / "gb.jsonl"
    batch.write_bytes(json.dumps({"id": 1, "text": "你好"}, ensure_ascii=False).encode("gb18030") + b"\n"
                      + b'{"id": 2, "text": "\x81"}\n'  # a lead byte with nothing after it
                      + json.dumps({"id": 3, "text": "这个我不知道"}, ensure_ascii=False).encode("gb18030") + b"\n")
    run = cslint("check", "--input-format", "jsonl", "--format", "jsonl", "--encoding", "gb18030", batch)
    assert run.status == 2
    out = [json.loads(line) for line in run.out.splitlines()]
    assert [o["id"] for o in out] == [1, None, 3]
    assert out[0]["fixed"] == "您好"
    assert out[1]["error"].startswith(f"{batch}:2: not valid gb18030 at byte offset ")
    assert out[2]["diagnostics"][0]["text"] == "不知道"


def test_utf8_bom_does_not_cost_the_first_jsonl_row():
    rows = json.dumps({"id": "first", "text": "你好"}, ensure_ascii=False) + "\n"
    run = cslint("check", "--input-format", "jsonl", "--format", "jsonl", stdin=codecs.BOM_UTF8 + rows.encode())
    assert (run.status, run.err) == (1, "")
    [row] = [json.loads(line) for line in run.out.splitlines()]
    assert row["id"] == "first" and row["fixed"] == "您好"


def test_unknown_or_non_text_encoding_is_a_usage_error():
    for name in ("no-such-codec", "hex"):
        run = cslint("check", "--encoding", name, stdin="您好".encode())
        assert run.status == 2 and f"argument --encoding: '{name}'" in run.err.replace("unknown encoding ", "")


# --- 15: endless and huge inputs, bounded memory -------------------------------------------------------

@pytest.mark.parametrize("input_format", ["text", "jsonl"])
def test_dev_zero_is_refused_after_a_bounded_read(input_format):
    run = cslint("check", "--input-format", input_format, "/dev/zero", memory=1024 * MB, timeout=60)
    assert run.status == 2
    line = one_line(run.err)
    assert line.startswith("/dev/zero") and "20000-character limit (--max-chars)" in line
    assert "was not read" in line


def test_too_long_jsonl_line_ends_its_file_unread(tmp_path):
    batch = tmp_path / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"id": "short", "text": "你好"}) + "\n")
        out.write(json.dumps({"id": "huge", "text": "您" * 2_000_000}) + "\n")  # 6 MB of \u60a8
        out.write(json.dumps({"id": "after", "text": "你好"}) + "\n")
    # --max-chars 1000: a line may hold 3 * 4 * 1000 + 65,536 bytes
    run = cslint("check", "--input-format", "jsonl", "--format", "jsonl", "--max-chars", "1000", batch)
    assert run.status == 2
    assert [json.loads(line).get("id") for line in run.out.splitlines()] == ["short", None]
    assert one_line(run.err) == (f"{batch}:2: line is longer than 77,536 bytes, more than a reply within the "
                                 f"1000-character limit (--max-chars) takes; the rest of {batch} was not read")


def test_big_jsonl_with_json_output_runs_in_flat_memory(tmp_path):
    # 600 replies of 1,000 characters with 200 findings each (1.8 MB, 120,000 diagnostics). The
    # old command held every diagnostic until the end: peak RSS 390 MB here (330 MB at 500
    # rows). Streamed, it peaks at about 26 MB; the 200 MB address-space cap leaves room for
    # the interpreter and libraries on other machines.
    batch = tmp_path / "big.jsonl"
    text = "你好，你的快递到了。" * 100
    with batch.open("w", encoding="utf-8") as out:
        for number in range(600):
            out.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
    run = cslint("check", "--input-format", "jsonl", "--format", "json", batch, memory=200 * MB, timeout=300)
    assert run.status == 1, run.err
    items = json.loads(run.out)
    assert [item["id"] for item in items] == list(range(600))
    assert {len(item["diagnostics"]) for item in items} == {200}


def test_json_output_is_the_document_it_was_before_streaming(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("你好", encoding="utf-8")
    run = cslint("check", "--format", "json", one, tmp_path / "missing.txt")
    items = json.loads(run.out)
    assert run.out == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    assert cslint("check", "--format", "json", "--input-format", "jsonl", stdin=b"").out == "[]\n"


# --- 16: closed stdin, packs nested too deep ---------------------------------------------------------

@pytest.mark.parametrize("options", [[], ["--input-format", "jsonl"], ["-"]])
def test_closed_stdin_is_a_one_line_error(options):
    script = 'exec "$0" -m cslint check "$@" <&-'
    run = _run(["bash", "-c", script, sys.executable, *options], stdin=None)
    assert run.status == 2
    assert one_line(run.err) == "<stdin>: cannot read: standard input is closed"


DEEP = ["deep-flow-nesting.yaml", "deep-block-nesting.yaml", "deep-mapping-nesting.yaml"]


def _expected(name: str) -> str:
    """The fixture's own `# expect:` line (file:line: message)."""
    return (BAD_PACKS / name).read_text("utf-8").splitlines()[0].removeprefix("# expect: ")


@pytest.mark.parametrize("name", DEEP + ["recursive-alias.yaml"])
def test_rules_check_on_a_pack_the_yaml_layer_chokes_on(name):
    run = cslint("rules", "check", BAD_PACKS / name)
    assert run.status == 2
    assert one_line(run.err) == f"{BAD_PACKS}/{_expected(name)}"


@pytest.mark.parametrize("name", DEEP)
def test_serve_refuses_a_deeply_nested_pack_before_starting(name):
    run = cslint("serve", "--port", "9", "--pack", BAD_PACKS / name, timeout=60)
    assert run.status == 2
    assert one_line(run.err) == f"{BAD_PACKS}/{_expected(name)}"


def test_aliases_of_aliases_in_a_pack_are_named_not_expanded(tmp_path):
    # 9 levels of 9 aliases each: a 387-million-item value whose repr would never finish
    lines = ['id: laughs', 'name: laughs', 'version: "1"', 'allow:', '  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
    lines += [f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    lines += ["rules:", "  - id: r1", "    kind: phrase", "    category: *a9"]
    pack = tmp_path / "laughs.yaml"
    pack.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = cslint("rules", "check", pack, memory=1024 * MB, timeout=60)
    assert run.status == 2
    line = one_line(run.err)
    # the line of the value: the alias stands for the node anchored as a9 on line 14
    assert line.startswith(f"{pack}:14: rule r1: 'category' must be one of ") and len(line) < 400


@pytest.mark.parametrize("input_format", ["text", "jsonl"])
def test_one_ctrl_d_ends_input_typed_at_a_terminal(input_format):
    # the bounded reads must stop at the terminal's end of input, not wait for a second ^D
    import pty

    typed = "你好\n" if input_format == "text" else json.dumps({"id": 1, "text": "你好"}) + "\n"
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "cslint", "check", "--input-format", input_format,
                                 "--format", "jsonl"], stdin=slave, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=ROOT, env=_env())
        os.write(master, typed.encode("utf-8") + b"\x04")
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("cslint check still waited for input after ^D")
    finally:
        os.close(master)
        os.close(slave)
    assert proc.returncode == 1, err.decode()
    assert json.loads(out.decode().splitlines()[0])["fixed"].strip() == "您好"
