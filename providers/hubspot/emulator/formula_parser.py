"""Tokenizer and recursive-descent parser for calculation-property formulas.

Produces the AST of :mod:`formula_ast` or raises :class:`FormulaSyntaxError`
with the 0-based position of the offending token.  The accepted dialect is
described in :mod:`providers.hubspot.emulator.formula`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .formula_ast import (
    FUNCTIONS,
    Binary,
    Bool,
    Call,
    Expr,
    FormulaSyntaxError,
    If,
    Number,
    PropertyRef,
    String,
    Unary,
)

# DOC (§ "Calculation property syntax"): the documented keywords.  ``xor`` is not among
# them (only ``and``, ``or``, ``not``), so it is refused with a hint (stricter reading).
KEYWORDS = frozenset(
    {"if", "then", "elseif", "else", "endif", "and", "or", "not", "equals", "true", "false"}
)
_COMPARISONS = frozenset({"<", ">", "<=", ">=", "=", "!="})
_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d*)?|\.\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|==|&&|\|\||[-+*/<>=(),!])
    """,
    re.VERBOSE,
)
_HINTS = {
    "==": "'==' is not an operator here; write '=' or 'equals'",
    "&&": "'&&' is not an operator here; write 'and'",
    "||": "'||' is not an operator here; write 'or'",
    "!": "'!' is not an operator here; write 'not' (or '!=' for inequality)",
}


@dataclass(frozen=True)
class Token:
    """One lexical token; ``kind`` is num, str, ident, kw, op or eof."""

    kind: str
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; keywords are recognised case-insensitively."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            if text[pos] in "'\"":
                raise FormulaSyntaxError("unterminated string literal", pos)
            raise FormulaSyntaxError(f"unexpected character {text[pos]!r}", pos)
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "op" and value in _HINTS:
            raise FormulaSyntaxError(_HINTS[value], pos)
        if kind == "ident" and value.lower() == "xor":
            raise FormulaSyntaxError("'xor' is not documented; write (a or b) and not (a and b)", pos)
        if kind == "ident" and value.lower() in KEYWORDS:
            tokens.append(Token("kw", value.lower(), pos, match.end()))
        elif kind != "ws":
            tokens.append(Token(kind, value, pos, match.end()))
        pos = match.end()
    tokens.append(Token("eof", "", len(text), len(text)))
    return tokens


