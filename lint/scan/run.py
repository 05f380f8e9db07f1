"""`cslint scan`: plan the partitions, run the unfinished ones on an engine, merge the outputs.

Engines run `run_partition` and hand each finished part back to this process, which alone
writes the checkpoint (so the output directory needs no sharing with Dask workers):

* `local`: in this process with one worker, else a process pool (each worker builds the engine
  once, on its first partition);
* `dask`: the tasks of an existing Dask distributed cluster (`--scheduler tcp://HOST:PORT`), or
  of a local distributed cluster started for the scan.
"""
from __future__ import annotations

import gc
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..checker import Checker
from .disputes import Disputes, DisputesError, read_disputes, unknown_notes
from .inputs import ColumnMap
from .merge import merge
from .orphans import exit_with_parent
from .overlap import own_file_among
from .part import PART_FORMAT
from .partition import ScanOptions, checker_for, run_partition, scoring_of
from .plan import Partition, plan
from .snapshot import changes, snapshots
from .store import PartWriter, ScanState

ENGINES = ("local", "dask")


class ScanError(Exception):
    """A user error: message for stderr, exit status 2."""


@dataclass
class ScanOutcome:
    summary: dict
    partitions: int
    ran: int  # partitions checked by this run (the others were done before)
    seconds: float
    notes: list[str] = field(default_factory=list)  # inputs changed since they were planned


def run_scan(inputs: Sequence[str], out_dir: str | Path, options: ScanOptions, *, workers: int | None = None,
             engine: str = "local", scheduler: str | None = None, strict: bool = False, fresh: bool = False,
             partition_bytes: int | None = None, disputes: str | Path | None = None,
             on_progress: Callable[[int, int], None] | None = None) -> ScanOutcome:
    """Scan `inputs` into `out_dir`, resuming what a killed run left. `on_progress(bytes, turns)`
    is called after each partition. `disputes`: a disputes file (see `lint.scan.disputes`),
    read first; its disputed findings count in no score."""
    started = time.perf_counter()
    missing = [p for p in inputs if not Path(p).is_file()]
    if missing:
        raise ScanError(f"{missing[0]}: no such file")
    clash = own_file_among(inputs, out_dir)
    if clash:
        raise ScanError(clash)
    judged = _read_disputes(disputes)
    checker = checker_for(options)  # PackError: a broken pack
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with ScanState(out).locked() as state:
        taken = snapshots(inputs, None if fresh else state.stored_inputs())
        partitions = plan(list(inputs), partition_bytes, ColumnMap(options.columns), [s["size"] for s in taken],
                          options.encoding)
        digest = judged.digest() if judged else None
        stored = state.open(_manifest(taken, options, checker, partitions), fresh=fresh, disputes=digest)
        if stored.get("complete"):
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            notes = changes(inputs, taken) + (unknown_notes(judged, summary["disputes"]["findings"]) if judged else [])
            return ScanOutcome(summary, len(partitions), 0, time.perf_counter() - started, notes)
        done = state.done()
        todo = [p for p in partitions if p.index not in done]
        if on_progress and done:
            on_progress(sum(p.size for p in partitions if p.index in done), 0)  # resumed: count what is done
        with PartWriter(state) as parts:
            for index, data, facts in _run(engine, todo, options, workers or os.cpu_count() or 1, scheduler):
                if strict and facts["first_error"]:
                    first = facts["first_error"]
                    raise ScanError(f"{first['where']}: {first['reason']} (--strict)")
                parts.save(index, data)
                if on_progress:
                    on_progress(partitions[index].size, facts["turns"])
        notes = changes(inputs, taken)  # what was read is what was planned; say what changed since
        scoring = scoring_of(checker)
        header = {
            "generated_by": f"cslint {_version()}",
            "inputs": list(inputs),
            "packs": [{"id": p.id, "version": p.version} for p in checker.packs],
            "channel": options.channel,
            "notes": notes,
        }
        rules = {r.id: {"category": r.category.value, "message": r.message} for r in checker.rules}
        summary = merge(state, len(partitions), header, rules, scoring, judged)
        state.mark_complete(stored, digest)
        notes = notes + (unknown_notes(judged, summary["disputes"]["findings"]) if judged else [])
        return ScanOutcome(summary, len(partitions), len(todo), time.perf_counter() - started, notes)


