"""Delivers feed files through rss2email (Debian rss2email) into a local mailbox and prints, per
file, each message as a subscriber receives it: subject (the item title), sender name, date
header, the plain-text body (rss2email's HTML-to-text rendering) and the item link, as JSON."""
import email
import email.header
import json
import os
import re
import subprocess
import sys
import tempfile

import feedparser

work = tempfile.mkdtemp(prefix="topicfeeds-rss2email-")
mbox = os.path.join(work, "mail")
deliver = os.path.join(work, "deliver.sh")
with open(deliver, "w") as f:
    f.write(f"#!/bin/sh\ncat >> '{mbox}'\nprintf '\\n\\036\\n' >> '{mbox}'\n")
os.chmod(deliver, 0o755)


def configure(i):
    # One configuration per feed file: rss2email keeps its feed list in the configuration.
    config = os.path.join(work, f"config{i}")
    with open(config, "w") as f:
        f.write(
            "[DEFAULT]\nto = reader@example.com\nfrom = feeds@example.com\nemail-protocol = sendmail\n"
            f"sendmail = {deliver}\nhtml-mail = False\nuse-8bit = True\ndate-header = True\nbody-width = 100000\n"
        )
    return config


def text(header):
    # Unfold first: a long subject is folded over several header lines.
    unfolded = re.sub(r"\r?\n[ \t]+", " ", header or "")
    return str(email.header.make_header(email.header.decode_header(unfolded)))


def sender_name(header):
    name = re.sub(r"\s*<[^<>]*>\s*$", "", text(header)).strip()
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        name = re.sub(r'\\(.)', r"\1", name[1:-1])
    return name


out = []
for i, path in enumerate(sys.argv[1:]):
    if os.path.exists(mbox):
        os.remove(mbox)
    db = os.path.join(work, f"db{i}.json")
    r2e = ["r2e", "-c", configure(i), "-d", db]
    subprocess.run(r2e + ["add", f"feed{i}", "file://" + os.path.abspath(path)], check=True, capture_output=True)
    run = subprocess.run(r2e + ["run"], capture_output=True, text=True)
    messages = []
    feed_title = feedparser.parse(path).feed.get("title", "")
    if os.path.exists(mbox):
        for raw in open(mbox, "rb").read().split(b"\n\x1e\n"):
            if not raw.strip():
                continue
            m = email.message_from_bytes(raw)
            body = m.get_payload(decode=True).decode(m.get_content_charset() or "utf-8")
            # The sender's name is "<feed title>: <item author>".
            name = sender_name(m["From"])
            prefix = feed_title + ": "
            messages.append(
                {
                    "subject": text(m["Subject"]),
                    "author": name[len(prefix):] if name.startswith(prefix) else "",
                    "date": m["Date"],
                    "url": m["X-RSS-URL"],
                    "body": body,
                }
            )
    out.append({"status": run.returncode, "stderr": run.stderr[-2000:], "messages": messages})
json.dump(out, sys.stdout, ensure_ascii=False)
