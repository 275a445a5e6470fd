"""HTML pages: the article's main text and metadata with trafilatura.

Title (site name suffixes trimmed), author, publication date, language (`<html lang>` when trafilatura
finds none), canonical URL and site name come from the page's metadata; the main text then goes through
cleaning and extraction like any article. A page without article text is a ReadError.
"""
from __future__ import annotations

import codecs
import re

from db.drafts import Document
from db.text import safe_line
from importers.readers.decode import ReadError, decode

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{2,40})""", re.I)
_LANG = re.compile(r"""<html\b[^>]{0,500}?\blang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})?""", re.I)
# A heading that opens a block of links to other stories, and "Read more: <headline>" lines.
_RELATED_HEAD = re.compile(
    r"^\s*(?:related(?: articles| stories| content| news| coverage)?|more on this(?: story| topic)?|"
    r"read (?:more|also|next)|also read|see also|you (?:may|might) also like|recommended(?: stories)?|"
    r"notas relacionadas|noticias relacionadas|te puede interesar|lea también|lee también|à lire aussi|"
    r"lire aussi|sur le même sujet|mehr zum thema|lesen sie auch|das könnte sie auch interessieren|"
    r"leia também|notícias relacionadas|leggi anche|articoli correlati)\s*:?\s*$", re.I)
_READ_MORE_LINE = re.compile(
    r"^\s*(?:read more|read also|also read|see also|related|more|lea también|lee también|lire aussi|à lire aussi|"
    r"lesen sie auch|mehr dazu|leia também|leggi anche)\s*:\s*.{0,200}?[^.!?\"”»]\s*$", re.I)


def drop_related(text: str) -> str:
    """Remove links to other stories: "Read more: ..." lines, and a related-stories block in the last half."""
    lines = text.split("\n")
    total = sum(len(ln) + 1 for ln in lines)
    pos = 0
    for i, ln in enumerate(lines):
        if pos > total * 0.5 and _RELATED_HEAD.match(ln):
            lines = lines[:i]
            break
        pos += len(ln) + 1
    return "\n".join(ln for ln in lines if not _READ_MORE_LINE.match(ln))


_TITLE_SEP = re.compile(r"\s+(?:\||–|—|-|::|·|»)\s+")


def decode_html(data: bytes, origin: str = "") -> str:
    """Bytes to text: BOM, else UTF-8, else the charset the page declares, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data, origin)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        m = _CHARSET.search(data[:8192])
        text = None
        if m:
            try:
                text = data.decode(m.group(1).decode("ascii"), errors="replace")
            except (LookupError, UnicodeDecodeError):
                text = None
        if text is None:
            return decode(data, origin)
    if not text.strip():
        raise ReadError("empty file")
    if "\x00" in text[:8192]:
        raise ReadError("binary file, not HTML")
    return text


def trim_title(title: str | None, sitename: str | None) -> str | None:
    """'Story | Site | 19.01.2020' → 'Story': drop trailing segments that are the site or short furniture."""
    title = safe_line(title)
    if not title:
        return None
    parts = _TITLE_SEP.split(title)
    if len(parts) == 1:
        return title
    site = (sitename or "").lower().replace("www.", "")
    site_key = re.sub(r"\.(com|org|net|de|fr|co\.uk|info)$", "", site)
    keep = list(parts)
    while len(keep) > 1:
        last = keep[-1].strip().lower()
        if (site_key and (site_key in last or last in site)) or len(last.split()) <= 3 or re.fullmatch(r"[\d./ -]+", last):
            keep.pop()
        else:
            break
    head = " - ".join(keep).strip()
    return head if len(head) >= 8 else title


def read_html(data: bytes, origin: str) -> list[Document]:
    text = decode_html(data, origin)
    try:
        import trafilatura
    except ImportError as exc:  # lxml without lxml_html_clean, for example
        raise ReadError(f"HTML support is not installed ({exc})") from None
    try:
        result = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=True,
                                             include_images=False, include_links=False, deduplicate=False,
                                             favor_recall=False)
        result = result.as_dict() if result is not None and hasattr(result, "as_dict") else result
    except RecursionError:
        raise ReadError("HTML is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - a parser failure is this file's problem, never the batch's
        raise ReadError(f"could not parse HTML ({type(exc).__name__})") from None
    if not result or not (result.get("text") or "").strip():
        raise ReadError("no article text found in the HTML page")
    body = drop_related(result["text"])
    if not any(len(ln.split()) >= 4 for ln in body.split("\n")):  # menu words are not an article
        raise ReadError("no article text found in the HTML page")
    date = result.get("date") or None
    if date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
        date = None
    lang = result.get("language")
    if not lang:
        m = _LANG.search(text[:20000])
        lang = m.group(1).lower() if m else None
    url = result.get("url")
    if url and not re.match(r"https?://", url, re.I):
        url = None
    author = result.get("author")
    if author:
        author = ", ".join(a.strip() for a in author.split(";") if a.strip())
    return [Document(
        text=body, origin=origin, format="html",
        title=trim_title(result.get("title"), result.get("sitename") or result.get("hostname")),
        published=date, publisher=safe_line(result.get("sitename")) or None, author=author or None,
        url=url, language=lang, kind="news",
    )]
