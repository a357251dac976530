#!/usr/bin/env python3
"""validate-json.py - checks cahier's --json output against its schema.

usage: validate-json.py [--lines] SCHEMA FILE
       validate-json.py --check-schemas DIR

SCHEMA is one of docs/schema/*.json (JSON Schema, draft 2020-12); every
schema of its directory is loaded, by its $id, so that the "$ref"s between
them (e.g. to entry.json) resolve without any network access. FILE holds one
JSON document, or with --lines one document per line (cahier watch --json);
an empty FILE is an error. Every error is printed, one a line, with the path
of the failing field:

    FILE[:LINE]: $.entries[3].content.status: 'closed' is not one of [...]

Exit status: 0 valid, 1 invalid, 2 usage error or a file that is not JSON.
--check-schemas checks every schema of DIR against the draft's metaschema.
Works with python3-jsonschema 4.10 (Debian 12) and later (4.18 and later
resolve the references with the referencing library, earlier ones with
RefResolver).
"""
import json
import os
import sys

import jsonschema
from jsonschema import Draft202012Validator

try:  # jsonschema >= 4.18
    import referencing
    import referencing.jsonschema
except ImportError:  # pragma: no cover - Debian 12's jsonschema 4.10
    referencing = None


def die(msg):
    print("validate-json: " + msg, file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die("%s: %s" % (path, e))


def load_dir(d):
    """Every schema of directory d, by its $id."""
    schemas = {}
    for name in sorted(os.listdir(d)):
        if not name.endswith(".json"):
            continue
        s = load(os.path.join(d, name))
        sid = s.get("$id")
        if not sid or not sid.endswith("/" + name):
            die("%s: its $id must end in /%s" % (name, name))
        schemas[sid] = s
    return schemas


def validator(schema, schemas):
    if referencing is not None:
        reg = referencing.Registry().with_resources(
            (sid, referencing.jsonschema.DRAFT202012.create_resource(s))
            for sid, s in schemas.items())
        return Draft202012Validator(schema, registry=reg)
    resolver = jsonschema.RefResolver.from_schema(schema, store=schemas)
    return Draft202012Validator(schema, resolver=resolver)


def path_str(path):
    s = "$"
    for p in path:
        s += "[%d]" % p if isinstance(p, int) else "." + str(p)
    return s


def leaves(err):
    """The innermost errors under err: a oneOf or anyOf says why each
    branch failed; the one that went deepest names the field."""
    if not err.context:
        return [err]
    best = jsonschema.exceptions.best_match(err.context)
    return leaves(best) if best is not None else [err]


def report(where, doc, v):
    errs = [leaf for err in v.iter_errors(doc) for leaf in leaves(err)]
    # A subschema that fails evaluates nothing: unevaluatedProperties then
    # lists every key it held as unexpected. Such an error adds nothing
    # when another one names the field at or below the same place.
    def explained(e):
        p = list(e.absolute_path)
        return e.validator == "unevaluatedProperties" and any(
            o is not e and o.validator != "unevaluatedProperties" and
            list(o.absolute_path)[:len(p)] == p for o in errs)
    seen = set()
    for e in sorted(errs, key=lambda e: list(map(str, e.absolute_path))):
        msg = e.message
        if e.validator == "not":
            msg = "must not be valid under %s" % json.dumps(e.validator_value)
        if len(msg) > 300:
            msg = msg[:300] + "..."
        line = "%s: %s: %s" % (where, path_str(e.absolute_path), msg)
        if explained(e) or line in seen:
            continue
        seen.add(line)
        print("%s (schema: %s)" % (line, "/".join(map(str, e.absolute_schema_path))))
    return len(errs)


def main(argv):
    if len(argv) == 2 and argv[0] == "--check-schemas":
        schemas = load_dir(argv[1])
        bad = 0
        for sid, s in schemas.items():
            try:
                Draft202012Validator.check_schema(s)
            except jsonschema.exceptions.SchemaError as e:
                print("%s: %s: %s" % (sid, path_str(e.absolute_path), e.message))
                bad += 1
        return 1 if bad else 0
    lines = False
    if argv and argv[0] == "--lines":
        lines = True
        argv = argv[1:]
    if len(argv) != 2:
        die("usage: validate-json.py [--lines] SCHEMA FILE | --check-schemas DIR")
    spath, fpath = argv
    schemas = load_dir(os.path.dirname(os.path.abspath(spath)))
    schema = load(spath)
    v = validator(schema, schemas)
    try:
        with open(fpath, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError) as e:
        die("%s: %s" % (fpath, e))
    docs = []
    if lines:
        for i, line in enumerate(text.splitlines(), 1):
            try:
                docs.append(("%s:%d" % (fpath, i), json.loads(line)))
            except ValueError as e:
                die("%s:%d: not JSON: %s" % (fpath, i, e))
    else:
        try:
            docs.append((fpath, json.loads(text)))
        except ValueError as e:
            die("%s: not JSON: %s" % (fpath, e))
    if not docs:
        print("%s: empty: no JSON document to check" % fpath)
        return 1
    bad = sum(report(where, doc, v) for where, doc in docs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
