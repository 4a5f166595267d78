"""The site's data files: an Atom feed of minutes, an iCalendar of dates, `board.json`.

All deterministic: every time comes from the data (meeting dates) or from the
`stamp` the caller passes (`SOURCE_DATE_EPOCH`), never from the clock; ids are
UUIDv5 of the organisation and the thing, so they stay put between builds.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sosgen import model as m
from sosgen.board import Assessment

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50


def stable_id(org: str, key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'sosgen:{org}:{key}')}"


def _utc(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _stamp_text(stamp: dt.datetime) -> str:
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    date: dt.date
    title: str
    url: str  # relative to the site root, or absolute with a base URL
    summary: str
    content_html: str


def atom_feed(
    *,
    org: str,
    author: str,
    entries: Sequence[FeedEntry],
    self_url: str,
    home_url: str,
    stamp: dt.datetime | None,
) -> str:
    """Atom 1.0, newest entry first; `updated` is the newest meeting (or `stamp`)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    newest = max((e.date for e in entries), default=None)
    updated = _stamp_text(stamp) if stamp else _utc(newest) if newest else "1970-01-01T00:00:00Z"

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    sub(feed, "title", f"{org}: scrum of scrums minutes")
    sub(feed, "id", stable_id(org, "minutes"))
    sub(feed, "updated", updated)
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=home_url, type="text/html")
    sub(sub(feed, "author"), "name", author)
    sub(feed, "generator", "sosgen")
    for entry in sorted(entries, key=lambda e: e.date, reverse=True)[:FEED_ENTRIES]:
        item = sub(feed, "entry")
        sub(item, "title", entry.title)
        sub(item, "id", stable_id(org, f"meeting:{entry.date.isoformat()}"))
        sub(item, "updated", _utc(entry.date))
        sub(item, "link", rel="alternate", href=entry.url, type="text/html")
        sub(item, "summary", entry.summary)
        sub(item, "content", entry.content_html, type="html")
    ET.indent(feed, space="  ")
    body = ET.tostring(feed, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"


# iCalendar (RFC 5545)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    key: str  # stable: the UID is derived from it
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""
    categories: str = ""


def ics_text(value: str) -> str:
    """TEXT escaping: backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(ch for ch in value if ch == "\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F))


def fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space; never splits a character."""
    if line.isascii():  # one octet a character: cut by slicing (most lines, 30 times faster)
        rest = range(75, len(line), 74)
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in rest)])
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar(*, org: str, events: Sequence[CalendarEvent], stamp: dt.datetime | dt.date) -> str:
    if isinstance(stamp, dt.datetime):
        dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    else:
        dtstamp = stamp.strftime("%Y%m%dT000000Z")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sosgen//scrum of scrums//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(org + ': scrum of scrums')}",
    ]
    for event in sorted(events, key=lambda e: (e.day, e.key)):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{stable_id(org, event.key).removeprefix('urn:uuid:')}@sosgen",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{event.day.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(event.day + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{ics_text(event.summary)}",
            "TRANSP:TRANSPARENT",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{ics_text(event.description)}")
        if event.categories:
            lines.append(f"CATEGORIES:{ics_text(event.categories)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


# board.json


def board_json(
    *,
    org: m.Org,
    dependencies: Sequence[m.Dependency],
    assessments: Mapping[str, Assessment],
    as_of: dt.date,
) -> str:
    """The board as data, for dashboards and scripts; keys and lists sorted."""

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    data = {
        "organization": org.organization,
        "as_of": as_of.isoformat(),
        "clusters": [
            {"id": c.id, "name": c.name} for c in sorted(org.clusters.values(), key=lambda c: c.id)
        ],
        "teams": [
            {"id": t.id, "name": t.name, "cluster": t.cluster or None}
            for t in sorted(org.teams, key=lambda t: t.id)
        ],
        "dependencies": [
            {
                "id": d.id,
                "team": d.team,
                "depends_on": d.depends_on,
                "what": d.what,
                "needed_by": day(d.needed_by),
                "committed": day(d.committed),
                "owner": d.owner,
                "status": d.status,
                "raised": day(d.raised),
                "delivered": day(d.delivered),
                "links": list(d.links),
                "note": d.note,
                "level": assessments[d.id].level.value,
                "reasons": list(assessments[d.id].reasons),
            }
            for d in sorted(dependencies, key=lambda d: d.id)
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
