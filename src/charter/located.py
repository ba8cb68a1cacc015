"""YAML with positions: read a file, validate it against a pydantic schema, and map every
validation error back to ``file:line:column`` with a hint a person can act on.

All Charter formats (charter, journal, bylaws profile, waterfall) go through here, so that every
file gets the same quality of error.  ruamel's round-trip loader keeps line/column on every mapping
and sequence; pydantic reports *where* in the data a value failed (``loc``); we join the two.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import os
import re
import stat
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from charter.model.kinds import ActKind
from charter.model.source import Diagnostic, Source

NOT_WRITTEN = frozenset({ActKind.RESIGN.value, ActKind.RESTRUCTURE.value})
"""Act kinds no file writes as ``act:`` (a resignation and a structural change are events of
their own): a hint for a mistyped act never offers them."""

M = TypeVar("M", bound=BaseModel)
Loc = tuple[int | str, ...]


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


# -- files this process owns and never reads as input ----------------------------------------
#
# Why here, below every loader: only the store may open its database file (STYLE.md §18).  POSIX
# locks belong to the whole process, so one open-and-close of a SQLite file anywhere in the
# process (a case naming it as a journal, a profile or a waterfall) drops the locks that keep
# other processes from checkpointing the live WAL away.  The store registers its files here; the
# one function that opens input files, :func:`read_text`, refuses them after a ``stat`` and
# before any ``open``.  ``load`` never imports ``store``: both import this module.

FileId = tuple[int, int]
"""(st_dev, st_ino): the same file whatever path, link or symlink names it."""


@dataclass(frozen=True, slots=True)
class _Owned:
    what: dict[str, str]
    """path -> what it is ("the event store's own database"), for the paths the owner uses."""
    ids: dict[FileId, str]
    """The files' identities when they were registered (a file renamed since is still known)."""


_owned: dict[int, _Owned] = {}
_owned_lock = threading.Lock()
_next_token = itertools.count(1)


def _file_id(path: str) -> FileId | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def own_files(what: Mapping[str, str]) -> int:
    """Register files this process owns (path -> what it is); they are never read as input.

    A path whose file does not exist yet (a WAL appears with the first write) is still covered:
    :func:`owner_of` stats the registered paths again at each check.  Returns a token for
    :func:`disown_files`."""
    paths = {os.path.abspath(p): label for p, label in what.items()}
    ids = {fid: label for p, label in paths.items() if (fid := _file_id(p)) is not None}
    with _owned_lock:
        token = next(_next_token)
        _owned[token] = _Owned(what=paths, ids=ids)
    return token


def disown_files(token: int) -> None:
    """Forget a registration (the owner closed its files)."""
    with _owned_lock:
        _owned.pop(token, None)


def owner_of(file: FileId) -> str | None:
    """What the file with identity ``file`` is, if this process owns it; None for any other."""
    with _owned_lock:
        registered = list(_owned.values())
    for owned in registered:
        if file in owned.ids:
            return owned.ids[file]
        for owned_path, label in owned.what.items():
            if _file_id(owned_path) == file:
                return label
    return None


MAX_FILE_BYTES = 256 * 1024 * 1024
"""The largest input file read (256 MiB: about two million journal events)."""
MAX_ALIAS_NODES = 1_000_000
"""How many nodes YAML aliases (``*name``) may add when expanded: a "billion laughs" document
of nine levels expands to 387 million and took ``charter check`` past 300 s and 4 GB."""


def _too_big(name: str, size: int) -> Diagnostic:
    return _file_error(
        name,
        f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes",
        "split the journal into several files (charter.yaml lists them under journal:)",
    )


