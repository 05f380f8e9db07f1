"""Check the agent turns of a conversation: the first is the opening, the last the closing.

Conversation-level innocence: jargon the customer used first is not flagged when the agent
repeats it (the customer already knows the word), and a courtesy rule with `unless_answering`
(a refusal without apology) is not reported when the customer's last turn asked one of those
questions (有没有货? answered 暂时没有 declines nothing). Shared by the HTTP service
(/v1/conversations/check), `cslint scan` and `cslint eval` on corpus turns.
"""
from __future__ import annotations

from dataclasses import replace

from .checker import Checker
from .fix import apply_fixes
from .model import Category
from .kinds.required import occurs
from .normalize import NOISE_RE, fold


def agent_positions(roles: list[str]) -> dict[int, str]:
    """Turn index -> position for every agent turn (a lone agent turn is `single`)."""
    agents = [i for i, role in enumerate(roles) if role == "agent"]
    positions = {i: "middle" for i in agents}
    if agents:
        positions[agents[0]] = "opening"
        positions[agents[-1]] = "closing" if len(agents) > 1 else "single"
    return positions


def check_conversation(checker: Checker, turns: list[tuple[str, str]], channel: str = "chat"):
    """Yield (turn index, position, text, Result) for each agent turn, in order."""
    positions = agent_positions([role for role, _ in turns])
    customer_texts: list[str] = []
    customer_folded = ""  # what the customer said so far, folded; built only when jargon needs it
    folded_count = 0
    last_customer: str | None = None  # the customer's turn right before this agent turn
    out = []
    for index, (role, text) in enumerate(turns):
        if role != "agent":
            customer_texts.append(text)
            last_customer = text
            continue
        result = checker.check(text, channel, positions[index])
        if last_customer is not None and result.diagnostics and checker.unless_answering:
            result = _answering(checker, result, text, last_customer)
        last_customer = None
        if any(d.category is Category.JARGON for d in result.diagnostics):
            if folded_count < len(customer_texts):
                customer_folded += "".join("\n" + fold(t) for t in customer_texts[folded_count:])
                folded_count = len(customer_texts)
            kept = tuple(d for d in result.diagnostics
                         if not (d.category is Category.JARGON and fold(d.text) in customer_folded))
            if len(kept) != len(result.diagnostics):
                result = replace(result, diagnostics=kept, fixed=apply_fixes(text, kept))
        out.append((index, positions[index], text, result))
    return out


def _answering(checker: Checker, result, text: str, question: str):
    """`result` without the findings of rules whose `unless_answering` the customer's turn asks."""
    asked = None
    kept = []
    for diag in result.diagnostics:
        answers = checker.unless_answering.get(diag.rule_id)
        if answers:
            if asked is None:
                asked = NOISE_RE.sub("", fold(question))
            if occurs(answers, asked):
                continue
        kept.append(diag)
    if len(kept) == len(result.diagnostics):
        return result
    return replace(result, diagnostics=tuple(kept), fixed=apply_fixes(text, kept))
