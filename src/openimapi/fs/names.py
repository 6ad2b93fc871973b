"""Names per namespace: ISO 9660 levels 1-3, Joliet, UDF and Rock Ridge, with collisions.

Each function takes the children of one directory and returns the name each child gets
in that namespace, unique within the directory. Mangling is deterministic: children are
processed in order of their original names, and a clash is solved by a numeric tail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from openimapi import errors
from openimapi.fs.tree import DirNode, LinkNode, Node

__all__ = [
    "ISO_MAX_DEPTH",
    "iso_identifier",
    "iso_names",
    "iso_sort_key",
    "joliet_names",
    "rr_names",
    "udf_names",
]

_NOT_D = re.compile(r"[^A-Z0-9_]")
ISO_MAX_DEPTH = 8  # ECMA-119 6.8.2.1: at most 8 directory levels (root included)
JOLIET_MAX = 64  # Joliet specification: 64 UCS-2 characters
_JOLIET_BAD = re.compile("[*/:;?\\\\\x00-\x1f\U00010000-\U0010FFFF]")


def _d_chars(text: str) -> str:
    """ECMA-119 7.4.1 d-characters: upper case A-Z, digits and '_'; anything else is '_'."""
    return _NOT_D.sub("_", text.upper())


def _split_ext(name: str) -> tuple[str, str]:
    dot = name.rfind(".")
    if dot <= 0:
        return name, ""
    return name[:dot], name[dot + 1 :]


Fit = Callable[[str, str], "str | None"]


def _unique(candidates: list[tuple[Node, str]], fit: Fit, key: Callable[[str], str] = str) -> dict[Node, str]:
    """Resolve clashes: the first holder keeps a name, later ones get a numeric tail.

    ``fit(name, tail)`` returns the name shortened so that ``tail`` fits; ``key`` maps a
    name to what must be unique (e.g. the name without its ISO version).

    Raises:
        IMAPI_E_NO_UNIQUE_NAME: no unique name could be made.
    """
    taken: set[str] = set()
    result: dict[Node, str] = {}
    clashes: list[tuple[Node, str]] = []
    for node, name in candidates:
        k = key(name)
        if k in taken:
            clashes.append((node, name))
        else:
            taken.add(k)
            result[node] = name
    start: dict[str, int] = {}
    for node, name in clashes:
        for n in range(start.get(name, 1), 10_000_000):
            start[name] = n + 1
            candidate = fit(name, str(n))
            if candidate is None:
                break
            k = key(candidate)
            if k not in taken:
                taken.add(k)
                result[node] = candidate
                break
        if node not in result:
            raise errors.IMAPI_E_NO_UNIQUE_NAME(f"no unique short name for {node.path}")
    return result


def _ordered(children: Iterable[Node]) -> list[Node]:
    return sorted(children, key=lambda n: n.name)


# ----- ISO 9660 ---------------------------------------------------------------------------


def iso_identifier(node: Node, level: int) -> str:
    """The ISO 9660 identifier of one item before clash resolution (7.5, 7.6).

    Files get 'NAME.EXT;1' (level 1: 8.3; levels 2, 3: 30 characters), directories
    'NAME' (level 1: 8; levels 2, 3: 31), all in d-characters.
    """
    if isinstance(node, DirNode):
        return _d_chars(node.name)[: 8 if level == 1 else 31] or "_"
    base, ext = _split_ext(node.name)
    base, ext = _d_chars(base), _d_chars(ext)
    if level == 1:
        base, ext = base[:8], ext[:3]
    else:
        ext = ext[:8]
        base = base[: 30 - len(ext)]
    return f"{base or '_'}.{ext};1"


def _iso_fit(level: int) -> Fit:
    def fit(name: str, tail: str) -> str | None:
        if name.endswith(";1"):
            base, _, ext = name[:-2].rpartition(".")
            limit = 8 if level == 1 else 30 - len(ext)
            if len(tail) >= limit:
                return None
            return f"{base[: limit - len(tail)]}{tail}.{ext};1"
        limit = 8 if level == 1 else 31
        if len(tail) >= limit:
            return None
        return name[: limit - len(tail)] + tail

    return fit


def _iso_key(name: str) -> str:
    """What a reader shows: without ';1' and a trailing '.' (so 'A.;1' clashes with dir 'A')."""
    if name.endswith(";1"):
        name = name[:-2]
    return name.rstrip(".")


def iso_names(directory: DirNode, level: int, links: bool = False) -> dict[Node, str]:
    """Unique ISO 9660 identifiers of a directory's files and subdirectories (and symbolic
    links when Rock Ridge records them)."""
    children = [c for c in _ordered(directory.children.values()) if links or not _is_link(c)]
    return _unique([(c, iso_identifier(c, level)) for c in children], _iso_fit(level), _iso_key)


def iso_sort_key(identifier: bytes) -> tuple[bytes, bytes]:
    """9.3: records sort by name then extension, each as if padded with spaces."""
    name = identifier.split(b";", 1)[0]
    base, _, ext = name.partition(b".")
    return base, ext


# ----- Joliet -----------------------------------------------------------------------------


def _joliet_clean(name: str) -> str:
    """Joliet forbids '*/:;?\\' and control characters; UCS-2 has no characters beyond U+FFFF."""
    return _JOLIET_BAD.sub("_", name)


def _fit_length(name: str, tail: str, limit: int) -> str | None:
    tail = "~" + tail if tail else ""
    base, ext = _split_ext(name)
    ext = "." + ext if ext else ""
    if len(ext) > limit // 4:
        base, ext = name, ""
    room = limit - len(ext) - len(tail)
    if room < 1:
        return None
    return base[:room] + tail + ext


def joliet_names(directory: DirNode) -> dict[Node, str]:
    """Unique Joliet names (UCS-2, at most 64 characters, no '*/:;?\\')."""
    children = [c for c in _ordered(directory.children.values()) if not _is_link(c)]
    candidates = []
    for c in children:
        name = _joliet_clean(c.name)
        if len(name) > JOLIET_MAX:
            name = _fit_length(name, "", JOLIET_MAX) or name[:JOLIET_MAX]
        candidates.append((c, name))
    return _unique(candidates, lambda name, tail: _fit_length(name, tail, JOLIET_MAX))


# ----- UDF and Rock Ridge -----------------------------------------------------------------


def udf_fits(name: str) -> bool:
    """Whether a name fits a File Identifier of 255 bytes in OSTA CS0 (UDF 2.1.1)."""
    if len(name) <= 63:  # even 63 characters beyond U+FFFF take only 252 bytes of UTF-16
        return True
    try:
        name.encode("latin-1")
    except UnicodeEncodeError:
        return len(name.encode("utf-16-be", "surrogatepass")) <= 254
    return len(name) <= 254


def _udf_fit(name: str, tail: str) -> str | None:
    n = len(name)
    while n > 0:
        candidate = _fit_length(name, tail, n) if tail or n < len(name) else name
        if candidate is not None and udf_fits(candidate):
            return candidate
        n -= 1
    return None


def udf_names(directory: DirNode) -> dict[Node, str]:
    """Unique UDF names: the original name unless it exceeds 255 bytes of CS0."""
    children = [c for c in _ordered(directory.children.values()) if not _is_link(c)]
    candidates = [(c, c.name if udf_fits(c.name) else (_udf_fit(c.name, "") or c.name)) for c in children]
    return _unique(candidates, _udf_fit)


def _rr_fit(name: str, tail: str) -> str | None:
    n = len(name)
    while n > 0:
        candidate = _fit_length(name, tail, n) if tail or n < len(name) else name
        if candidate is not None and len(candidate.encode("utf-8")) <= 255:
            return candidate
        n -= 1
    return None


def rr_names(directory: DirNode) -> dict[Node, str]:
    """Rock Ridge NM names: the original name unless its UTF-8 form exceeds 255 bytes."""
    children = _ordered(directory.children.values())
    candidates = [(c, c.name if len(c.name.encode("utf-8")) <= 255 else (_rr_fit(c.name, "") or c.name))
                  for c in children]
    return _unique(candidates, _rr_fit)


def _is_link(node: Node) -> bool:
    return isinstance(node, LinkNode)