def read_text(path: str | Path) -> tuple[str | None, list[Diagnostic]]:
    """The text of an input file (charter, journal, profile, waterfall, game, checkpoint), or a
    located reason it cannot be read.  Every input file of Charter is opened here and nowhere
    else: the file is ``stat``-ed first, and one the process owns (the event store's database
    and its companions) or one that is not a regular file (a FIFO would block, a device never
    ends) is refused without ever being opened."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None, [_file_error(name, "file not found", "check the path")]
    except NotADirectoryError:
        return None, [_file_error(name, "file not found", "check the path")]
    except OSError as exc:
        return None, [_file_error(name, f"cannot read: {exc.strerror}", None)]
    if stat.S_ISDIR(st.st_mode):
        return None, [_file_error(name, "is a directory, not a file", "name a .yaml file")]
    owner = owner_of((st.st_dev, st.st_ino))
    if owner is not None:
        return None, [
            _file_error(
                name,
                f"{name} is {owner}; it is never read as a case file",
                "name a YAML file of the case here; the store's records are read with "
                "charter export",
            )
        ]
    if not stat.S_ISREG(st.st_mode):
        return None, [_file_error(name, "not a regular file", "name a .yaml file")]
    if st.st_size > MAX_FILE_BYTES:
        return None, [_too_big(name, st.st_size)]
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read(), []
    except UnicodeDecodeError as exc:
        return None, [_file_error(name, f"not UTF-8 text ({exc.reason})", "save as UTF-8")]
    except OSError as exc:
        return None, [_file_error(name, f"cannot read: {exc.strerror}", None)]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A YAML file as far as it parses.

    Why not all or nothing: a syntax error in one top-level block (``people:``) must not hide
    the errors of the others (``board:``), so that one run of ``charter check`` reports every
    error of a file, as a compiler does.  With syntax errors, ``data`` is the mapping of the
    top-level blocks that parse on their own (positions kept; a block sequence such as a
    journal's ``events:`` keeps the items that parse, ``None`` in place of the others),
    ``broken`` holds the locations of what did not parse (``("people",)``, ``("events", 3)``),
    and a file with a syntax error never loads: callers look at ``data`` only to report more
    errors (:meth:`all_errors`)."""

    data: Any
    errors: list[Diagnostic]
    broken: frozenset[Loc] = frozenset()

    def all_errors(self, model: type[BaseModel], path: str) -> list[Diagnostic]:
        """The syntax errors and the schema errors of the blocks that parse, in file order:
        what one run reports for a file that does not parse."""
        errors = list(self.errors)
        if self.errors and isinstance(self.data, dict):
            errors += validate(model, self.data, path, skip=self.broken)[1]
        return sorted(errors, key=lambda d: (d.source.line, d.source.column))


def read_yaml(path: str | Path, text: str | None = None) -> tuple[Any, list[Diagnostic]]:
    """Parse one YAML document; on syntax errors return ``(None, diagnostics)``, never raise.

    Every syntax error found is reported (see :func:`parse_yaml`), not only the first."""
    parsed = parse_yaml(path, text)
    return (None, parsed.errors) if parsed.errors else (parsed.data, [])


def parse_yaml(path: str | Path, text: str | None = None) -> Parsed:
    """Parse one YAML document; on a syntax error, recover at each top-level key (see
    :class:`Parsed`).  Never raises."""
    name = str(path)
    if text is None:
        text, problems = read_text(path)
        if text is None:
            return Parsed(None, problems)
    if len(text) > MAX_FILE_BYTES:
        return Parsed(None, [_too_big(name, len(text))])
    data, errors, line = _parse(name, text)
    if not errors:
        bomb = _alias_bomb(name, text, data)
        return Parsed(None, [bomb]) if bomb is not None else Parsed(data, [])
    return _recover(name, text, errors, line)


def _alias_bomb(name: str, text: str, data: Any) -> Diagnostic | None:
    """A located error if expanding ``data``'s aliases would add more than
    :data:`MAX_ALIAS_NODES` nodes (or an alias refers to itself), before anything expands it:
    the parser shares an aliased node, so counting with a memo costs one visit per node."""
    if "*" not in text:
        return None
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[Any, bool]] = [(data, False)]
    busy: set[int] = set()
    while stack:  # post-order without recursion: a deeply nested document cannot overflow
        node, done = stack.pop()
        key = id(node)
        children = (
            [x for kv in node.items() for x in kv]
            if isinstance(node, dict)
            else list(node)
            if isinstance(node, list)
            else []
        )
        if not done:
            if key in sizes:
                continue
            if key in busy:
                return _bomb_error(name, text, "an alias refers to a node that contains it")
            busy.add(key)
            distinct += 1
            stack.append((node, True))
            stack.extend((c, False) for c in children if isinstance(c, dict | list))
            continue
        busy.discard(key)
        total = 1 + sum(sizes.get(id(c), 1) for c in children)
        sizes[key] = total
        if total - distinct > MAX_ALIAS_NODES:
            return _bomb_error(name, text, f"its aliases expand to over {total:,} nodes")
    expanded = sizes.get(id(data), 1)
    if expanded - distinct > MAX_ALIAS_NODES:
        return _bomb_error(name, text, f"its aliases expand to {expanded:,} nodes")
    return None


