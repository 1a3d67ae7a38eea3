"""Reads feed files with Universal Feed Parser (Debian python3-feedparser) and prints, per file,
what it hands a client: each entry's title and summary with the content type it decided on, link,
date (seconds since the epoch, UTC), author, tags and image URLs, as JSON on stdout."""
import calendar
import json
import sys

import feedparser


def detail(entry, key):
    d = entry.get(key + "_detail")
    if d is None:
        return None
    return {"value": d.get("value", ""), "type": d.get("type", "")}


def images(entry):
    urls = [m.get("url") for m in entry.get("media_content", []) if m.get("url")]
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        urls.append(image["href"])
    return urls


out = []
for path in sys.argv[1:]:
    parsed = feedparser.parse(path)
    entries = []
    for e in parsed.entries:
        date = e.get("published_parsed") or e.get("updated_parsed")
        entries.append(
            {
                "title": detail(e, "title"),
                "summary": detail(e, "summary"),
                "link": e.get("link"),
                "date": calendar.timegm(date) if date else None,
                "author": e.get("author"),
                "tags": [t.get("term") for t in e.get("tags", [])],
                "images": images(e),
            }
        )
    out.append(
        {
            "version": parsed.get("version", ""),
            "bozo": bool(parsed.get("bozo")),
            "error": str(parsed.get("bozo_exception", "")),
            "siteLink": parsed.feed.get("link"),
            "entries": entries,
        }
    )
json.dump(out, sys.stdout, ensure_ascii=False)
