"""Why extraction kept or dropped a candidate: the trace behind ``incidex extract --source ID --explain``.

Extraction calls :func:`kept` and :func:`dropped` where it decides; both return at once unless a trace is being
recorded (:func:`recording`), so an import pays one ContextVar read per decision and keeps nothing. The trace is
per context (thread or task), so recording in one thread never sees another thread's extraction.

A step names the fact ("type", a role such as "perpetrator" or "target", "tool", "incident", "sentence"), the
candidate (a party, a tool, a sentence's opening), the cue or the reason in our words with the text that
triggered it, and the sentence it was read in.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

__all__ = ["Step", "Trace", "kept", "dropped", "recording", "quote"]


@dataclass(frozen=True)
class Step:
    outcome: str  # "kept" or "dropped"
    fact: str
    name: str
    why: str
    sentence: str  # the sentence read ("" for a decision about the whole article)


@dataclass
class Trace:
    steps: list[Step] = field(default_factory=list)

    def cue(self, fact: str, name: str, sentence: str) -> str | None:
        """The cue that kept ``name`` as ``fact`` in ``sentence`` (the last one recorded wins: a hedge read after
        the role word refines it)."""
        low = name.lower()
        found = None
        for s in self.steps:
            if s.outcome == "kept" and s.fact == fact and s.name.lower() == low and (not sentence or s.sentence == sentence):
                found = s.why
        return found

    def drops(self) -> list[Step]:
        """Dropped candidates, each (fact, name, why, sentence) once, in the order read."""
        seen: set[tuple[str, str, str, str]] = set()
        out = []
        for s in self.steps:
            k = (s.fact, s.name.lower(), s.why, s.sentence)
            if s.outcome == "dropped" and k not in seen:
                seen.add(k)
                out.append(s)
        return out


_TRACE: ContextVar[Trace | None] = ContextVar("incidex_explain_trace", default=None)


def kept(fact: str, name: str, why: str, sentence: str = "") -> None:
    trace = _TRACE.get()
    if trace is not None:
        trace.steps.append(Step("kept", fact, name, why, sentence))


def dropped(fact: str, name: str, why: str, sentence: str = "") -> None:
    trace = _TRACE.get()
    if trace is not None:
        trace.steps.append(Step("dropped", fact, name, why, sentence))


def active() -> bool:
    """Whether a trace is being recorded (for a reason that costs something to put in words)."""
    return _TRACE.get() is not None


@contextmanager
def recording() -> Iterator[Trace]:
    """Record every decision of the extraction run inside the block."""
    trace = Trace()
    token = _TRACE.set(trace)
    try:
        yield trace
    finally:
        _TRACE.reset(token)


def quote(text: str, limit: int = 60) -> str:
    """The words that decided, quoted and cut to ``limit`` characters."""
    t = " ".join(text.split())
    return f"“{t if len(t) <= limit else t[:limit - 1] + '…'}”"