def _bomb_error(name: str, text: str, why: str) -> Diagnostic:
    first = re.search(r"(?m)\*[A-Za-z0-9_-]+", text)
    line = text.count("\n", 0, first.start()) + 1 if first else 1
    column = first.start() - text.rfind("\n", 0, first.start()) if first else 1
    return Diagnostic(
        source=Source(path=name, line=line, column=column),
        message=f"refused: {why}, over the limit of {MAX_ALIAS_NODES:,} added by aliases",
        hint="write the repeated values out, or use fewer levels of aliases",
    )


FAST_PARSE_CHARS = 64 * 1024
"""Above this size a text is composed by libyaml (C) and built into the same round-trip
objects; below it, and for any text the fast path declines, by ruamel alone."""


_TAGGED = re.compile(r"(?:^|[\s\[\{,:-])!")
"""A tag (``!!str``, ``!foo``) anywhere a node may begin: the fast path declines such a text."""
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~<=nNtTfF")
"""The first characters of every plain scalar YAML 1.2 may resolve to something other than
text (numbers, ``.inf``, ``~``, ``null``, ``true``, ``false``, ``<<``, ``=``)."""


_ZEROS = str.maketrans("123456789", "000000000")


class _Declined(Exception):
    """Something the fast path leaves to ruamel: a duplicate key, a merge key, a tag, a key
    that is not a scalar.  ruamel reports it (or builds it) as it always has."""


@functools.cache
def _composer() -> type:
    """libyaml's C loader with no implicit resolvers: it composes, ruamel resolves (YAML 1.2)."""
    import yaml as libyaml

    class Composer(libyaml.CSafeLoader):  # type: ignore[misc,name-defined]
        yaml_implicit_resolvers: ClassVar[dict[str, Any]] = {}

    return Composer


