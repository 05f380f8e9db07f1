"""How uvicorn runs a cslint worker: event loop, HTTP protocol, logging and timeouts.

`cslint serve` (lint/serve_command.py) and bench/starlette_hello.py (the ceiling bench/http.py
measures the service against) both take their uvicorn settings from `uvicorn_options`, so the
two differ only in the app. Importing this module loads nothing of cslint's engine.
"""
from __future__ import annotations

from typing import Any

# uvicorn's loop factory: uvloop that accepts every waiting connection at once (service/accept.py)
LOOP = f"{__package__}.accept:new_event_loop"


def uvicorn_options(*, host: str, port: int, workers: int = 1, keep_alive: float = 5.0,
                    worker_start_timeout: float = 60.0) -> dict[str, Any]:
    """Keyword arguments for uvicorn.run / uvicorn.Config, the app aside."""
    from .protocol import GuardedHttpToolsProtocol

    return dict(host=host, port=port, workers=workers, log_config=LOG_CONFIG, loop=LOOP,
                http=GuardedHttpToolsProtocol, timeout_keep_alive=keep_alive,
                timeout_worker_healthcheck=int(worker_start_timeout))


class ListeningOrWarning:
    """uvicorn's own log lines that an operator needs: the address it listens on (once the
    socket is bound, with the port it really got) and warnings; not its other chatter."""

    def filter(self, record) -> bool:
        return record.levelno >= 30 or str(record.msg).startswith("Uvicorn running on")


# uvicorn's logging: only ListeningOrWarning's lines, plain, on stderr; its access log stays off
# (the service writes its own JSON access log). Passed as log_config, not log_level, because
# uvicorn sets log_level on its loggers after applying the config.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"operator": {"()": f"{__name__}.ListeningOrWarning"}},
    "formatters": {"plain": {"format": "cslint serve: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                            "formatter": "plain", "filters": ["operator"]}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"level": "INFO"},
        "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
}
