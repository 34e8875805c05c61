"""Type answers into a generated form in real LibreOffice, as a person would, and save it as .docx.

A round trip through `soffice --convert-to` only re-saves; typing goes through LibreOffice's own
editing, which is where line breaks and fields are made or lost. This drives LibreOffice through UNO,
so it runs with the Python that has LibreOffice's `uno` module (Debian: python3-uno), not the project's
venv, and needs nothing of the project:

    /usr/bin/python3 scripts/type_in_libreoffice.py FORM.docx OUT.docx PLAN.json

PLAN.json is a list of fields to type into, in order:

    [{"key": "strengths", "hint": "Hva går bra? Gi konkrete eksempler.", "mode": "replace",
      "keys": ["First line", "\\u000b", "second line", "\\n", "A new paragraph"]}]

Each field is found by its bookmark (`apr_` + the first 20 hex digits of the SHA-1 of its key, as
`pipeline.forms.fields.bookmark_name` makes it); its `hint` (the hint text, or a pre-filled value) is looked for
from there. `mode` is `replace` (select the hint and type over it, as after clicking into an empty
field), `after` (click at the end of the hint and type, leaving it) or `next-line` (as `after`, then
Enter first: the answer goes into a new paragraph after the field). `keys` are typed one by one: text as
typed, `"\\n"` is Enter (`.uno:InsertPara`) and `"\\u000b"` is Shift+Enter (`.uno:InsertLinebreak`), the
commands LibreOffice runs for those keys. `{"frame": "text"}` inserts a text box holding the text where
the cursor is (Insert > Text Box).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

ENTER, SHIFT_ENTER = "\n", "\u000b"


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def bookmark_name(key: str) -> str:
    """The bookmark around a field (pipeline.forms.fields.bookmark_name)."""
    return "apr_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # LibreOffice is still starting
            time.sleep(0.2)
    raise RuntimeError("LibreOffice did not start")


@contextlib.contextmanager
def office():
    """A LibreOffice of its own (a fresh profile), headless, listening on a pipe: (its UNO context, its
    desktop); ended, and its profile removed, on leaving."""
    profile = Path(tempfile.mkdtemp(prefix="appraisal-uno-"))
    pipe = f"appraisal{profile.name}"
    process = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = _connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        yield context, desktop
        with contextlib.suppress(Exception):  # the bridge goes down with LibreOffice
            desktop.terminate()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        subprocess.run(["rm", "-rf", str(profile)], check=False)


def type_answers(source: Path, target: Path, plan: list[dict]) -> None:
    """Open `source` in LibreOffice, type the plan's answers, save as .docx to `target`."""
    with office() as (context, desktop):
        manager = context.ServiceManager
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(source.resolve())), "_blank", 0, (_property("Hidden", True),)
        )
        controller = document.getCurrentController()
        frame = controller.getFrame()
        dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        bookmarks = document.getBookmarks()
        for field in plan:
            name = bookmark_name(field["key"])
            if not bookmarks.hasByName(name):
                raise LookupError(f"no bookmark for {field['key']} ({name})")
            anchor = bookmarks.getByName(name).getAnchor()
            search = document.createSearchDescriptor()
            search.SearchString = field["hint"]
            found = document.findNext(anchor.getStart(), search)
            if found is None:
                raise LookupError(f"{field['key']}: {field['hint']!r} not found after its bookmark")
            mode = field.get("mode", "replace")
            if mode == "replace":
                controller.select(found)
            else:
                cursor = controller.getViewCursor()
                cursor.gotoRange(found.getEnd(), False)
            keys = list(field["keys"])
            if mode == "next-line":
                keys.insert(0, ENTER)
            for key in keys:
                if key == ENTER:
                    dispatcher.executeDispatch(frame, ".uno:InsertPara", "", 0, ())
                elif key == SHIFT_ENTER:
                    dispatcher.executeDispatch(frame, ".uno:InsertLinebreak", "", 0, ())
                elif isinstance(key, dict):
                    _insert_text_box(document, controller.getViewCursor(), key["frame"])
                else:
                    dispatcher.executeDispatch(frame, ".uno:InsertText", "", 0, (_property("Text", key),))
        document.storeToURL(
            uno.systemPathToFileUrl(str(target.resolve())), (_property("FilterName", "MS Word 2007 XML"),)
        )
        document.close(True)


def _insert_text_box(document, cursor, text: str) -> None:
    """A text box (Insert > Text Box: a frame) where the cursor is, holding `text`."""
    box = document.createInstance("com.sun.star.text.TextFrame")
    size = uno.createUnoStruct("com.sun.star.awt.Size")
    size.Width, size.Height = 4000, 1000  # 1/100 mm
    box.setSize(size)
    cursor.getText().insertTextContent(cursor, box, False)
    box.getText().setString(text)


def main() -> int:
    """Type the plan's answers into the form given and save the result."""
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    plan = json.loads(Path(sys.argv[3]).read_text("utf-8"))
    type_answers(Path(sys.argv[1]), Path(sys.argv[2]), plan)
    print(f"Wrote {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