def _fast_parse(text: str) -> Any:
    """``text`` parsed as ruamel's round-trip loader parses it, at libyaml's speed.

    ruamel's pure-Python scanner reads about 1,300 journal events a second: a 50 MB journal
    took five minutes to check.  libyaml composes the node tree in C; the scalars are then
    resolved and constructed by ruamel's own resolver and constructor (YAML 1.2: ``yes`` stays
    a string, as it does with ruamel), and maps and lists become CommentedMap/CommentedSeq
    with the same line and column marks, so nothing downstream can tell the difference
    (tests/test_yaml_fast_path.py compares the two on every bundled file)."""
    import yaml as libyaml  # PyYAML; its C extension is the point

    if _TAGGED.search(text):
        raise _Declined("a tag")  # libyaml would not tell a tagged plain scalar from another

    node = libyaml.compose(text, Loader=_composer())
    if node is None:
        return None
    ruamel = _yaml()
    resolver, constructor = ruamel.resolver, ruamel.constructor
    built: dict[int, Any] = {}

    constructed: dict[tuple[str, str], Any] = {}
    text_tag = "tag:yaml.org,2002:str"

    resolved: dict[str, str] = {}
    # ruamel's own constructors, called directly: its dispatch by tag costs more than they do
    makers = {
        "tag:yaml.org,2002:timestamp": constructor.construct_yaml_timestamp,
        "tag:yaml.org,2002:int": constructor.construct_yaml_int,
        "tag:yaml.org,2002:float": constructor.construct_yaml_float,
        "tag:yaml.org,2002:bool": constructor.construct_yaml_bool,
        "tag:yaml.org,2002:null": constructor.construct_yaml_null,
    }

    def scalar(n: Any) -> Any:
        if not n.style:  # plain: ruamel's YAML 1.2 resolution
            value = n.value
            if value and value[0] not in _MAYBE_NOT_TEXT:
                return value  # begins with a letter no number, time, bool or null begins with
            # What a plain scalar resolves to depends on its shape, not on which digits it has
            # (every timestamp of a journal is one shape), except for octal's 8 and 9.
            shape = value if value.startswith(("0o", "0O")) else value.translate(_ZEROS)
            tag = resolved.get(shape)
            if tag is None:
                tag = resolved[shape] = str(resolver.resolve(ScalarNode, value, (True, False)))
            if tag == text_tag:
                return value
            if tag not in makers:
                raise _Declined(tag)  # '=' (a YAML 1.1 'value'), '<<': ruamel builds those
            key = (tag, value)
            if key not in constructed:  # numbers, booleans, nulls, times: one object each
                constructed[key] = makers[tag](ScalarNode(tag, value))
            return constructed[key]
        if n.style in ("'", '"'):
            return n.value
        node = ScalarNode(text_tag, n.value, style=n.style)  # literal | and folded >
        return constructor.construct_object(node, deep=True)

    def build(n: Any) -> Any:
        key = id(n)
        if key in built:  # an alias: the same object, as ruamel shares it
            return built[key]
        if isinstance(n, libyaml.ScalarNode):
            value = scalar(n)
            built[key] = value
            return value
        if n.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            raise _Declined(n.tag)
        if isinstance(n, libyaml.MappingNode):
            mapping = CommentedMap()
            built[key] = mapping
            mapping._yaml_set_line_col(n.start_mark.line, n.start_mark.column)
            for k, v in n.value:
                if not isinstance(k, libyaml.ScalarNode) or (k.style is None and k.value == "<<"):
                    raise _Declined("key")
                name = scalar(k)
                if name in mapping:
                    raise _Declined("duplicate key")
                mapping[name] = build(v)
                mapping._yaml_set_kv_line_col(
                    name,
                    [
                        k.start_mark.line,
                        k.start_mark.column,
                        v.start_mark.line,
                        v.start_mark.column,
                    ],
                )
            return mapping
        items = CommentedSeq()
        built[key] = items
        items._yaml_set_line_col(n.start_mark.line, n.start_mark.column)
        for i, item in enumerate(n.value):
            items.append(build(item))
            items._yaml_set_idx_line_col(i, [item.start_mark.line, item.start_mark.column])
        return items

    return build(node)


def _parse(name: str, text: str) -> tuple[Any, list[Diagnostic], int | None]:
    """``(data, errors, 0-based line of the syntax error or None)`` of one YAML text."""
    if len(text) > FAST_PARSE_CHARS:
        try:
            return _fast_parse(text), [], None
        except (_Declined, ImportError, ValueError, RecursionError):
            pass  # ruamel below: its own objects, or its located error
        except Exception as exc:  # libyaml's errors: ruamel below reports them, located
            if type(exc).__module__.split(".")[0] != "yaml":
                raise
    try:
        return _yaml().load(text), [], None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        hint = "check indentation, colons and quotes near this line"
        if "duplicate key" in str(exc):
            problem = "duplicate key" + _after(str(exc), "found duplicate key")
            hint = "each key may appear once in a mapping"
        error = Diagnostic(
            source=Source(path=name, line=line, column=column),
            message=f"invalid YAML: {problem}",
            hint=hint,
        )
        return None, [error], line - 1
    except YAMLError as exc:
        return None, [_file_error(name, f"invalid YAML: {exc}", None)], None
    except ValueError as exc:
        # ruamel builds datetimes itself and raises a bare ValueError, without a position, for
        # a timestamp that matches its pattern but names no real instant (2023-02-30, 25:00).
        found = _bad_timestamps(name, text) or [_file_error(name, f"invalid YAML: {exc}", None)]
        return None, found, None


# A line that starts a top-level block of a mapping: a key at column 0 (not a comment, not a
# sequence item, not a document marker or directive, not the end of a flow collection).
_TOP_KEY = re.compile(
    r"""^(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<plain>[^\s#%\-\[\]\{\}'"][^:#]*?))\s*:(?:\s|$)"""
)


