"""The `cslint serve` command line: validate the packs, then run the service under uvicorn.

Options reach every worker through CSLINT_SERVE_* variables; the web stack is imported only
here, so the rest of `lint` never needs it.
"""
from __future__ import annotations

import argparse
import os
import sys

from .checker import DEFAULT_MAX_CHARS
from .cli import _positive


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_positive, default=8000)
    serve.add_argument("--workers", type=_positive, default=1, help="worker processes (default: 1)")
    serve.add_argument("--max-chars", type=_positive, default=DEFAULT_MAX_CHARS, metavar="N",
                       help=f"refuse longer texts with 413 (default: {DEFAULT_MAX_CHARS})")
    serve.add_argument("--max-body", type=_positive, default=64 * 1024, metavar="BYTES",
                       help="refuse larger request bodies with 413 (default: 65536)")


def cmd_serve(args: argparse.Namespace) -> int:
    """Validate the packs here (a broken pack is exit 2, not a crashed worker), then run uvicorn."""
    from .packs import load_packs, packs_dirs

    load_packs(args.pack or [], packs_dirs(args.packs_dir or []))
    os.environ["CSLINT_SERVE_PACKS"] = os.pathsep.join(args.pack or [])
    os.environ["CSLINT_SERVE_PACKS_DIRS"] = os.pathsep.join(args.packs_dir or [])
    os.environ["CSLINT_MAX_CHARS"] = str(args.max_chars)
    os.environ["CSLINT_MAX_BODY"] = str(args.max_body)
    try:
        import uvicorn
    except ImportError:
        print("cslint serve needs the service extra: pip install 'cslint[service]'", file=sys.stderr)
        return 2
    uvicorn.run("service.app:create_app_from_env", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="warning")
    return 0
