"""Text from the files, made safe to print on a terminal or in a log.

A YAML key or value may hold escape sequences (``\\x1b]0;…`` sets the terminal's
title, ``\\x1b[2J`` clears it), carriage returns and newlines that forge report lines,
or bidirectional controls that reorder what is shown (« Trojan source »). Everything
of our text reports that comes from the files goes through :func:`sur`: such
characters are shown as visible escapes (``\\x1b``, ``\\n``, ``\\u202e``), never sent raw.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the
# bidirectional formatting characters.
_DANGEREUX = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u2028-\\u202e\\u2066-\\u2069]")
_NOMMES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NOMMES:
        return _NOMMES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sur(text: str) -> str:
    """``text`` with every control character shown as an escape: one line, nothing hidden."""
    return _DANGEREUX.sub(_visible, text)


def sur_lignes(text: str) -> str:
    """Like :func:`sur` but keeps the line breaks of a text we laid out ourselves."""
    return "\n".join(sur(line) for line in text.split("\n"))
