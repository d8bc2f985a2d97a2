#!/usr/bin/env python3
"""Checks that every file of vendor/kometa-2.4.4 is listed in its MANIFEST.tsv with the sha256 it
has (the files are Kometa's, unmodified), and that every listed file exists.

Usage: judge/vendored.py [DIR]   (exit 1 on any difference)
"""

import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "vendor" / "kometa-2.4.4"
OWN = {"MANIFEST.tsv", "README.md"}  # ours, not Kometa's


def problems(vendor=VENDOR):
    vendor = Path(vendor)
    out = []
    with open(vendor / "MANIFEST.tsv", encoding="utf-8", newline="") as fp:
        rows = list(csv.DictReader(fp, delimiter="\t"))
    listed = {}
    for row in rows:
        if row["path"] in listed:
            out.append(f"{row['path']}: listed twice")
        listed[row["path"]] = row
        for column in ("source repository", "commit", "source path", "licence", "sha256"):
            if not row.get(column):
                out.append(f"{row['path']}: no {column}")
    present = {p.relative_to(vendor).as_posix() for p in vendor.rglob("*") if p.is_file()} - OWN
    for path in sorted(present - set(listed)):
        out.append(f"{path}: not in MANIFEST.tsv")
    for path, row in sorted(listed.items()):
        file = vendor / path
        if not file.is_file():
            out.append(f"{path}: listed but missing")
            continue
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        if digest != row["sha256"]:
            out.append(f"{path}: sha256 {digest}, MANIFEST.tsv says {row['sha256']} (the vendored files must stay unmodified)")
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    vendor = Path(argv[0]) if argv else VENDOR
    found = problems(vendor)
    for p in found:
        print(f"vendored: {p}", file=sys.stderr)
    if not found:
        print(f"vendored: {vendor.relative_to(ROOT) if vendor.is_relative_to(ROOT) else vendor}: every file matches MANIFEST.tsv", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