def _recover(name: str, text: str, first: list[Diagnostic], line: int | None) -> Parsed:
    """Parse each top-level block of ``text`` on its own (line numbers kept), after the whole
    text failed with ``first``: the blocks that parse are kept, those that do not are reported.
    A block holding a sequence (a journal's ``events:``) is recovered item by item: the items
    that parse are kept at their index, a ``None`` stands for each one that does not.

    The block that caused ``first`` (the first that fails on its own: an unclosed ``[`` fails on
    the next block's line) is not reported again in its own words."""
    lines = [row + "\n" for row in text.split("\n")]  # YAML's line breaks, not str.splitlines'
    starts = [i for i, row in enumerate(lines) if _TOP_KEY.match(row)]
    if not starts:
        return Parsed(None, first)
    bounds = list(zip(starts, [*starts[1:], len(lines)], strict=True))
    blocks: list[tuple[str, Any, list[Diagnostic]]] = []
    syntax: list[bool] = []  # whether a block fails to parse (not only to build a date)
    for start, stop in bounds:
        data, errors, at = _parse_piece(name, lines, start, stop)
        syntax.append(at is not None)
        match = _TOP_KEY.match(lines[start])
        key = "" if match is None else next(g for g in match.groups() if g is not None)
        if not errors and not isinstance(data, CommentedMap):
            errors = [_syntax(name, start, 0, "expected 'key: value' at the top level")]
        blocks.append((key.strip(), data, errors))
    # The parser reads top-down and every block starts afresh at column 0, so the whole text's
    # first error comes from the first block that fails on its own (at or before that line).
    failing = [k for k in range(len(blocks)) if syntax[k] and starts[k] <= (line or -1)]
    culprit = failing[0] if failing else None
    merged = CommentedMap()
    merged.lc.line, merged.lc.col = 0, 0
    errors = list(first)
    broken: set[Loc] = set()
    for k, (key, data, block_errors) in enumerate(blocks):
        if not block_errors:
            for item in data:
                if item not in merged:  # a duplicate key is one of the errors already reported
                    merged[item] = data[item]
                    merged.lc.add_kv_line_col(item, data.lc.data[item])
            continue
        start, stop = bounds[k]
        items = _items(name, lines, start, stop, line if k == culprit else None)
        if items is None:
            broken.add((key,))
            if k != culprit:
                errors.extend(e for e in block_errors if e not in errors)
            continue
        seq, item_errors, bad = items
        merged[key] = seq
        merged.lc.add_kv_line_col(key, [start, 0, seq.lc.line, seq.lc.col])
        broken.update((key, i) for i in bad)
        errors.extend(e for e in item_errors if e not in errors)
    return Parsed(merged, errors, frozenset(broken))


_ITEM = re.compile(r"^(?P<indent> *)-(?:\s|$)")


def _items(
    name: str, lines: list[str], start: int, stop: int, line: int | None
) -> tuple[CommentedSeq, list[Diagnostic], list[int]] | None:
    """The items of the block sequence under the key on line ``start``, each parsed on its own:
    ``(sequence, errors, indexes of the items that do not parse)``; None if the block is not a
    key over a block sequence or if no item fails on its own (the error lies elsewhere).  With
    ``line`` (the whole file's error, caused by this block), the item that caused it (the first
    that fails on its own) is not reported again."""
    if lines[start].split(":", 1)[1].split("#", 1)[0].strip():
        return None  # a value on the key's line: not a block sequence
    body = [i for i in range(start + 1, stop) if lines[i].strip() and not _comment(lines[i])]
    first = _ITEM.match(lines[body[0]]) if body else None
    if first is None:
        return None
    indent = first.group("indent")
    heads = [
        i for i in body if (m := _ITEM.match(lines[i])) is not None and m.group("indent") == indent
    ]
    if any(i < heads[0] for i in body):
        return None
    seq = CommentedSeq()
    seq.lc.line, seq.lc.col = heads[0], len(indent)
    errors: list[list[Diagnostic]] = []
    syntax: list[int] = []
    for index, (head, end) in enumerate(zip(heads, [*heads[1:], stop], strict=True)):
        data, found, at = _parse_piece(name, lines, head, end)
        if at is not None:
            syntax.append(index)
        ok = not found and isinstance(data, CommentedSeq) and len(data) == 1
        if not found and not ok:
            found = [_syntax(name, head, len(indent), "expected one item of the list here")]
        seq.append(data[0] if ok else None)
        seq.lc.add_idx_line_col(index, data.lc.data[0] if ok else [head, len(indent) + 2])
        errors.append(found)
    bad = [i for i, found in enumerate(errors) if found]
    if not bad:
        return None
    if line is not None:
        if not syntax or heads[syntax[0]] > line:
            return None  # the whole file's error is not in an item
        errors[syntax[0]] = []  # the whole file's error already says it
    return seq, [e for found in errors for e in found], bad


