"""The jsonl batch path of `cslint check` (issue 16): records read by orjson give what json gives,
lines are written in batches yet each answer reaches a consumer that waits for it, and the bytes
are those of `dumps(outcome.to_dict())`."""
from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from cslint import cli
from cslint.encodings import OverLimit, read_lines
from cslint.render import JsonlFormatter, Outcome, dumps

ROOT = Path(__file__).resolve().parents[2]

TRICKY = [
    '{"id": 1, "text": "你好，这个我真不知道"}',
    '{"id": "a\\ud800b", "text": "喂\\ud83d 你好\\udc00"}',  # lone surrogates: json only
    '{"id": 1.5, "text": "您好"}',
    '{"id": 123456789012345678901234567890, "text": "你好"}',  # beyond 64 bits: orjson gives a float
    '{"id": 18446744073709551615, "text": "你好", "position": -9223372036854775809}',
    '{"id": NaN, "text": "你好", "channel": Infinity}',
    '{"id": 1e400, "text": "你好"}',
    '{"id": [1, {"x": null}], "text": "急什么"}',
    '{"id": "dup", "id": "dup2", "text": "你好", "text": "木有"}',
    '{"text": "工单"}',
    '{"id": "t", "text": 5}',
    '{"id": "t", "text": 123456789012345678901234567890}',
    '{"id": "n", "text": null}',
    '{"id": "m"}',
    '[1, 2]',
    '"text"',
    '{"id": "bad", "text": "x"',
    '{"id": "x"} trailing',
    '\ufeff{"id": "bom", "text": "你好"}',
    '{"id": true, "text": "你好", "channel": "email", "position": "closing"}',
    '{"id": "deep", "text": "x", "extra": ' + "[" * 1500 + "]" * 1500 + "}",
    '{"id": "deep", "text": "x", "extra": ' + "[" * 5000 + "]" * 5000 + "}",
    '{"id": "ctl", "text": "a\\u0000b\\u001f\\t\\"\\\\ \\u2028"}',
    '{"id": "raw-ctl", "text": "a\x01b"}',
]


def _args(tmp_path: Path):
    args = cli.build_parser("check").parse_args(["check", "--input-format", "jsonl", "--isolated"])
    config, base = cli._load_config(args)
    args.settings_for = cli._settings_lookup(config, args, frozenset())
    args.channel, args.position, args.fail_on = base.channel, base.position, base.fail_on
    return args, args.settings_for(str(tmp_path / "x.jsonl"))


def _job_state(job: cli.Job) -> tuple:
    o = job.outcome
    return (repr(o.ident), o.name, o.text, o.error, job.channel, job.position, job.where, o.record_line, o.source)


@pytest.mark.parametrize("line", TRICKY)
def test_a_record_read_by_orjson_is_the_record_json_reads(line, tmp_path):
    args, settings = _args(tmp_path)
    fast = cli._jsonl_job(line, "x.jsonl:3", args, settings, "x.jsonl", 3)
    reference = cli._json_job(line, "x.jsonl:3", args, settings, "x.jsonl", 3)
    assert _job_state(fast) == _job_state(reference)


def _outcomes() -> list[Outcome]:
    from cslint.checker import Checker

    checker = Checker.from_packs()
    found = []
    for index, text in enumerate(["你好，这个我真不知道", "您好", "喂\ud83d 你好\udc00", "急什么，工单已经揽收了",
                                  "你好\u0000\t\"\\ \u2028😀"]):
        result = checker.check(text)
        for ident in (f"r{index}", index, None, 2.5, [1, {"a": None}], "id\ud800", True):
            found.append(Outcome(name=str(ident), key="id", ident=ident, text=text,
                                 diagnostics=result.diagnostics, fixed=result.fixed))
    found.append(Outcome(name="e", key="id", ident="e", error="x.jsonl:1: invalid JSON"))
    found.append(Outcome(name="p", key="path", ident="<stdin>", text="你好", fixed="您好"))
    return found


def test_jsonl_lines_are_the_bytes_dumps_writes():
    outcomes = _outcomes()
    expected = "".join(dumps(o.to_dict()) + "\n" for o in outcomes)
    for out in (io.StringIO(), io.TextIOWrapper(io.BytesIO(), encoding="utf-8")):
        formatter = JsonlFormatter(out)
        for outcome in outcomes:
            formatter.handle(outcome)
        formatter.stop()
        written = out.getvalue() if isinstance(out, io.StringIO) else out.buffer.getvalue().decode("utf-8")
        assert written == expected


def test_lines_decoded_together_are_the_lines_decoded_one_by_one():
    data = "".join(json.dumps({"id": i, "text": "你好" * (i % 7)}, ensure_ascii=False) + "\n" for i in range(3000))
    data = data.encode("utf-8") + b'{"bad": "\xff"}\n' + b"tail without newline"
    read = list(read_lines(io.BytesIO(data), None, 300))
    assert [line.text for line in read[:3000]] == [line + "\n" for line in data.decode("utf-8", "replace").split("\n")[:3000]]
    assert read[3000].text is None and "byte offset" in read[3000].error
    assert read[3001] == (3002, "tail without newline", None)


def test_line_bound_holds_across_chunks():
    line = b"x" * 99 + b"\n"
    assert len(list(read_lines(io.BytesIO(line * 2000), None, 100))) == 2000
    with pytest.raises(OverLimit) as caught:
        list(read_lines(io.BytesIO(line * 1000 + b"y" * 100 + b"\n" + line), None, 100))
    assert caught.value.line == 1001


def test_each_answer_reaches_a_consumer_that_waits_for_it():
    # a pipe, not a terminal: lines are batched, but flushed whenever the input may keep us waiting
    env = {k: v for k, v in os.environ.items() if k not in ("CSLINT_PACKS", "PYTHONUNBUFFERED")}
    proc = subprocess.Popen([sys.executable, "-m", "cslint", "check", "--isolated", "--input-format", "jsonl",
                             "--format", "jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env)
    try:
        for index, text in enumerate(["你好", "您好", "这个我不知道"]):
            proc.stdin.write(json.dumps({"id": index, "text": text}, ensure_ascii=False).encode() + b"\n")
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            assert ready, f"no answer to record {index} while cslint waits for the next one"
            answer = json.loads(proc.stdout.readline())
            assert answer["id"] == index
        proc.stdin.close()
        assert proc.stdout.read() == b""
        assert proc.wait(timeout=60) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_undecoded_lines_give_the_jobs_decoded_lines_give(tmp_path):
    # jsonl_jobs hands a UTF-8 file's lines to orjson as bytes; the reference decodes each line
    # and reads it with json
    lines = [*TRICKY, "\u3000", "\xa0 ", "", "\r", '{"id": "crlf", "text": "你好"}\r']
    data = "\n".join(lines).encode("utf-8", "surrogatepass") + b'\n{"id": "bad", "text": "\xff"}\n' + "\n".join(TRICKY).encode()
    path = tmp_path / "x.jsonl"
    path.write_bytes(data)
    args, settings = _args(tmp_path)
    args.max_chars = 20_000
    args.encoding = None
    fast = [_job_state(job) for job in cli.jsonl_jobs([str(path)], args)]
    reference = []
    with open(path, "rb") as handle:
        for number, text, error in read_lines(handle, None, cli.line_bound(args)):
            where = f"{path}:{number}"
            if error is not None:
                reference.append(_job_state(cli._failed(where, "id", None, where, error, args)))
            elif text.strip():
                reference.append(_job_state(cli._json_job(text, where, args, settings, str(path), number)))
    assert fast == reference and len(fast) == 2 * len(TRICKY) + 2
