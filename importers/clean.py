"""Cleaning article text: terminal safety, mojibake, and the furniture that web pages wrap a story in.

The rules are generic (they hold for news sites in general, not for one site): captions and photo
credits, widget messages, share/comment/profile/sign-in/newsletter blocks, "Read more" trailers, site
navigation, subscription promos. Every sentence of the story is kept. Metadata found on the way
(datelines, "Follow NAME on Twitter", "By NAME") is returned for the caller to use.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from db.text import strip_unsafe

# A character ftfy may change: anything outside printable ASCII, '&' (HTML entities), '\r' and other controls.
# A line without one is left as it is by every fix ftfy applies (encodings, entities, line breaks, controls,
# ligatures, widths, NFC).
_FTFY_NEEDED = re.compile(r"[^\t\n\x20-\x25\x27-\x7e]")
MAX_REPAIR_LINES = 10_000
"""Lines ftfy is given one by one (as `ftfy.fix_text` does); beyond that, the rest goes in blocks of
REPAIR_BLOCK characters. ftfy costs ~50 us per line, whatever its length: 15 MB of blank lines took 81 s."""
REPAIR_BLOCK = 1 << 16


def repair(text: str) -> str:
    """Fix mojibake (UTF-8 read as cp1252 and friends) and normalise to NFC.

    `ftfy.fix_text`, line by line, but lines it cannot change (plain ASCII) are not handed to it, and a text
    of more than MAX_REPAIR_LINES such lines goes in blocks: linear, with a small constant (issue 26)."""
    try:
        import ftfy

        return _repair(text, ftfy)
    except Exception:  # noqa: BLE001 - cleaning must never fail an import; keep the text as is
        return unicodedata.normalize("NFC", text)


def _repair(text: str, ftfy) -> str:
    if not _FTFY_NEEDED.search(text):
        return text
    config = ftfy.TextFixerConfig(normalization="NFC", uncurl_quotes=False, fix_line_breaks=True, explain=False)
    limit = config.max_decode_length
    out: list[str] = []
    pos, n, lines, seen_lt = 0, len(text), 0, False
    while pos < n:
        m = _FTFY_NEEDED.search(text, pos)
        if m is None:
            out.append(text[pos:])
            break
        nl = text.rfind("\n", pos, m.start())
        if nl >= 0:  # whole plain lines before the one that needs fixing: as they are
            out.append(text[pos:nl + 1])
            seen_lt = seen_lt or "<" in out[-1]
            pos = nl + 1
        if lines < MAX_REPAIR_LINES:
            end = text.find("\n", m.start()) + 1 or n
        else:
            end = text.find("\n", min(n, pos + REPAIR_BLOCK)) + 1 or n
        end = min(end, pos + limit)
        segment = text[pos:end]
        # as fix_text does: once a segment has shown a '<', HTML entities are no longer unescaped
        seen_lt = seen_lt or "<" in segment
        fixed, _ = ftfy.fix_and_explain(segment, config._replace(unescape_html=False) if seen_lt else config)
        out.append(fixed)
        lines += 1
        pos = end
    return "".join(out)


# --- furniture ---------------------------------------------------------------------------------------

_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]]\s*$")
_TAG = re.compile(r"<[^>]{0,500}>")
_SEPARATORS = re.compile(r"\s[·•|»›]\s")

# Whole lines that are page furniture, matched case-insensitively after trimming bullets.
_FURNITURE_LINE = re.compile(
    r"^(?:"
    r"oops!?|loading\.*|try again\.?|please try again( later)?\.?|something went wrong\.?|"
    r"advertisement|advert|sponsored( content)?|ad|skip to (main )?content|menu|search|home|close|"
    r"share( this)?( article| story| on \w+)?:?|tweet|email|print|copy link|whatsapp|facebook|twitter|linkedin|"
    r"(\d+ )?comments?|comment on this (story|article)|view comments|show comments|leave a comment|"
    r"sign ?in|log ?in|sign ?up|register|subscribe( now)?|create (a |your )?profile|my account|"
    r"newsletters?|traffic alerts|location settings|(facebook|google|twitter) sign-?in|"
    r"user galleries|news in pictures|multimedia|send us your (pictures|stories)|"
    r"most (read|popular|viewed)|trending( now)?|related( articles| stories| content)?|recommended( for you)?|"
    r"listen to (this )?article|\d+ min(ute)?s? read|read more( here)?|read next|more on this( story)?|"
    r"topics?:?|tags?:?|follow us|all rights reserved.*|©.*|cookie (settings|policy)|accept( all)?( cookies)?|"
    r"image( source)?:.*|photo:.*|picture:.*|credit:.*|caption:.*|getty images|shutterstock|reuters|afp|ap"
    r")$",
    re.IGNORECASE,
)

# Phrases that mark a line as account/comment/newsletter/promo furniture wherever they appear.
_FURNITURE_PHRASE = re.compile(
    r"(?:having issues with commenting|log in with \w+ to comment|comments (have been|are) closed|"
    r"(provide|choose) a username|your profile page|creating your profile|"
    r"sign up (for|to) (our|the) newsletter|subscribe to (our|the) newsletter|newsletter sign-?up|"
    r"we use cookies|accept (all )?cookies|enable javascript|"
    r"try [\w' ]{2,40} free for \d+|unlimited access to|subscribe (now|today) (to|for)|"
    r"already (a subscriber|have an account)|click here to see them|report comment|"
    r"our comments policy|editorial discretion|is not responsible for the content of external)",
    re.IGNORECASE,
)

# A line from here on starts the page's trailer: comments, tag lists, author promos, "read more" lists.
_TRAILER_START = re.compile(
    r"^(?:comments?|join the conversation!?.*|read more on:.*|read more here|more from .{2,40}|"
    r"related (articles|stories|coverage)|most (read|popular)|comment on this (story|article)|"
    r"comments have been closed.*|.{0,40}\bissues with commenting.*|"
    r"follow [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3} on (twitter|x|facebook|instagram|linkedin|mastodon|bluesky)\b.*|"
    r"sign up for .{0,60}newsletter.*|you might also like.*|recommended.*)$",
    re.IGNORECASE,
)

_CREDIT = re.compile(
    r"(?:\bvia getty images\b|\bgetty images\b|\bshutterstock\b|\bap photo\b|\bphoto(graph)?:|\bimage:|"
    r"\bcredit:|/(afp|reuters|epa(-efe)?|ap|anadolu|dpa|xinhua)\b|\b(afp|reuters|epa|ap) photo\b|"
    r"^twitter\s*/\s*@\w+|^\(?\s*(photo|image|picture|file photo)\b)",
    re.IGNORECASE,
)
_CAPTION_CREDIT_RE = re.compile(r"\s[-–—|]\s*[A-Z][\w.'’ -]{1,60}(?:/[\w.'’ -]{1,60})+\s*$")
CREDIT_TAIL = 300
"""A caption credit (" - NAME/AGENCY") is looked for in a line's last CREDIT_TAIL characters only: from
every " - " its pattern can run on over the rest of the line, so a long line of " - Ab/cd" cost
quadratic time (3.7 s for 32 KB; issue 26)."""


class _TailSearch:
    def __init__(self, pattern: re.Pattern, tail: int):
        self.pattern, self.tail = pattern, tail

    def search(self, text: str):
        return self.pattern.search(text[-self.tail:] if len(text) > self.tail else text)


_CAPTION_CREDIT = _TailSearch(_CAPTION_CREDIT_RE, CREDIT_TAIL)
_BLANK_RUN = re.compile(r"\n[ \t\r\f\v\n]*\n")  # one character class: no per-line backtracking state
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,}$")  # ids of embedded images/tweets: FRWL1dlX0AAC-Ej
_DATELINE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:UTC|GMT|[+-]\d{2}:?\d{2}))?$")
_BYLINE = re.compile(r"^by\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})(?:\s*[,|–-].*)?$", re.IGNORECASE)
_FOLLOW = re.compile(r"^follow\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+on\s+\w+", re.IGNORECASE)
_PROMO_PUBLISHER = re.compile(r"\b[Tt]ry ([Tt]he [A-Z][\w]+(?: [A-Z][\w]+)?|[A-Z][\w]+) free\b")
# From the start of a run of [\w.] only (not from every word boundary in it): linear, where `\b[\w.]+@` took
# quadratic time on "a.a.a.a..." (2.5 s for 16 KB; issue 26). The domain found is the same.
_EMAIL_DOMAIN = re.compile(r"(?<![\w.])[\w.]+(?:@|\(at\))([a-z0-9-]+)\.(?:com|co\.uk|net|org|fr|de)\b", re.IGNORECASE)


@dataclass
class Cleaned:
    body: str
    published: str | None = None
    author: str | None = None
    publisher: str | None = None
    removed: list[str] = field(default_factory=list)


def _words(line: str) -> int:
    return len(line.split())


def _is_story_line(line: str) -> bool:
    """A line that reads like a paragraph of the story: long enough and ends like a sentence."""
    return _words(line) >= 12 and bool(_SENTENCE_END.search(line))


def _is_furniture(line: str) -> bool:
    bare = line.strip(" \t•·*-–—>|()[]")
    if not bare:
        return False
    if _FURNITURE_LINE.match(bare) or (_words(bare) <= 40 and _FURNITURE_PHRASE.search(bare)):
        return True
    if _words(bare) <= 14 and _CREDIT.search(bare):
        return True
    if len(_SEPARATORS.findall(line)) >= 2 and not _SENTENCE_END.search(line):
        return True  # navigation rows: "World · Europe · Tech"
    return bool(_TOKEN.match(bare) and any(c.isdigit() for c in bare) and any(c.isupper() for c in bare))


def clean_text(text: str) -> Cleaned:
    """Clean an article body (without its title)."""
    text = strip_unsafe(repair(strip_unsafe(text)))  # again after repair: mojibake can decode to U+202E & co.
    text = _TAG.sub(lambda m: " " if m.group(0).lower().startswith(("<br", "<p", "</p", "<div")) else "", text)
    # Runs of blank lines come out as one blank line anyway: more than two are two here, so that 15 MB of
    # blank lines is a few lines to look at, not millions (81 s before; issue 26). Linear: a run is read once.
    text = _BLANK_RUN.sub(lambda m: "\n\n\n" if m.group().count("\n") > 3 else m.group(), text)
    raw = [ln.rstrip() for ln in text.split("\n")]
    story_lines: dict[str, bool] = {}  # per distinct line: a text of one line repeated costs one look
    furniture: dict[str, bool] = {}

    def is_story_line(line: str) -> bool:
        r = story_lines.get(line)
        if r is None:
            r = story_lines[line] = _is_story_line(line)
        return r

    def is_furniture(line: str) -> bool:
        r = furniture.get(line)
        if r is None:
            r = furniture[line] = _is_furniture(line)
        return r
    out = Cleaned(body="")

    # Metadata lines near the top, and where the trailer starts (only in the second half of the text,
    # so that a mid-article "Comments" heading in a short piece never cuts the story).
    lines: list[str] = []
    story_started = False
    total = len(raw)
    for i, ln in enumerate(raw):
        s = ln.strip()
        if not s:
            lines.append("")
            continue
        m = _DATELINE.match(s)
        if m and not story_started:
            out.published = out.published or m.group(1)
            out.removed.append(s)
            continue
        m = _BYLINE.match(s)
        if m and not story_started and _words(s) <= 8:
            out.author = out.author or m.group(1)
            out.removed.append(s)
            continue
        m = _FOLLOW.match(s)
        if m:
            out.author = out.author or m.group(1)
        m = _PROMO_PUBLISHER.search(s)
        if m and _FURNITURE_PHRASE.search(s):
            out.publisher = out.publisher or m.group(1)
        if _TRAILER_START.match(s) and (i > total // 2 or story_started and i > total // 3):
            m = _EMAIL_DOMAIN.search(s)
            if m and not out.publisher:
                out.publisher = m.group(1).capitalize()
            out.removed.extend(x.strip() for x in raw[i:] if x.strip())
            break
        if is_story_line(s):
            story_started = True
        lines.append(s)

    # Captions: a line repeated with " - CREDIT/AGENCY" appended, or any line ending in such a credit.
    kept: list[str] = []
    first_story = next((i for i, ln in enumerate(lines) if ln and is_story_line(ln)), len(lines))
    for i, s in enumerate(lines):
        if not s:
            kept.append("")
            continue
        nxt = next((x for x in lines[i + 1:i + 3] if x), "")
        if nxt.startswith(s) and _CAPTION_CREDIT.search(nxt[len(s):]) and len(nxt) > len(s):
            out.removed.append(s)
            continue
        if _CAPTION_CREDIT.search(s) and _CREDIT.search(s.rsplit(" - ", 1)[-1]) and not _SENTENCE_END.search(s):
            out.removed.append(s)
            continue
        if is_furniture(s):
            out.removed.append(s)
            continue
        if _words(s) > 40 and _FURNITURE_PHRASE.search(s):
            # a long paragraph (or a page flattened to one line): drop only the promo sentences in it
            parts = _SENTENCES.split(s)
            out.removed.extend(p for p in parts if _FURNITURE_PHRASE.search(p))
            s = " ".join(p for p in parts if not _FURNITURE_PHRASE.search(p))
        # Before the story starts, short lines that are not sentences are related-story links, labels
        # and captions ("Minister to visit flooded valley on Monday", "AFP").
        if i < first_story and _words(s) < 15 and not _SENTENCE_END.search(s):
            out.removed.append(s)
            continue
        kept.append(s)

    body = "\n".join(kept)
    if not body.strip() and text.strip():
        # Cleaning must never lose an article: when every line looked like furniture, keep them all.
        body = "\n".join(ln.strip() for ln in raw)
        out.removed = []
    body = re.sub(r"[ \t\u00a0]+", " ", body)
    body = re.sub(r" *\n *", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    out.body = body
    return out
