"""The incident taxonomy: RSIT classes as backbone plus the extensions news needs.

`type` is "class/subtype". Other values: domain, status, actor roles and kinds.
"""
from __future__ import annotations

TAXONOMY: dict[str, tuple[str, ...]] = {
    "availability": ("ddos", "dos", "sabotage", "outage"),
    "intrusions": ("defacement", "system-compromise", "application-compromise", "account-compromise"),
    "information-content-security": ("unauthorised-access", "data-leak", "data-loss", "unauthorised-modification"),
    "malicious-code": ("ransomware", "malware"),
    "fraud": ("phishing", "financial-theft", "masquerade"),
    "abusive-content": ("spam", "harmful-speech"),
    "information-gathering": ("scanning", "social-engineering"),
    "intrusion-attempts": ("exploit", "login-attempts"),
    "vulnerable": ("vulnerable-system",),
    "other": ("influence-operation", "vandalism", "terrorism", "undetermined", "other"),
}
TYPES: tuple[str, ...] = tuple(f"{c}/{s}" for c, subs in TAXONOMY.items() for s in subs)
DOMAINS = ("cyber", "physical", "hybrid")
STATUSES = ("confirmed", "claimed", "suspected", "disputed", "undetermined")
ROLES = ("perpetrator", "claimed", "attributed", "suspected", "denied", "target")
"""Every role an actor can have on an incident, in the order they are listed."""
PERPETRATOR_ROLES = ("perpetrator", "claimed", "attributed", "suspected")
"""Roles that say an actor did it. "denied" is not one: a denial names who did not (the unused export copy
of this list counted it, resolution did not; resolution's reading is the right one)."""
ACTOR_KINDS = ("state", "state-linked group", "hacktivist group", "criminal group", "ideological movement",
               "organisation", "government body", "person", "unknown")
TOOL_KINDS = ("ransomware", "banker", "stealer", "rat", "backdoor", "botnet", "exploit-kit", "malware", "tool")
"""Kinds of the malware and tools of an incident (incident_tool.kind), from the MISP galaxy that names them."""
PRECISIONS = ("day", "month", "year", "unknown")
RELATIONS = ("report", "claim", "attribution", "update", "analysis")


def normalise_type(value: str) -> str | None:
    """A valid type from a full value or a unique subtype ('ddos' -> 'availability/ddos'), else None."""
    value = (value or "").strip().lower()
    if value in TYPES:
        return value
    matches = [t for t in TYPES if t.split("/", 1)[1] == value]
    return matches[0] if len(matches) == 1 else None