def _parse_piece(
    name: str, lines: list[str], start: int, stop: int
) -> tuple[Any, list[Diagnostic], int | None]:
    """:func:`_parse` of ``lines[start:stop]`` alone, at their own line numbers.  An error at
    the end of the piece (an unclosed ``[``) is put where the piece's text ends: the end of the
    stream is only the end of this piece, not of the file."""
    data, errors, at = _parse(name, "\n" * start + "".join(lines[start:stop]))
    rows = [i for i in range(start, stop) if lines[i].strip() and not _comment(lines[i])]
    if not rows:
        return data, errors, at
    last = rows[-1]
    moved = []
    for error in errors:
        if "'<stream end>'" in error.message and error.source.line > last + 1:
            error = Diagnostic(
                source=Source(path=name, line=last + 1, column=len(lines[last].rstrip()) + 1),
                message=error.message.replace("'<stream end>'", "the end of the entry"),
                hint=error.hint,
            )
        moved.append(error)
    return data, moved, at


def _comment(row: str) -> bool:
    return row.lstrip().startswith("#")


def _syntax(name: str, line: int, column: int, problem: str) -> Diagnostic:
    return Diagnostic(
        source=Source(path=name, line=line + 1, column=column + 1),
        message=f"invalid YAML: {problem}",
        hint="check indentation, colons and quotes near this line",
    )


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _bad_timestamps(path: str, text: str) -> list[Diagnostic]:
    """Every timestamp scalar that cannot be built, located (the node graph keeps marks)."""
    yaml = _yaml()
    try:
        root = yaml.compose(text)
    except YAMLError:
        return []
    out: list[Diagnostic] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, ScalarNode):
            tag = getattr(node.tag, "value", node.tag)
            if tag != _TIMESTAMP_TAG:
                continue
            try:
                yaml.constructor.construct_yaml_timestamp(node)
            except ValueError as exc:
                mark = node.start_mark
                out.append(
                    Diagnostic(
                        source=Source(path=path, line=mark.line + 1, column=mark.column + 1),
                        message=f"impossible date or time '{node.value}': {exc}",
                        hint="use a real calendar date and a time from 00:00:00 to 23:59:59",
                    )
                )
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return out


def read_mapping(
    path: str | Path, what: str, first_key: str, text: str | None = None
) -> tuple[Any, list[Diagnostic]]:
    """:func:`read_yaml` for a file whose top level must be a mapping (every Charter format):
    anything else is one located error saying what the file should start with."""
    parsed = parse_mapping(path, what, first_key, text)
    syntax = parsed.errors and (parsed.data is None or isinstance(parsed.data, dict))
    return (None, parsed.errors) if syntax else (parsed.data, parsed.errors)


def parse_mapping(path: str | Path, what: str, first_key: str, text: str | None = None) -> Parsed:
    """:func:`parse_yaml` for a file whose top level must be a mapping."""
    parsed = parse_yaml(path, text)
    if parsed.errors or isinstance(parsed.data, dict):
        return parsed
    error = Diagnostic(
        source=Source(path=str(path), line=1),
        message=f"{what} must be a mapping",
        hint=f"start with '{first_key}'",
    )
    return Parsed(parsed.data, [error])


def _after(text: str, marker: str) -> str:
    idx = text.find(marker)
    if idx < 0:
        return ""
    rest = text[idx + len(marker) :].splitlines()[0].strip()
    return f" {rest}" if rest else ""


def _file_error(path: str, message: str, hint: str | None) -> Diagnostic:
    return Diagnostic(source=Source(path=path, line=1, column=1), message=message, hint=hint)


