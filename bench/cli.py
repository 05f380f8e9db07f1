"""What does the `cslint` command cost around the engine? Start-up and the jsonl batch path, one run.

1. Start-up. A fresh process checks one reply on stdin (`cslint check`), side by side with
   `python -c pass` and `python -c "import cslint"`. The reply (STARTUP_REPLY) has a hit whose
   word boundary only jieba can decide, so lint/segment.py loads jieba; a reply that needs no
   word boundaries is timed too. Target: the jieba reply in at most 0.6 s of wall time, with
   warm caches. The first run on a machine (an empty CSLINT_CACHE_DIR) builds the caches and is
   printed as its own row. Rows are timed in rounds, in a rotating order, and the median and the
   fastest round are printed.
2. The jsonl batch path. `cslint check --input-format jsonl --format jsonl FILE` over every agent
   turn of ../shared/corpora/*.jsonl (the project's corpora/sample_transcripts.jsonl without it)
   against the engine alone: `Checker.check` over the same texts, read beforehand, in a fresh
   process of its own with the Checker built before the clock starts (so its caches start as
   cold as the command's, and both load jieba at the first reply that needs it). The command's
   start-up is measured on an empty file and subtracted. Target: the command's cost per reply at
   most 1.3 times the engine's. The machine's load average is printed with it (on a shared
   machine the rows move by a fifth from run to run), and a split: each phase of the batch
   (read and split, orjson parse, check, encode, write) alone over the whole file in a fresh
   process, and what the command spends beyond their sum (the per-record loop that interleaves
   them, and the general path's jobs for records it does not take the shortcut for).
3. Output bytes. `--save-outputs DIR` writes what the command prints (stdout, stderr, status) for
   the corpus file and for hostile jsonl and text inputs in every --format; `--compare-outputs DIR`
   checks a later run prints exactly the same, so a speed-up can be compared against the code
   before it.

Subprocesses run with the caller's environment less PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED
(bytecode is written under a temporary PYTHONPYCACHEPREFIX, as an installed wheel has it; output
is buffered, as in a user's shell), and with CSLINT_CACHE_DIR in a temporary folder.

    .venv/bin/python bench/cli.py [--rounds N] [--batch-rounds N] [--skip-startup] [--limit N]
                                  [--save-outputs DIR] [--compare-outputs DIR]

The script prints numbers and exits 0 (1 only when --compare-outputs finds a difference); the
tests never look at timings.
"""
from __future__ import annotations

import argparse
import codecs
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPORA = ROOT.parent / "shared" / "corpora"
SAMPLE_TRANSCRIPTS = ROOT / "corpora" / "sample_transcripts.jsonl"
BIN = Path(sys.executable).parent
CSLINT = [str(BIN / "cslint")] if (BIN / "cslint").exists() else [sys.executable, "-m", "cslint"]

STARTUP_REPLY = "这个我真不知道，你问下快递吧"  # 不知道 after 真: jieba decides the word boundary
PLAIN_REPLY = "你好，你问下快递吧"  # hits whose boundaries need no jieba
TARGET_STARTUP_S = 0.6
TARGET_BATCH_RATIO = 1.3


# --- environment and processes ------------------------------------------------------------------

def child_env(cache_dir: Path, pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "CSLINT_PACKS", "CSLINT_CACHE_DIR")}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["CSLINT_CACHE_DIR"] = str(cache_dir)
    return env


