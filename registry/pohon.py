"""The tree of units as materialised paths ("000001/000004/"): a unit's
path is its ancestors' ids, zero-padded, so that a subtree is one indexed
prefix match on any database. Pure functions of paths, no queries."""


def path_depth(jalur):
    """How far below the root the unit at ``jalur`` is (the root: 0)."""
    return max(jalur.count("/") - 1, 0)


def path_ids(jalur):
    """Unit ids from the root down to the unit at ``jalur``."""
    return [int(segment) for segment in jalur.split("/") if segment]


def outermost(paths):
    """The paths not below another of ``paths``: each subtree once."""
    paths = set(paths)
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))