class _Parser:
    """Recursive descent over the token list (one instance per formula)."""

    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    # -- token helpers -------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "eof":
            self.index += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (text is None or token.text == text)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.at(kind, text):
            raise FormulaSyntaxError(
                f"expected {what}, found {self.describe(self.current)}", self.current.start
            )
        return self.advance()

    @staticmethod
    def describe(token: Token) -> str:
        return "end of formula" if token.kind == "eof" else repr(token.text)

    # -- grammar -------------------------------------------------------
    def formula(self) -> Expr:
        if self.at("eof"):
            raise FormulaSyntaxError("empty formula", 0)
        expr = self.expression()
        if not self.at("eof"):
            token = self.current
            hint = ""
            if token.kind == "kw" and token.text in ("else", "elseif", "endif", "then"):
                hint = f" ('{token.text}' without a matching 'if')"
            raise FormulaSyntaxError(f"unexpected {self.describe(token)}{hint}", token.start)
        return expr

    def expression(self) -> Expr:
        return self.binary_level(0)

    _LEVELS: tuple[str, ...] = ("or", "and")

    def binary_level(self, level: int) -> Expr:
        if level == len(self._LEVELS):
            return self.negation()
        keyword = self._LEVELS[level]
        left = self.binary_level(level + 1)
        while self.at("kw", keyword):
            op = self.advance()
            right = self.binary_level(level + 1)
            left = Binary(keyword, left, right, op.start)
        return left

    def negation(self) -> Expr:
        if self.at("kw", "not"):
            token = self.advance()
            return Unary("not", self.negation(), token.start)
        return self.comparison()

    def comparison(self) -> Expr:
        left = self.additive()
        token = self.current
        if (token.kind == "op" and token.text in _COMPARISONS) or (
            token.kind == "kw" and token.text == "equals"
        ):
            self.advance()
            op = "=" if token.text == "equals" else token.text
            right = self.additive()
            nxt = self.current
            if (nxt.kind == "op" and nxt.text in _COMPARISONS) or (nxt.kind == "kw" and nxt.text == "equals"):
                raise FormulaSyntaxError("comparisons cannot be chained; combine them with 'and'", nxt.start)
            return Binary(op, left, right, token.start)
        return left

    def additive(self) -> Expr:
        left = self.multiplicative()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self.advance()
            left = Binary(op.text, left, self.multiplicative(), op.start)
        return left

    def multiplicative(self) -> Expr:
        left = self.unary()
        while self.current.kind == "op" and self.current.text in "*/":
            op = self.advance()
            left = Binary(op.text, left, self.unary(), op.start)
        return left

    def unary(self) -> Expr:
        if self.at("op", "-"):
            token = self.advance()
            return Unary("-", self.unary(), token.start)
        return self.primary()

    def primary(self) -> Expr:
        token = self.current
        if token.kind == "num":
            self.advance()
            number: Expr = Number(Decimal(token.text), token.start)
            nxt = self.current
            # "prefix notation to multiply": 10property1 == 10 * property1 (no space between).
            if nxt.start == token.end and (nxt.kind == "ident" or nxt.text == "("):
                return Binary("*", number, self.primary(), token.start)
            return number
        if token.kind == "str":
            self.advance()
            return String(token.text[1:-1], token.start)
        if token.kind == "kw" and token.text in ("true", "false"):
            self.advance()
            return Bool(token.text == "true", token.start)
        if token.kind == "kw" and token.text == "if":
            return self.conditional()
        if token.kind == "ident":
            return self.identifier()
        if token.kind == "op" and token.text == "(":
            self.advance()
            inner = self.expression()
            self.expect("op", ")", "')'")
            return inner
        raise FormulaSyntaxError(f"expected a value, found {self.describe(token)}", token.start)

    def identifier(self) -> Expr:
        token = self.advance()
        name = token.text.lower()
        if not self.at("op", "("):
            return PropertyRef(name, "number", token.start)
        self.advance()
        if name in ("string", "bool"):
            arg = self.current
            if arg.kind != "ident":
                raise FormulaSyntaxError(f"{name}() takes a property name", arg.start)
            self.advance()
            self.expect("op", ")", "')'")
            return PropertyRef(arg.text.lower(), name, token.start)
        signature = FUNCTIONS.get(name)
        if signature is None:
            # DOC: only the documented functions exist (formula_ast.FUNCTIONS).
            raise FormulaSyntaxError(
                f"unknown function '{token.text}'; documented functions: {', '.join(sorted(FUNCTIONS))}",
                token.start,
            )
        args: list[Expr] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.at("op", ","):
                self.advance()
                args.append(self.expression())
        self.expect("op", ")", "',' or ')'")
        if not signature.min_args <= len(args) <= signature.max_args:
            expected = (
                str(signature.min_args)
                if signature.min_args == signature.max_args
                else f"{signature.min_args} to {signature.max_args}"
            )
            raise FormulaSyntaxError(f"{name}() takes {expected} arguments, got {len(args)}", token.start)
        return Call(name, tuple(args), token.start)

    def conditional(self) -> Expr:
        start = self.advance()
        if self.at("op", "("):
            # Catch the spreadsheet form if(c, a, b) with a precise message.
            saved = self.index
            self.advance()
            self.expression()
            if self.at("op", ","):
                raise FormulaSyntaxError(
                    "if(...) is not a function here; write 'if COND then A else B'", start.start
                )
            self.index = saved
        branches: list[tuple[Expr, Expr]] = []
        condition = self.expression()
        self.expect("kw", "then", "'then'")
        branches.append((condition, self.expression()))
        while self.at("kw", "elseif"):
            self.advance()
            condition = self.expression()
            self.expect("kw", "then", "'then'")
            branches.append((condition, self.expression()))
        otherwise: Expr | None = None
        if self.at("kw", "else"):
            self.advance()
            otherwise = self.expression()
        elif self.at("kw", "endif"):
            self.advance()
        return If(tuple(branches), otherwise, start.start)


def parse_formula(text: str) -> Expr:
    """Parse ``text`` into an expression tree (see :func:`formula.parse`)."""
    return _Parser(text).formula()