def _read_disputes(path: str | Path | None) -> Disputes | None:
    if path is None:
        return None
    try:
        return read_disputes(path)
    except DisputesError as exc:
        raise ScanError(str(exc)) from None


def _manifest(taken: list[dict], options: ScanOptions, checker: Checker, partitions: list[Partition]) -> dict:
    """What makes two runs "the same scan": same files (as planned: size, mtime, fingerprint),
    options, packs, plan."""
    return {
        "inputs": taken,
        "options": options.to_dict(),
        "packs": [{"id": p.id, "version": p.version, "path": p.path} for p in checker.packs],
        "partitions": [p.to_dict() for p in partitions],
        "part_format": PART_FORMAT,
    }


def _run(engine: str, todo: list[Partition], options: ScanOptions, workers: int,
         scheduler: str | None) -> Iterator[tuple[int, bytes, dict]]:
    if not todo:
        return iter(())
    if engine == "dask":
        return _run_dask(todo, options, workers, scheduler)
    if workers == 1:
        return _run_here(todo, options)
    return _run_pool(todo, options, workers)


def _run_here(todo: list[Partition], options: ScanOptions) -> Iterator[tuple[int, bytes, dict]]:
    """In this process, the engine's heap prepared as for pool workers (`_engine_heap`)."""
    with _engine_heap(options):
        for partition in todo:
            yield run_partition(partition, options)


# A check allocates a few dozen short-lived objects: with the collector's default threshold (700)
# a partition of the shared corpus ran ~130 collections, ~4 µs per agent turn; at this threshold
# it runs one or two (measured with gc.callbacks).
YOUNG_THRESHOLD = 20_000


@contextmanager
def _engine_heap(options: ScanOptions) -> Iterator[None]:
    """The engine built (and jieba loaded) before any partition: pool workers forked afterwards
    inherit it. Its objects (packs, automaton) live as long as the scan: frozen, the collector
    stops going through them (and, in forked workers, copying their pages) each time it runs;
    and it runs less often. Both are undone afterwards."""
    checker_for(options).segmenter.warm_up()
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


MAX_POOL_RESTARTS = 3  # a pool whose worker died is replaced this many times before the scan stops


def _run_pool(todo: list[Partition], options: ScanOptions, workers: int) -> Iterator[tuple[int, bytes, dict]]:
    with _engine_heap(options):
        yield from _run_pool_prepared(todo, options, workers)


def _run_pool_prepared(todo: list[Partition], options: ScanOptions, workers: int) -> Iterator[tuple[int, bytes, dict]]:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    remaining = list(todo)
    restarts = 0
    while remaining:
        finished: set[int] = set()
        try:
            with ProcessPoolExecutor(max_workers=min(workers, len(remaining)), mp_context=context,
                                     initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
                futures = {pool.submit(run_partition, p, options): i for i, p in enumerate(remaining)}
                try:
                    for future in as_completed(futures):
                        result = future.result()
                        finished.add(futures[future])
                        yield result
                finally:
                    for future in futures:
                        future.cancel()
        except BrokenProcessPool:
            # a worker was killed (OOM killer, kill -9): start a new pool for what is left
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise ScanError(f"scan workers died {restarts} times (killed, or out of memory); the finished "
                                "partitions are kept: re-run the same command to resume") from None
        remaining = [p for i, p in enumerate(remaining) if i not in finished]


def _run_dask(todo: list[Partition], options: ScanOptions, workers: int,
              scheduler: str | None) -> Iterator[tuple[int, bytes, dict]]:
    try:
        from distributed import Client, LocalCluster, as_completed as dask_completed
    except ImportError:
        raise ScanError("--engine dask needs dask.distributed: pip install 'cslint[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ScanError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(run_partition, todo, options=options, pure=False)
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _version() -> str:
    from .. import __version__

    return __version__