def run(argv: list[str], env: dict[str, str], stdin: bytes = b"", out: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one process, from spawn to exit; stdout to `out` when given (kept off this
    process's pipes, as a shell redirection would). The process's CPU time (user + system) is
    left in `run.cpu`: on a shared machine it moves less than the wall time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out is not None:
        with open(out, "wb") as sink:
            start = time.perf_counter()
            proc = subprocess.run(argv, input=stdin, stdout=sink, stderr=subprocess.PIPE, env=env)
    else:
        start = time.perf_counter()
        proc = subprocess.run(argv, input=stdin, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc


# --- data ---------------------------------------------------------------------------------------

def transcript_files() -> list[Path]:
    shared = sorted(SHARED_CORPORA.glob("*.jsonl")) if SHARED_CORPORA.is_dir() else []
    return shared or [SAMPLE_TRANSCRIPTS]


def agent_rows(limit: int | None) -> tuple[list[str], list[str]]:
    """The agent turns' lines, as they are in the files, and their texts."""
    lines, texts = [], []
    for path in transcript_files():
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                if row.get("role") == "agent" and isinstance(row.get("text"), str):
                    lines.append(line if line.endswith("\n") else line + "\n")
                    texts.append(row["text"])
    if limit is not None and limit < len(lines):
        picked = [i * len(lines) // limit for i in range(limit)]
        lines, texts = [lines[i] for i in picked], [texts[i] for i in picked]
    return lines, texts


def hostile_jsonl() -> str:
    """Records that exercise every branch of the jsonl path: odd ids, bad lines, escapes."""
    lines = [
        '{"id": 1, "text": "你好，这个我真不知道，你问下快递吧"}',
        '{"id": "a\\ud800b", "text": "喂\\ud83d 你好\\udc00"}',
        '{"id": 1.5, "text": "您好，不知道"}',
        '{"id": 123456789012345678901234567890, "text": "你好"}',
        '{"id": NaN, "text": "你好"}',
        '{"id": [1, {"x": null}], "text": "急什么"}',
        '{"id": "dup", "id": "dup2", "text": "你好", "text": "木有"}',
        '{"text": "没有 id 的回复，工单已经揽收"}',
        '{"id": "t", "text": 5}',
        '{"id": "n", "text": null}',
        '{"id": "m"}',
        '[1, 2]',
        '"just a string"',
        '{"id": "bad", "text": "x"',
        '{"id": "bad2", "text": "x"} trailing',
        '   ',
        '',
        '{"id": "ch", "text": "您好，请问", "channel": "fax"}',
        '{"id": "pos", "text": "您好", "position": "closing", "channel": "email"}',
        '{"id": "pos2", "text": "你好", "position": 3}',
        '{"id": "ctl", "text": "你好\\u0001\\t\\n第二行\\r\\n \\u2028 \\"quoted\\" \\\\ back \\u007f \\u0000"}',
        '{"id": "big", "text": "' + "你好，这个这个，应该是吧" * 50 + '"}',
        '{"id": "-0", "text": "你们好"}',
        '{"id": -0, "text": "您好，喂养"}',
        '{"id": -0.0, "text": "您好"}',
        '{"id": 1e400, "text": "说了多少遍了"}',
        '{"id": 1E2, "text": "说了多少遍了"}',
        '{"id": true, "text": "难道您没收到短信吗"}',
        '{"id": {"nested": ["a", 1, 2.50]}, "text": "你好"}',
        '{"id": "emoji😀", "text": "😀你好👍🏽亲"}',
        '{"id": "cs", "text": "你好 # cslint: disable=ni-instead-of-nin"}',
        '{"id": "cs2", "text": "您好 # cslint: disable=ni-instead-of-nin"}',
        '\ufeff{"id": "bom-mid", "text": "你好"}',
        '{"id": "deep", "text": "x", "extra": ' + '[' * 3000 + ']' * 3000 + '}',
        '{"id": "deep2", "text": "x", "extra": ' + '[' * 600 + ']' * 600 + '}',
        '{"id": "esc", "text": "\\u4f60\\u597d\\uff0c\\u6211\\u4e0d\\u77e5\\u9053"}',
        '{"id": "last-no-newline", "text": "你好"}',
    ]
    return "\n".join(lines)


def write_inputs(folder: Path, corpus_lines: list[str]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "corpus.jsonl": folder / "corpus.jsonl",
        "hostile.jsonl": folder / "hostile.jsonl",
        "bad-utf8.jsonl": folder / "bad-utf8.jsonl",
        "reply1.txt": folder / "reply1.txt",
        "reply2.txt": folder / "reply2.txt",
        "empty.jsonl": folder / "empty.jsonl",
    }
    paths["corpus.jsonl"].write_text("".join(corpus_lines), encoding="utf-8")
    paths["hostile.jsonl"].write_bytes(hostile_jsonl().encode("utf-8", "surrogatepass"))
    paths["bad-utf8.jsonl"].write_bytes(b'{"id": 1, "text": "\xff\xfe\xe4"}\n{"id": 2, "text": "\xe4\xbd\xa0\xe5\xa5\xbd"}\n')
    paths["reply1.txt"].write_text("您好，你的订单我这边查了一下，这个这个……应该是仓库那边还没发货，不知道具体什么时候能发。\n"
                                   "第二行 你 看下\n", encoding="utf-8")
    paths["reply2.txt"].write_text("喂，您好", encoding="utf-8")
    paths["empty.jsonl"].write_bytes(b"")
    # the same records in other shapes: CRLF lines, a UTF-8 BOM, GB18030, UTF-16 with its BOM,
    # one long line among short ones (refused under a small --max-chars), markers that silence nothing
    hostile = hostile_jsonl()
    plain = "\n".join(line for line in hostile.split("\n") if "\\ud8" not in line and "\\udc" not in line)
    extra = {
        "crlf.jsonl": plain.replace("\n", "\r\n").encode("utf-8"),
        "bom.jsonl": codecs.BOM_UTF8 + plain.encode("utf-8"),
        "gb18030.jsonl": plain.encode("gb18030"),
        "utf16.jsonl": plain.encode("utf-16"),
        "long.jsonl": ('{"id": 1, "text": "你好"}\n{"id": 2, "text": "' + "您好" * 300 + '"}\n'
                       '{"id": 3, "text": "你好"}\n').encode("utf-8"),
        "markers.jsonl": "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate([
            "您好 # cslint: disable=ni-instead-of-nin", "你好 # cslint: disable=ni-instead-of-nin", "您好，请稍等",
            "你好 # cslint: disable", "# cslint: disable-next-line\n你好", "好的 # cslint: disable=filler",
            "这个这个我不知道 # cslint: disable=filler", "您好"])).encode("utf-8"),
    }
    for name, data in extra.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    # per-file settings from a configuration file (cases naming --config run without --isolated)
    paths["cslint.toml"] = folder / "cslint.toml"
    paths["cslint.toml"].write_text('channel = "email"\nfail-on = "error"\nreport-unused-disables = true\n'
                                    '[per-file-overrides."markers*.jsonl"]\nchannel = "chat"\nposition = "closing"\n'
                                    'ignore = ["filler"]\n'
                                    '[per-file-overrides."crlf*.jsonl"]\nselect = ["forbidden", "honorific"]\n'
                                    'fail-on = "info"\n', encoding="utf-8")
    return paths


# --- 1. start-up --------------------------------------------------------------------------------

def jieba_consulted(reply: str) -> bool:
    """Whether checking `reply` makes lint/segment.py load jieba (checked in this process)."""
    from cslint.checker import Checker

    checker = Checker.from_packs(["default"])
    checker.check(reply)
    return checker.segmenter._tokenizer is not None


def startup(rounds: int, work: Path) -> None:
    pycache = work / "pycache"
    warm_cache = work / "cache-warm"
    python = sys.executable
    # bytecode first (an installed wheel has it), with a cache folder used for nothing else
    run(CSLINT + ["check"], child_env(work / "cache-pyc", pycache), STARTUP_REPLY.encode())
    run([python, "-c", "import cslint"], child_env(work / "cache-pyc", pycache))
    first, proc = run(CSLINT + ["check"], child_env(warm_cache, pycache), STARTUP_REPLY.encode())
    second, _ = run(CSLINT + ["check"], child_env(warm_cache, pycache), STARTUP_REPLY.encode())
    cases = {
        "python -c pass": ([python, "-c", "pass"], b""),
        'python -c "import cslint"': ([python, "-c", "import cslint"], b""),
        "cslint check (reply needing jieba)": (CSLINT + ["check"], STARTUP_REPLY.encode()),
        "cslint check (reply needing no jieba)": (CSLINT + ["check"], PLAIN_REPLY.encode()),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    env = child_env(warm_cache, pycache)
    names = list(cases)
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            argv, stdin = cases[name]
            times[name].append(run(argv, env, stdin)[0])
    print(f"== 1. start-up: one reply on stdin, a fresh process each time ({rounds} rounds, rotating order)")
    print(f"   reply: {STARTUP_REPLY}  (jieba consulted: {'yes' if jieba_consulted(STARTUP_REPLY) else 'NO'}; "
          f"exit {proc.returncode})")
    base = statistics.median(times["python -c pass"])
    print(f"   {'':42} {'median':>8} {'fastest':>8} {'x pass':>7}")
    for name in names:
        median = statistics.median(times[name])
        print(f"   {name:42} {median:8.3f} {min(times[name]):8.3f} {median / base:7.1f}")
    print(f"   {'cslint check, first run (empty cache dir)':42} {first:8.3f}")
    print(f"   {'cslint check, second run':42} {second:8.3f}")
    median = statistics.median(times["cslint check (reply needing jieba)"])
    verdict = "met" if median <= TARGET_STARTUP_S else "NOT met"
    print(f"   target: reply needing jieba <= {TARGET_STARTUP_S:.1f} s (median, warm caches): {median:.3f} s, {verdict}")


# --- 2. the jsonl batch path --------------------------------------------------------------------

def engine_pass(path: Path) -> float:
    """One pass of Checker.check over the texts of a jsonl file, in this process, on a fresh
    checker; the texts are read and the checker built before the clock starts. jieba loads at
    the first reply that needs it, inside the clock, as in the command."""
    from cslint.checker import Checker

    with open(path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    checker = Checker.from_packs(["default"])
    check = checker.check
    start, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        check(text)
    return time.perf_counter() - start, time.process_time() - cpu


def engine_process(path: Path, env: dict[str, str]) -> tuple[float, float]:
    """`engine_pass` in a fresh process, so the engine starts as cold as the command does (the
    module-level caches of a long-lived process would flatter it): its wall and CPU time."""
    proc = subprocess.run([sys.executable, __file__, "--engine-pass", str(path)], capture_output=True, text=True,
                          env=env, check=True)
    wall, cpu = proc.stdout.split()
    return float(wall), float(cpu)


PHASES = ("read and split lines", "orjson parse", "Checker.check", "encode output lines", "write")


def phases_pass(path: Path, out: Path) -> list[float]:
    """The jsonl batch's work one phase at a time over the whole file, in this process (CPU
    seconds each, PHASES): what each costs on its own, without the loop that interleaves them
    record by record. Lines are made as the command makes them: a clean record's from its id
    and text (cli.CleanLines), the others by Outcome.json_line."""
    import orjson
    from cslint.checker import Checker
    from cslint.cli import _CLEAN_LINE
    from cslint.render import Outcome

    checker = Checker.from_packs(["default"])
    clock = time.process_time
    marks = [clock()]
    with open(path, "rb") as handle:
        lines = handle.read().split(b"\n")
    if not lines[-1]:
        lines.pop()
    marks.append(clock())
    rows = [orjson.loads(line) for line in lines]
    marks.append(clock())
    check = checker.check
    results = [check(row["text"]) for row in rows]
    marks.append(clock())
    dumps = orjson.dumps
    encoded = [_CLEAN_LINE % (dumps(row["id"]), dumps(row["text"])) if not result.diagnostics else
               Outcome(str(row["id"]), "id", row["id"], row["text"], result.diagnostics, result.fixed).json_line()
               for row, result in zip(rows, results)]
    marks.append(clock())
    with open(out, "wb") as sink:
        for start in range(0, len(encoded), 256):  # the command's batches
            sink.write(b"\n".join(encoded[start:start + 256]) + b"\n")
    marks.append(clock())
    return [b - a for a, b in zip(marks, marks[1:])]


def phases_process(path: Path, out: Path, env: dict[str, str]) -> list[float]:
    """`phases_pass` in a fresh process."""
    proc = subprocess.run([sys.executable, __file__, "--phases-pass", str(path), str(out)], capture_output=True,
                          text=True, env=env, check=True)
    return [float(x) for x in proc.stdout.split()]


def batch(rounds: int, work: Path, paths: dict[str, Path], texts: list[str]) -> None:
    env = child_env(work / "cache-warm", work / "pycache")
    argv = CSLINT + ["check", "--input-format", "jsonl", "--format", "jsonl"]
    run(argv + [str(paths["corpus.jsonl"])], env, out=work / "batch.out")  # warm caches and bytecode
    engine, command, empty, phases = [], [], [], []  # (wall, cpu) of each round; phases: CPU seconds

    def timed(argv: list[str], **options) -> tuple[float, float]:
        wall, _ = run(argv, env, **options)
        return wall, run.cpu

    for r in range(rounds):
        steps = [
            lambda: engine.append(engine_process(paths["corpus.jsonl"], env)),
            lambda: command.append(timed(argv + [str(paths["corpus.jsonl"])], out=work / "batch.out")),
            lambda: empty.append(timed(argv + [str(paths["empty.jsonl"])])),
            lambda: phases.append(phases_process(paths["corpus.jsonl"], work / "phases.out", env)),
        ]
        for step in steps[r % len(steps):] + steps[:r % len(steps)]:
            step()
    n = len(texts)
    size = paths["corpus.jsonl"].stat().st_size
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n== 2. jsonl batch: {n:,} agent turns ({size / 1e6:.1f} MB), fastest of {rounds} rounds, rotating order "
          f"(load average {load} on {os.cpu_count()} CPUs)")
    print(f"   {'':50} {'wall s':>8} {'µs/reply':>9} {'cpu s':>8} {'µs/reply':>9}")
    ratios = []
    for clock, name in ((0, "wall"), (1, "cpu")):
        best_engine = min(e[clock] for e in engine)
        best_command = min(c[clock] for c in command)
        best_empty = min(e[clock] for e in empty)
        ratios.append((name, (best_command - best_empty) / best_engine, best_command / best_engine))
        if clock == 0:
            rows = [(best_engine, best_engine / n), (best_command, None), (best_empty, None),
                    (best_command - best_empty, (best_command - best_empty) / n)]
        else:
            for i, value in enumerate((best_engine, best_command, best_empty, best_command - best_empty)):
                rows[i] += (value, value / n if i in (0, 3) else None)
    labels = ["engine: Checker.check, a fresh process", "cslint check --input-format jsonl --format jsonl",
              "  of which start-up (same command, empty file)", "  per reply (total - start-up)"]
    for label, (wall, wall_each, cpu, cpu_each) in zip(labels, rows):
        each = lambda v: f"{v * 1e6:9.1f}" if v is not None else " " * 9
        print(f"   {label:50} {wall:8.3f} {each(wall_each)} {cpu:8.3f} {each(cpu_each)}")
    for name, ratio, whole in ratios:
        verdict = "met" if ratio <= TARGET_BATCH_RATIO else "NOT met"
        print(f"   {name}: command per reply / engine per reply {ratio:.2f}x (target <= {TARGET_BATCH_RATIO}x: {verdict}); "
              f"command over the file / engine {whole:.2f}x")
    best = [min(p[i] for p in phases) for i in range(len(PHASES))]
    command_each = (min(c[1] for c in command) - min(e[1] for e in empty)) / n
    print(f"   split, CPU µs per reply: each phase alone over the whole file in a fresh process (fastest of {rounds}),")
    print("   and what the command spends beyond their sum (the loop that interleaves them, jobs for findings)")
    for name, value in zip(PHASES, best):
        print(f"     {name:48} {value / n * 1e6:9.2f}")
    print(f"     {'sum':48} {sum(best) / n * 1e6:9.2f}")
    print(f"     {'the command per reply, beyond the sum':48} {command_each * 1e6 - sum(best) / n * 1e6:9.2f}")
    print(f"     {'engine (Checker.check) per reply, x1.3':48} {min(e[1] for e in engine) / n * 1e6 * TARGET_BATCH_RATIO:9.2f}")


# --- 3. output bytes ----------------------------------------------------------------------------

OUTPUT_CASES: list[tuple[str, list[str]]] = [
    (f"{source}.{fmt}", ["--input-format", "jsonl", "--format", fmt, source])
    for source in ("corpus.jsonl", "hostile.jsonl")
    for fmt in ("jsonl", "json", "text", "sarif", "github", "junit")
] + [
    ("hostile.jsonl.fix.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fix", "hostile.jsonl"]),
    ("hostile.jsonl.unsafe.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fix", "--unsafe-fixes",
                                    "hostile.jsonl"]),
    ("hostile.jsonl.stdin.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "-"]),
    ("bad-utf8.jsonl.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "bad-utf8.jsonl"]),
    ("bad-utf8.jsonl.gb18030.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--encoding", "gb18030",
                                      "bad-utf8.jsonl"]),
    ("corpus.jsonl.fix.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fix", "corpus.jsonl"]),
    ("corpus.jsonl.unsafe.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fix", "--unsafe-fixes",
                                   "corpus.jsonl"]),
    ("corpus.jsonl.email-closing.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--channel", "email",
                                          "--position", "closing", "corpus.jsonl"]),
    ("hostile.jsonl.unused.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--report-unused-disables",
                                    "hostile.jsonl", "markers.jsonl"]),
    ("hostile.jsonl.fail-on-error.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fail-on", "error",
                                           "hostile.jsonl"]),
    ("markers.jsonl.fail-on-error.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--fail-on", "error",
                                           "markers.jsonl", "long.jsonl"]),
    ("hostile.jsonl.select.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--select", "forbidden,tone",
                                    "--ignore", "warning", "hostile.jsonl"]),
    ("shapes.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "crlf.jsonl", "bom.jsonl", "utf16.jsonl",
                      "markers.jsonl", "no-such-file.jsonl", "empty.jsonl", "corpus.jsonl"]),
    ("gb18030.jsonl.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--encoding", "gb18030",
                             "gb18030.jsonl"]),
    ("long.jsonl.max-chars.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--max-chars", "100",
                                    "long.jsonl", "hostile.jsonl"]),
    ("long.jsonl.max-chars-small.jsonl", ["--input-format", "jsonl", "--format", "jsonl", "--max-chars", "1",
                                          "long.jsonl", "markers.jsonl"]),
    ("config.jsonl", ["--config", "cslint.toml", "--input-format", "jsonl", "--format", "jsonl", "hostile.jsonl",
                      "markers.jsonl", "crlf.jsonl", "corpus.jsonl"]),
    ("config.stdin.jsonl", ["--config", "cslint.toml", "--input-format", "jsonl", "--format", "jsonl", "-"]),
    ("config.fix.jsonl", ["--config", "cslint.toml", "--input-format", "jsonl", "--format", "jsonl", "--fix",
                          "--unsafe-fixes", "markers.jsonl", "hostile.jsonl"]),
] + [
    (f"replies.{fmt}", ["--format", fmt, "reply1.txt", "reply2.txt"])
    for fmt in ("jsonl", "json", "text", "sarif", "github", "junit")
] + [
    ("reply1.fix.text", ["--fix", "reply1.txt"]),
    ("reply1.stdin.text", ["-"]),
]


