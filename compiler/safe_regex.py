"""Regular expressions from specs, run in linear time.

A UTM ``pattern`` is written by whoever edits the specs and run against every link ``gtm utm
check`` sees, so a catastrophic pattern such as ``^(a+)+$`` must not hang it.  Patterns are
compiled and matched with RE2 (``google-re2``), whose matching time is linear in the input; RE2
has no backreferences or look-around, so such a pattern is an invalid-regex diagnostic at
validate time rather than a risk at run time.

Without the ``re2`` module (an environment set up before it became a dependency) the check
falls back to Python's ``re`` after refusing, at validate time, the shapes that backtrack
without bound: a quantified group that itself holds a quantifier, backreferences and
look-around.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

try:
    import re2 as _re2
except ImportError:  # pragma: no cover - only where .ci/setup has not been re-run
    _re2 = None

MAX_PATTERN = 1000  # characters
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{?]")  # (..x+..)+ and kin
_UNSAFE = re.compile(r"\\[1-9]|\(\?[=!<]|\(\?P=")


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (syntax, size, or a shape that may not run in linear time)."""
    if len(pattern) > MAX_PATTERN:
        return f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN}"
    if _re2 is not None:
        try:
            _re2.compile(pattern)
        except Exception as e:  # re2.error; its message names the unsupported construct
            return f"not a linear-time (RE2) pattern: {e}"
        try:
            re.compile(pattern)
        except re.error as e:
            return str(e)
        return None
    try:
        re.compile(pattern)
    except re.error as e:
        return str(e)
    if _UNSAFE.search(pattern):
        return "backreferences and look-around are not allowed (they need backtracking)"
    if _NESTED.search(pattern):
        return "a repeated group holds a repeat (such as (a+)+), which can take exponential time"
    return None


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return _re2.compile(pattern) if _re2 is not None else re.compile(pattern)


def search(pattern: str, text: str) -> bool:
    """Does ``pattern`` match somewhere in ``text``?  (Linear time with RE2.)"""
    return _compiled(pattern).search(text) is not None
