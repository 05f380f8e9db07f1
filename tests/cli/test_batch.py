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
from cslint.encodings import OverLimit, RawLines, read_lines
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


# --- the clean-record shortcut (cli.CleanLines): records that check clean are written by jsonl_jobs


def _expanded(items) -> list[tuple]:
    """read_lines items with every RawLines batch as the RawLine tuples it stands for."""
    found = []
    for item in items:
        if type(item) is RawLines:
            offset = item.offset
            for number, line in enumerate(item.lines, item.number + 1):
                found.append((number, line + b"\n", offset))
                offset += len(line) + 1
        else:
            found.append(tuple(item))
    return found


class _Trickle(io.RawIOBase):
    """A stream that hands out at most `step` bytes per read, as a pipe fed slowly does."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.pos, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.data[self.pos:self.pos + min(self.step, len(buffer))]
        buffer[:len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)


@pytest.mark.parametrize("step", [None, 1, 7, 4096])
@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n"])
def test_batched_lines_are_the_lines_one_by_one(step, ending):
    records = [json.dumps({"id": i, "text": "你好" * (i % 40)}, ensure_ascii=False).encode() for i in range(4000)]
    records[10:10] = [b"", b"   ", b"\r", b'{"bad": "\xff"}', "\u3000".encode(), b"x" * 299]  # 299: just within 300
    data = b"\n".join(records) + ending
    for max_line in (300, 10**6):
        def lines(batched: bool):
            stream = io.BytesIO(data) if step is None else _Trickle(data, step)
            try:
                return _expanded(read_lines(stream, None, max_line, None, True, batched))
            except OverLimit as exc:
                return exc.line
        one_by_one = lines(False)
        assert lines(True) == one_by_one
        assert type(one_by_one) is list and len(one_by_one) == len(records)
    with pytest.raises(OverLimit) as caught:  # a line over the bound ends the stream at the same line
        list(read_lines(io.BytesIO(data + b"y" * 400 + b"\n" + data), None, 300, None, True, True))
    assert caught.value.line == len(records) + (ending != b"")


def test_clean_records_go_by_the_shortcut(tmp_path):
    # only the records with findings (and the errors) become jobs; the others are written at once
    path = tmp_path / "x.jsonl"
    texts = ["您好，请稍等", "你好", "您好", "这个我不知道", "", "好的 # cslint: disable=ni-instead-of-nin"]
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
                    + "\n" + '{"id": "x", "text": 5}\n', encoding="utf-8")
    args, _ = _args(tmp_path)
    args.max_chars, args.encoding = 20_000, None
    from cslint.checker import Checker

    checker = Checker.from_packs()
    for report_unused in (False, True):
        pending = []
        clean = cli.CleanLines(checker.check, pending, lambda: None, 256, report_unused)
        jobs = list(cli.jsonl_jobs([str(path)], args, clean))
        with_markers = [5] if report_unused else []
        assert [job.outcome.ident for job in jobs] == [1, 3, *with_markers, "x"]
        assert [json.loads(line)["id"] for line in pending] == [i for i in (0, 2, 4, 5) if i not in with_markers]
        assert all(job.result is not None for job in jobs[:-1]) and jobs[-1].outcome.error is not None
    polite = tmp_path / "polite.jsonl"
    polite.write_text('{"id": 1, "text": "你好"}\n{"id": 2, "text": "您好"}\n', encoding="utf-8")  # 你好: a warning
    for fail_on, paths, failed in (("error", [path], True), ("error", [polite], False), ("warning", [polite], True)):
        args.fail_on = fail_on
        args.settings_for = cli._settings_lookup(cli._load_config(args)[0], args, frozenset())
        pending = []
        clean = cli.CleanLines(checker.check, pending, lambda: None, 256, False, findings=True)
        jobs = list(cli.jsonl_jobs(list(map(str, paths)), args, clean))
        assert [job.outcome.ident for job in jobs] == (["x"] if path in paths else [])  # the error
        assert [json.loads(line)["id"] for line in pending] == ([0, 1, 2, 3, 4, 5] if path in paths else [1, 2])
        assert clean.failed is failed


def _through(stdout_is_a_terminal: bool, args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """`cslint check ARGS` with its stdout a terminal (each line written at once, by the general
    path) or a pipe (lines batched, clean records by the shortcut): status, stdout, stderr."""
    import pty
    import tty

    env = {k: v for k, v in os.environ.items() if k not in ("CSLINT_PACKS", "PYTHONUNBUFFERED")}
    env["PYTHONIOENCODING"] = "utf-8"
    command = [sys.executable, "-m", "cslint", "check", *args]
    if not stdout_is_a_terminal:
        proc = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, cwd=cwd, env=env, timeout=120)
        return proc.returncode, proc.stdout, proc.stderr
    master, slave = pty.openpty()
    tty.setraw(slave)  # no "\r" added before each "\n"
    with subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE, cwd=cwd,
                          env=env) as proc:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: the terminal's other end is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(master)
        stderr = proc.stderr.read()
        return proc.wait(timeout=120), b"".join(chunks), stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
@pytest.mark.parametrize("options", [
    [], ["--report-unused-disables"], ["--fix", "--unsafe-fixes"], ["--fail-on", "error", "--channel", "email"],
    ["--config", "cslint.toml"], ["--select", "honorific", "--max-chars", "30"],
])
def test_a_pipe_gets_the_bytes_a_terminal_gets(options, tmp_path):
    lines = [*TRICKY, "", "   ", "\u3000"]
    for index, text in enumerate(["您好，请稍等", "你好", "这个我不知道，你问下快递吧", "好的，您稍等" * 9, "您好",
                                  "你好 # cslint: disable=ni-instead-of-nin", "您好 # cslint: disable=ni-instead-of-nin",
                                  "# cslint: disable-next-line\n你好", "喂", "亲，在的"] * 30):
        record = {"id": f"r{index}" if index % 3 else index, "text": text}
        if index % 7 == 0:
            record["channel"] = "email"
        if index % 11 == 0:
            record["position"] = ["opening", "closing", "single", "nowhere"][index % 4]
        lines.append(json.dumps(record, ensure_ascii=index % 2 == 0))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    (tmp_path / "a.jsonl").write_bytes(data + b'\n{"id": "bad", "text": "\xff"}\r\n' + data.replace(b"\n", b"\r\n"))
    (tmp_path / "b.jsonl").write_bytes(b'{"id": 1, "text": "\xe4\xbd\xa0\xe5\xa5\xbd"}\n' + data + b"\n" + b" " * 400_000)
    (tmp_path / "cslint.toml").write_text('channel = "email"\nreport-unused-disables = true\n'
                                          '[per-file-overrides."b.jsonl"]\nchannel = "chat"\nposition = "closing"\n'
                                          'ignore = ["filler"]\nfail-on = "error"\n', encoding="utf-8")
    isolated = [] if "--config" in options else ["--isolated"]
    args = [*isolated, "--input-format", "jsonl", "--format", "jsonl", *options, "a.jsonl", "b.jsonl", "-"]
    terminal, pipe = _through(True, args, tmp_path), _through(False, args, tmp_path)
    assert pipe == terminal
    assert pipe[1].count(b"\n") > 600 and b"Traceback" not in pipe[2]


def test_diagnostics_json_is_json_of_their_dicts():
    # every bad example of the shipped packs, in both channels and every position, and findings
    # with several suggestions, escapes and a span of their own
    from dataclasses import replace

    from cslint.checker import Checker
    from cslint.model import Applicability, Suggestion
    from cslint.packs import available_packs, builtin_packs_dir
    from cslint.render import diagnostics_json, one_line

    checker = Checker.from_packs(sorted(available_packs([builtin_packs_dir()])))
    found = []
    for rule in checker.rules:
        for example in rule.examples:
            for channel in ("chat", "email"):
                for position in ("opening", "closing"):
                    found.append(checker.check(example.text, channel, position).diagnostics)
    assert sum(map(len, found)) > 500
    some = next(d for diagnostics in found for d in diagnostics)
    odd = (Suggestion('a"\\\n\u0001\u2028😀', Applicability.SAFE), Suggestion("", Applicability.DISPLAY, 0, 0),
           Suggestion("您", Applicability.DISPLAY, 3, 9))
    found += [(replace(some, suggestions=odd, text="x\ty", message="\u007f"),), (replace(some, suggestions=()), some)]
    for diagnostics in found:
        assert diagnostics_json(diagnostics) == one_line([d.to_dict() for d in diagnostics]).encode("utf-8")
