#!/usr/bin/env python3
"""Picks the fuzzer's finds worth committing: from a libFuzzer merge control file,
the files (of the second and later directories) that add the most coverage edges
beyond the first directory (the committed corpus), greedily, at most K of them.
Prints their paths; the coverage kept goes to stderr. See README.md, "Corpora"."""
import sys


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: pick.py CONTROL_FILE K")
    control, k = sys.argv[1], int(sys.argv[2])
    lines = open(control, encoding="utf-8").read().split("\n")
    n, first = int(lines[0]), int(lines[1])
    files = lines[2 : 2 + n]
    edges, size = {}, {}
    for line in lines[2 + n :]:
        parts = line.split()
        if parts and parts[0] == "COV":
            edges[int(parts[1])] = set(parts[2:])
        elif parts and parts[0] == "STARTED":
            size[int(parts[1])] = int(parts[2])
    known = set().union(set(), *(edges.get(i, set()) for i in range(first)))
    new = {i: edges.get(i, set()) - known for i in range(first, n)}
    reachable = set().union(set(), *new.values())
    picked, got = [], set()
    while len(picked) < k and new:
        # The most new edges; the shorter file on a tie.
        best = max(new, key=lambda i: (len(new[i] - got), -size.get(i, 0)))
        if not new[best] - got:
            break
        got |= new.pop(best)
        picked.append(files[best])
    print(f"{len(picked)} files add {len(got)} of {len(reachable)} new edges", file=sys.stderr)
    print("\n".join(picked))


if __name__ == "__main__":
    main()
