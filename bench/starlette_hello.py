"""The ceiling bench/http.py measures the service against: a bare Starlette hello endpoint,
served by uvicorn exactly as `cslint serve --workers 1` serves cslint (the same event loop, HTTP
protocol class, timeouts and logging, from cslint.service.server.uvicorn_options).

    .venv/bin/python bench/starlette_hello.py --port 8001      # GET / answers "hello"
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

# run as a script, bench/ comes first on the path, and bench/http.py would stand in for the
# standard library's http package that starlette imports
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from starlette.applications import Starlette  # noqa: E402
from starlette.responses import PlainTextResponse  # noqa: E402
from starlette.routing import Route  # noqa: E402


async def hello(request) -> PlainTextResponse:
    return PlainTextResponse("hello")


app = Starlette(routes=[Route("/", hello)])


def main() -> None:
    import uvicorn

    from cslint.service.server import uvicorn_options

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    uvicorn.run(app, **uvicorn_options(host=args.host, port=args.port))


if __name__ == "__main__":
    main()
