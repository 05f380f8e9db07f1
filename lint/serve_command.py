"""The `cslint serve` command line: validate the packs, then run the service under uvicorn.

Options reach every worker through CSLINT_SERVE_* variables; the web stack is imported only
here, so the rest of `cslint` never needs it.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys

from .checker import DEFAULT_MAX_CHARS
from .cli import _positive

# What uvicorn imports in each worker: the installed name (source folder service/front.py, which
# imports FastAPI only when a request needs the full app).
SERVICE_APP = "cslint.service.front:create_service_from_env"


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_positive, default=8000)
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (default: 1)")
    serve.add_argument("--max-chars", type=_positive, default=DEFAULT_MAX_CHARS, metavar="N",
                       help=f"refuse longer texts with 413 (default: {DEFAULT_MAX_CHARS})")
    serve.add_argument("--max-body", type=_positive, default=64 * 1024, metavar="BYTES",
                       help="refuse larger request bodies with 413 (default: 65536)")
    serve.add_argument("--max-request-chars", type=_positive, default=100_000, metavar="N",
                       help="refuse batch and conversation requests holding more characters in all, "
                            "with 413 (default: 100000)")
    serve.add_argument("--max-diagnostics", type=_positive, default=1_000, metavar="N",
                       help="diagnostics per request: /v1/check and /v2/check send the first N and say so, "
                            "batches and conversations over it get 422 (default: 1000)")
    serve.add_argument("--request-timeout", type=_seconds, default=10.0, metavar="SECONDS",
                       help="close a connection that takes longer to send a whole request, or sends none "
                            "(default: 10)")
    serve.add_argument("--write-timeout", type=_seconds, default=10.0, metavar="SECONDS",
                       help="drop a connection that stops reading its response for this long (default: 10)")
    serve.add_argument("--keep-alive", type=_seconds, default=5.0, metavar="SECONDS",
                       help="close an idle keep-alive connection after this long (default: 5)")
    serve.add_argument("--worker-start-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                       help="with --workers N: how long a new worker may take to load the packs and warm up "
                            "before a restart gives up on it (default: 60; a busy machine needs more than uvicorn's 5)")


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {value!r}") from None
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600 seconds, got {value}")
    return seconds


def cmd_serve(args: argparse.Namespace) -> int:
    """Validate the packs here (a broken pack is exit 2, not a crashed worker), keep them as the
    first snapshot of packs that validated (service/snapshot.py), then run uvicorn."""
    from .packs import load_packs, packs_dirs

    packs = load_packs(args.pack or [], packs_dirs(args.packs_dir or []))
    try:
        import uvicorn

        from cslint.service.server import uvicorn_options
        from cslint.service.snapshot import hand_over, make_snapshot_dir, pack_digest, save_snapshot
    except ImportError:
        print("cslint serve needs the service extra: pip install 'cslint[service]'", file=sys.stderr)
        return 2
    snapshot_dir = make_snapshot_dir()
    snapshot = os.path.join(snapshot_dir, "packs.pickle")
    digests = {p.id: pack_digest(p) for p in packs}
    save_snapshot(snapshot, packs, digests)
    if args.workers == 1:
        hand_over(packs, digests)  # uvicorn serves in this process: the worker need not load them again
    os.environ.update({
        "CSLINT_SERVE_PACKS": os.pathsep.join(args.pack or []),
        "CSLINT_SERVE_PACKS_DIRS": os.pathsep.join(args.packs_dir or []),
        "CSLINT_MAX_CHARS": str(args.max_chars),
        "CSLINT_MAX_BODY": str(args.max_body),
        "CSLINT_MAX_REQUEST_CHARS": str(args.max_request_chars),
        "CSLINT_MAX_DIAGNOSTICS": str(args.max_diagnostics),
        "CSLINT_REQUEST_TIMEOUT": str(args.request_timeout),
        "CSLINT_WRITE_TIMEOUT": str(args.write_timeout),
        "CSLINT_PACK_SNAPSHOT": snapshot,
    })
    options = dict(factory=True, **uvicorn_options(host=args.host, port=args.port, workers=args.workers,
                                                   keep_alive=args.keep_alive,
                                                   worker_start_timeout=args.worker_start_timeout))
    try:
        if args.workers > 1:  # /metrics adds up every worker's counts (service/workers.py)
            from cslint.service.workers import run_workers

            run_workers(uvicorn.Config(SERVICE_APP, **options))
        else:
            uvicorn.run(SERVICE_APP, **options)
    finally:
        shutil.rmtree(snapshot_dir, ignore_errors=True)
    return 0