def locate(root: Any, loc: Loc, path: str, *, key: bool = False) -> Source:
    """The position of the value at ``loc`` inside ``root`` (or of its key, with ``key=True``).

    Walks as deep as the data allows; if the exact node is missing (a required key that was not
    written), the position of the nearest enclosing node is the honest answer.
    """
    node = root
    line, column = 1, 1
    if isinstance(node, CommentedMap | CommentedSeq):
        line, column = node.lc.line + 1, node.lc.col + 1
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        if isinstance(node, CommentedMap) and part in node:
            pos = node.lc.key(part) if (key and last) else node.lc.value(part)
            if pos is not None and pos[0] is not None:
                line, column = pos[0] + 1, pos[1] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = node.lc.item(part)
            if pos is not None:
                line, column = pos[0] + 1, pos[1] + 1
            node = node[part]
        elif isinstance(node, CommentedMap) and isinstance(part, str) and not last:
            # pydantic puts a discriminated union's tag (e.g. 'notice') into loc: not in the data.
            continue
        else:
            break
    return Source(path=path, line=line, column=column)


def plain(node: Any) -> Any:
    """Round-trip YAML nodes -> plain dicts/lists/scalars for pydantic."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def unknown_ref(source: Source, what: str, ref: str, known: Iterable[str], hint: str) -> Diagnostic:
    """``unknown WHAT 'REF'``, hinting the nearest known name, else ``hint``."""
    guess = did_you_mean(ref, known)
    return Diagnostic(
        source=source,
        message=f"unknown {what} '{ref}'",
        hint=f"did you mean '{guess}'?" if guess else hint,
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Names of the fields allowed at ``loc`` (the mapping that holds an unknown key)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            # A discriminated union tag (e.g. "notice") appears in loc as a pseudo-field.
            return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _union_fields(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """For a tagged-union member (loc contains the tag), the fields of that member."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            if field is not None:
                current = field.annotation
                continue
        # part is a union tag: find the member whose tag literal equals it
        member = _member_by_tag(current, str(part))
        if member is None:
            return []
        current = member
    inner = _inner_model(current) if not isinstance(current, type) else current
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return [f.alias or name for name, f in inner.model_fields.items()]
    return []


def _member_by_tag(annotation: Any, tag: str) -> type[BaseModel] | None:
    for arg in getattr(annotation, "__args__", ()) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            for field in arg.model_fields.values():
                choices = getattr(field.annotation, "__args__", ())
                if tag in choices and getattr(field.annotation, "__origin__", None) is not None:
                    return arg
        found = _member_by_tag(arg, tag)
        if found is not None:
            return found
    return None


def validate(
    model: type[M],
    root: Any,
    path: str,
    *,
    context: dict[str, Any] | None = None,
    positions: Any = None,
    skip: Collection[Loc] = (),
) -> tuple[M | None, list[Diagnostic]]:
    """Validate YAML data against ``model``; every pydantic error becomes a located Diagnostic.

    ``positions`` is the round-trip data to take line numbers from when ``root`` was derived
    (e.g. a profile merged with the one it extends).  ``skip`` names top-level keys whose block
    did not parse (:attr:`Parsed.broken`): their absence is the syntax error already reported.
    """
    try:
        return model.model_validate(plain(root), context=context), []
    except ValidationError as exc:
        where = root if positions is None else positions
        return None, [
            _diagnostic(model, where, path, err)
            for err in _one_per_value(exc.errors())
            if not any(tuple(err["loc"][: len(p)]) == p for p in skip)
        ]


_WHEN_MEMBERS = frozenset({"datetime", "date"})


def _one_per_value(errors: list[Any]) -> list[Any]:
    """A field that takes a date *or* a time fails once per union member, and pydantic reports
    each (``at.datetime: ...``, ``at.date: ...``): two errors, in pydantic's words, for one
    wrong value.  Merge such twins into one error at the field, counted once."""
    out: list[Any] = []
    merged: dict[tuple[Any, ...], Any] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if loc and loc[-1] in _WHEN_MEMBERS and ("date" in err["type"] or "time" in err["type"]):
            field = loc[:-1]
            if field not in merged:
                merged[field] = {"loc": field, "type": "date_or_time", "input": err.get("input")}
                out.append(merged[field])
            continue
        out.append(err)
    return out


