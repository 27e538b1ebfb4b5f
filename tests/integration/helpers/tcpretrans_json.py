#!/usr/bin/env python3
"""Check tcpretrans --json output for test_tcpretrans.sh.

  tcpretrans_json.py FILE [COND...]

Exits 0 when every line of FILE is a JSON object and, if conditions are
given, some object meets all of them.  A condition is KEY=VALUE (equal, as
text) or KEY>=NUMBER.  Otherwise prints the reason and exits 1.
"""
import json
import sys


def meets(obj, cond):
    if ">=" in cond:
        key, val = cond.split(">=", 1)
        return isinstance(obj.get(key), (int, float)) and obj[key] >= float(val)
    key, val = cond.split("=", 1)
    return key in obj and str(obj[key]) == val


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    objs = []
    with open(sys.argv[1]) as f:
        for n, line in enumerate(f, 1):
            try:
                obj = json.loads(line)
            except ValueError as e:
                sys.exit("line %d is not JSON (%s): %r" % (n, e, line[:200]))
            if not isinstance(obj, dict):
                sys.exit("line %d is not an object: %r" % (n, line[:200]))
            objs.append(obj)
    conds = sys.argv[2:]
    if conds and not any(all(meets(o, c) for c in conds) for o in objs):
        sys.exit("no object with %s among %d" % (" ".join(conds), len(objs)))


if __name__ == "__main__":
    main()