def outputs(work: Path, paths: dict[str, Path]) -> dict[str, bytes]:
    """Every case's stdout, stderr and exit status, as one blob per case."""
    env = child_env(work / "cache-warm", work / "pycache")
    found = {}
    for name, args in OUTPUT_CASES:
        stdin = paths["hostile.jsonl"].read_bytes() if name.endswith(".stdin.jsonl") else (
            paths["reply1.txt"].read_bytes() if name.endswith(".stdin.text") else b"")
        isolated = [] if "--config" in args else ["--isolated"]
        proc = subprocess.run(CSLINT + ["check", *isolated, *args], input=stdin, capture_output=True,
                              env=env, cwd=paths["corpus.jsonl"].parent)
        found[name] = b"status %d\n--- stdout\n%s\n--- stderr\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return found


def save_outputs(found: dict[str, bytes], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, blob in found.items():
        (folder / name).write_bytes(blob)
    print(f"\n== 3. output bytes: {len(found)} cases saved to {folder}")


def compare_outputs(found: dict[str, bytes], folder: Path) -> bool:
    differ = [name for name, blob in found.items()
              if not (folder / name).is_file() or (folder / name).read_bytes() != blob]
    total = sum(len(b) for b in found.values())
    print(f"\n== 3. output bytes: {len(found) - len(differ)} of {len(found)} cases identical to {folder} "
          f"({total / 1e6:.1f} MB, sha1 {hashlib.sha1(b''.join(found.values())).hexdigest()[:12]})")
    for name in differ:
        print(f"   DIFFERS: {name}")
    return not differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="start-up rounds (batch: a third, at least 3)")
    parser.add_argument("--batch-rounds", type=int, default=None, help="batch rounds (default: half the start-up rounds)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many agent turns")
    parser.add_argument("--save-outputs", metavar="DIR", help="save the command's outputs of every case here")
    parser.add_argument("--compare-outputs", metavar="DIR", help="compare the outputs with those saved here")
    parser.add_argument("--skip-timings", action="store_true", help="only save or compare outputs")
    parser.add_argument("--skip-startup", action="store_true", help="time the jsonl batch only")
    parser.add_argument("--engine-pass", metavar="FILE", help=argparse.SUPPRESS)  # engine_process's child
    parser.add_argument("--phases-pass", nargs=2, metavar=("FILE", "OUT"), help=argparse.SUPPRESS)  # phases_process's
    args = parser.parse_args(argv)
    if args.engine_pass:
        print(*engine_pass(Path(args.engine_pass)))
        return 0
    if args.phases_pass:
        print(*phases_pass(*map(Path, args.phases_pass)))
        return 0
    lines, texts = agent_rows(args.limit)
    work = Path(tempfile.mkdtemp(prefix="cslint-bench-cli-"))
    try:
        paths = write_inputs(work / "inputs", lines)
        if not args.skip_timings:
            if not args.skip_startup:
                startup(args.rounds, work)
            batch(max(3, args.batch_rounds or args.rounds // 2), work, paths, texts)
        ok = True
        if args.save_outputs or args.compare_outputs:
            found = outputs(work, paths)
            if args.save_outputs:
                save_outputs(found, Path(args.save_outputs))
            if args.compare_outputs:
                ok = compare_outputs(found, Path(args.compare_outputs))
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
