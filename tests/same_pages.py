#!/usr/bin/env python3
"""Do two picsim builds write the same pages? Runs every kind of page (run, imported run, compare,
sweep, sensitivity, calibrate, calibrate --check) on small inputs with each build, then compares
each pair of `report.html` as a browser reads them: the text (whitespace-only runs between tags
dropped, other whitespace runs as one space, character references decoded, timings as `# s`) and
the elements (tags, with their attributes in order; an embedded image by its digest), in document
order. Whitespace between tags and how a character is escaped may differ; nothing else may.

    tests/same_pages.py OLD_PICSIM NEW_PICSIM [WORK_DIR]

Run from the repository's root (it reads scenarios/). Exits 1 naming the first difference of
each page that differs. Takes about a minute on two cores.
"""

import hashlib
import html.parser
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SMALL = ["--set", "orgs.count=40", "--quiet"]
FIT = ["--particles", "10", "--max-simulations", "60"]
# (page, folder whose report.html it is, command lines to run in order; OUT is the build's
# work folder)
KINDS = [
    ("run", "run", [["run", "scenarios/pic-2013.toml", "--replications", "3", *SMALL, "--out", "OUT/run"]]),
    (
        "imported run",
        "imported",
        [["run", "scenarios/my-org-export.toml", "--skip-bad-rows", "--replications", "2", "--quiet", "--out", "OUT/imported"]],
    ),
    (
        "compare",
        "compare",
        [
            ["run", "scenarios/pic-2013.toml", "--replications", "2", "--seed", "2", *SMALL, "--out", "OUT/run2"],
            ["compare", "OUT/run", "OUT/run2", "--quiet", "--out", "OUT/compare"],
        ],
    ),
    (
        "sweep",
        "sweep",
        [["sweep", "scenarios/pic-2013.toml", "--vary", "behaviours.recovery.probability=0,1", "--replications", "2", *SMALL, "--out", "OUT/sweep"]],
    ),
    ("sensitivity", "sensitivity", [["sensitivity", "scenarios/pic-2013.toml", "--replications", "1", *SMALL, "--out", "OUT/sensitivity"]]),
    ("calibrate", "calibrate", [["calibrate", "scenarios/forecast-2013.toml", *FIT, *SMALL, "--out", "OUT/calibrate"]]),
    ("calibrate --check", "check", [["calibrate", "--check", "3", "scenarios/forecast-2013.toml", *FIT, *SMALL, "--out", "OUT/check"]]),
]


class Reader(html.parser.HTMLParser):
    """A page as its texts and its elements, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.elements = [], []

    def handle_starttag(self, tag, attrs):
        attrs = [(k, "sha256:" + hashlib.sha256(v.encode()).hexdigest()[:16] if k == "src" else v) for k, v in attrs]
        self.elements.append(("<", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.elements.append(("</", tag))

    def handle_data(self, data):
        if data.strip():
            self.texts.append(re.sub(r"\d+(\.\d+)? s\b", "# s", re.sub(r"\s+", " ", data)))


def read(path, work):
    r = Reader()
    r.feed(path.read_text(encoding="utf-8").replace(str(work), "WORK"))
    r.close()
    return r


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"item {i}: {str(x)[:300]!r}\n    vs {str(y)[:300]!r}"
    return f"lengths {len(a)} and {len(b)}" if len(a) != len(b) else None


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    builds = [Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()]
    root = Path(sys.argv[3]) if len(sys.argv) == 4 else Path(tempfile.mkdtemp(prefix="same-pages-"))
    works = [root / "old", root / "new"]
    for build, work in zip(builds, works):
        work.mkdir(parents=True, exist_ok=True)
        for _, _, commands in KINDS:
            for command in commands:
                args = [str(build)] + [a.replace("OUT", str(work)) for a in command] + ["--force"]
                subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    failed = False
    for kind, folder, _ in KINDS:
        old, new = (read(w / folder / "report.html", w) for w in works)
        texts = first_difference(old.texts, new.texts)
        elements = first_difference(old.elements, new.elements)
        same = texts is None and elements is None
        failed |= not same
        print(f"{kind:18} {'same' if same else 'DIFFERENT'}: {len(new.texts)} texts, {len(new.elements)} tags")
        for what, diff in (("text", texts), ("elements", elements)):
            if diff:
                print(f"  {what} differ at {diff}")
    print(f"pages in {root}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
