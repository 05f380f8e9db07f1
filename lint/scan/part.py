"""A part file: what one checked partition contributes to the outputs.

    {"format": PART_FORMAT, "index": N, "tally": {...}, "ledger": [...], "sizes": [F, C, E]}\\n
    <F bytes of findings.jsonl lines><C bytes of conversations.csv rows><E bytes of errors.jsonl lines>

One line of JSON (the partition's `Tally`, its ledger and the sizes of what follows), then the
partition's rows of three outputs, already rendered (lint/scan/outputs.py), so the merge copies
bytes and parses only the first line. The ledger serves disputes (lint/scan/disputes.py): for
each conversation with findings, its row in conversations.csv, its agents, and its findings'
ids and dates in file order.

Parts are written by the workers (or the only process) and stored as they are, uncompressed:
compressing them cost more than everything else the scan adds to the check. The checkpoint
(DIR/.cslint-scan/parts/) therefore takes about the size of findings.jsonl and conversations.csv.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from .tally import Tally

PART_FORMAT = 2  # a checkpoint of parts in another format is refused (lint/scan/run.py's manifest)


@dataclass
class Part:
    index: int
    tally: Tally
    ledger: list[list] = field(default_factory=list)  # [row, [agent, ...], [[finding id, date], ...]]
    findings: bytes = b""
    conversations: bytes = b""
    errors: bytes = b""


def encode(part: Part) -> bytes:
    head = {"format": PART_FORMAT, "index": part.index, "tally": part.tally.to_part(), "ledger": part.ledger,
            "sizes": [len(part.findings), len(part.conversations), len(part.errors)]}
    return b"".join((orjson.dumps(head, option=orjson.OPT_APPEND_NEWLINE), part.findings, part.conversations,
                     part.errors))


def decode(data: bytes) -> Part:
    end = data.index(b"\n")
    head = orjson.loads(data[:end])
    if head.get("format") != PART_FORMAT:
        raise ValueError(f"part file of format {head.get('format')!r}, not {PART_FORMAT}")
    findings, conversations, errors = head["sizes"]
    at = end + 1
    return Part(head["index"], Tally.from_part(head["tally"]), head["ledger"],
                data[at:at + findings], data[at + findings:at + findings + conversations],
                data[at + findings + conversations:at + findings + conversations + errors])