def _diagnostic(model: type[BaseModel], root: Any, path: str, err: Any) -> Diagnostic:
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    where = display_path(root, loc)
    if kind == "extra_forbidden":
        name = str(loc[-1])
        allowed = _fields_at(model, loc[:-1]) or _union_fields(model, loc[:-1])
        guess = did_you_mean(name, allowed)
        hint = f"did you mean '{guess}'?" if guess else None
        if allowed and not guess:
            hint = "allowed keys here: " + ", ".join(sorted(allowed))
        return Diagnostic(
            source=locate(root, loc, path, key=True),
            message=f"unknown key '{name}'",
            hint=hint,
        )
    source = locate(root, loc, path)
    if kind == "missing":
        return Diagnostic(
            source=source,
            message=f"missing required key '{loc[-1]}'",
            hint=f"add '{loc[-1]}:' here",
        )
    if kind == "date_or_time":
        given = err.get("input")
        shown = f"'{given}'" if isinstance(given, str) else repr(given)
        return Diagnostic(
            source=source,
            message=f"{where}: {shown} is not a date or time",
            hint="write a time such as 2023-11-17T12:00 (in the case's timezone unless it ends "
            "with an offset such as -08:00) or a date such as 2023-11-17",
        )
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    hint = None
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected")
        given = err.get("input")
        choices = [c.strip().strip("'") for c in str(expected).replace(" or ", ",").split(",")]
        if loc and loc[-1] == "act" and set(choices) >= NOT_WRITTEN:
            # the act kinds the replay makes from other events: never suggested for act:
            choices = [c for c in choices if c not in NOT_WRITTEN]
            expected = ", ".join(f"'{c}'" for c in choices[:-1]) + f" or '{choices[-1]}'"
        guess = did_you_mean(str(given), choices) if given is not None else None
        msg = f"'{given}' is not one of the allowed values"
        hint = f"did you mean '{guess}'? allowed: {expected}" if guess else f"allowed: {expected}"
    elif kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        tag = ctx.get("tag")
        expected = ctx.get("expected_tags", "")
        choices = [c.strip().strip("'") for c in str(expected).split(",")]
        guess = did_you_mean(str(tag), choices)
        msg = f"unknown kind '{tag}'"
        hint = f"did you mean '{guess}'?" if guess else f"allowed: {expected}"
    elif kind in _PLAIN:
        msg, hint = _PLAIN[kind]
        given = err.get("input")
        if given is not None and not isinstance(given, dict | list):
            msg += f", found {given!r}"
    elif " | " in msg:
        msg, _, hint = msg.partition("|")
        msg, hint = msg.strip(), hint.strip()
    return Diagnostic(source=source, message=f"{where}: {msg}", hint=hint)


# pydantic's wording for a wrong type, in words a person writing YAML recognises.
_PLAIN: dict[str, tuple[str, str]] = {
    "tuple_type": ("expected a list", "write [a, b] or one '- item' per line"),
    "list_type": ("expected a list", "write [a, b] or one '- item' per line"),
    "dict_type": ("expected a mapping", "write 'key: value' lines or {key: value}"),
    "model_type": ("expected a mapping", "write 'key: value' lines or {key: value}"),
    "model_attributes_type": ("expected a mapping", "write 'key: value' lines or {key: value}"),
    "string_type": ("expected text", "quote it if it looks like a number, date or true/false"),
    "int_type": ("expected a whole number", "e.g. 7"),
    "int_parsing": ("expected a whole number", "e.g. 7"),
    "int_from_float": ("expected a whole number", "e.g. 7"),
    "bool_type": ("expected true or false", "write true or false"),
    "bool_parsing": ("expected true or false", "write true or false"),
    "float_type": ("expected a number", "e.g. 0.5"),
    "float_parsing": ("expected a number", "e.g. 0.5"),
}


def display_path(root: Any, loc: Loc) -> str:
    """``events[3].to`` for a person: the path as written in the file, without the tags pydantic
    inserts for a tagged union (``events.3.notice.to``)."""
    parts: list[str] = []
    node = root
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        if isinstance(part, int):
            parts.append(f"[{part}]")
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            continue
        if isinstance(node, dict) and part not in node and not last:
            continue  # a union tag, not a key of the data
        parts.append(("." if parts else "") + str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"
