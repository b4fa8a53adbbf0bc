"""Dotted paths into JSON documents: where records are in a page, where a
cursor is, and where an output is in a webhook's answer."""

import re

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[]+)")


class PathError(ValueError):
    """A path that cannot be parsed."""


def parse(path):
    """Parses "a.b[].c", "[email=x@y.z].id" or "items.0.id" into steps."""
    steps = []
    pos = 0
    while pos < len(path):
        if path[pos] == ".":
            pos += 1
            continue
        if path[pos] == "[" and "]" not in path[pos:]:
            raise PathError("path %r has an unclosed '['" % path)
        m = _SEGMENT.match(path, pos)
        pos = m.end()
        inner, name = m.group(1), m.group(2)
        if name is not None:
            steps.append(("index", int(name), name) if name.isdigit() else ("name", name))
        elif inner == "":
            steps.append(("all",))
        elif "=" in inner:
            field, value = inner.split("=", 1)
            steps.append(("select", field, value))
        elif inner.isdigit():
            steps.append(("index", int(inner), ""))
        else:
            raise PathError("path %r: [%s] is neither [], [n] nor [field=value]" % (path, inner))
    return steps


def _scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float, str)):
        return str(v)
    return ""


_MISSING = object()


def lookup(doc, steps):
    """Walks doc along steps; returns _MISSING when the path leads nowhere.
    "[]" keeps the first element under which the rest of the path exists."""
    if not steps:
        return doc
    step, rest = steps[0], steps[1:]
    kind = step[0]
    if kind == "all":
        if not isinstance(doc, list):
            return _MISSING
        for el in doc:
            found = lookup(el, rest)
            if found is not _MISSING:
                return found
        return _MISSING
    if kind == "select":
        if not isinstance(doc, list):
            return _MISSING
        for el in doc:
            if isinstance(el, dict) and _scalar(el.get(step[1])) == step[2]:
                return lookup(el, rest)
        return _MISSING
    if kind == "index":
        if isinstance(doc, list):
            return lookup(doc[step[1]], rest) if step[1] < len(doc) else _MISSING
        if isinstance(doc, dict) and step[2] in doc:
            return lookup(doc[step[2]], rest)
        return _MISSING
    if isinstance(doc, dict) and step[1] in doc:
        return lookup(doc[step[1]], rest)
    return _MISSING


def get(doc, path):
    """Returns the value at path, or raises KeyError."""
    found = lookup(doc, parse(path)) if path else doc
    if found is _MISSING:
        raise KeyError(path)
    return found
