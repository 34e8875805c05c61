"""The Jinja environment documents are rendered in: sandboxed, autoescaping, strict, every value literal.

Every value is inserted as literal text (`literal`, the environment's finalize): escaped for XML, line
breaks and tabs as Word's own breaks, characters XML cannot hold dropped. The sandbox bars unsafe
attributes, caps `range()` and keeps a template from exhausting memory.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, MutableMapping
from types import CodeType
from xml.sax.saxutils import escape as xml_escape

import jinja2
import jinja2.runtime
import jinja2.sandbox
import markupsafe
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


# what `literal` changes: markup characters, and control characters (breaks and tabs among them)
_SPECIAL = re.compile('[\x00-\x1f&<>"\ufffe\uffff]')
_markup = functools.partial(str.__new__, Markup)  # Markup(text) without its __new__ (made in Python)


def literal(value: object) -> Markup:
    """A context value as WordprocessingML text: escaped, breaks and tabs as Word's, never `None`."""
    if value is None:
        return _markup("")
    text = value if isinstance(value, str) else str(value)
    if _SPECIAL.search(text) is None:
        return _markup(text)  # most values: a name, a date, a sentence
    if ILLEGAL_XML.search(text):
        text = ILLEGAL_XML.sub("", text)
    text = xml_escape(text, {'"': "&quot;"})
    if "\n" in text or "\r" in text or "\t" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", BREAK).replace("\t", TAB)
    return _markup(text)


def escape_literal(value: object) -> Markup:
    """markupsafe's `escape`, which a compiled template applies to each value it writes, without the
    copy it makes of a Markup: the same text for every value. Every value a document's template writes
    is `literal`'s Markup (the environment's finalize), so it is escaped once (a fifth of the calls a
    form's rendering made were `escape` copying `literal`'s Markup, issue 16)."""
    return value if type(value) is Markup else markupsafe.escape(value)  # type: ignore[return-value]


class _Template(jinja2.Template):
    """A template of the sandbox: its compiled module's `escape` (shared by its blocks and macros) is
    `escape_literal`."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, object],  # noqa: A002 - Jinja's name for it
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        template.root_render_func.__globals__["escape"] = escape_literal
        return template


MAX_PRODUCT = 100_000  # the longest text or list a template may make by multiplying (`'-' * 80` is fine)


class TemplateSandbox(SandboxedEnvironment):
    """Jinja's sandbox, which already bars unsafe attributes and caps `range()`, also kept from
    exhausting memory: `'a' * 10**10` or `9 ** 9 ** 9` in an edited template fails instead."""

    intercepted_binops = frozenset({"*", "**"})
    template_class = _Template

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: object, right: object
    ) -> object:
        if operator == "**" and isinstance(right, int) and (right > 64 or right < 0):
            raise jinja2.sandbox.SecurityError(f"{left!r} ** {right!r} is too big for a document")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                too_long = (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_PRODUCT
                )
                if too_long:
                    raise jinja2.sandbox.SecurityError(
                        "a text or list that long does not belong in a document"
                    )
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: object, attribute: str) -> object:
        """`obj.attribute` as the sandbox reads it: the attribute first, else the item. A context is
        dicts, whose keys are never a dict's attributes: their item is looked up directly, instead of
        after the AttributeError the sandbox's `getattr(obj, attribute)` raises and catches (some 6% of
        the CPU of rendering the documents, issue 16). Anything else is the sandbox's to answer."""
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


_DICT_NAMES = frozenset(dir(dict))  # what `getattr` finds on a dict (it has no attributes of its own)


def make_environment(undefined: type[jinja2.Undefined] = jinja2.StrictUndefined) -> SandboxedEnvironment:
    """The one Jinja environment documents are rendered in: sandboxed, autoescaping, strict."""
    return TemplateSandbox(autoescape=True, undefined=undefined, finalize=literal, keep_trailing_newline=True)
