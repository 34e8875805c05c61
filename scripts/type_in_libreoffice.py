"""Type answers into a generated meeting-notes form in real LibreOffice, as a person would, and save it.

Maintainer's script that made tests/data/meeting-notes-typed-in-libreoffice.docx: it shows what
LibreOffice writes when someone fills in a form in it (a round trip through `soffice --convert-to` cannot,
since typing goes through LibreOffice's own editing). It drives LibreOffice through UNO, so it runs with
the Python that has LibreOffice's `uno` module (Debian: python3-uno), not the project's venv:

    /usr/bin/python3 scripts/type_in_libreoffice.py FORM.docx OUT.docx

Each answer replaces a field's hint text; a line break is Shift+Enter, a new paragraph is Enter.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.text.ControlCharacter import (  # type: ignore[import-not-found]
    LINE_BREAK,
    PARAGRAPH_BREAK,
)

# hint text of the field (the first one found) -> paragraphs, each a list of lines
ANSWERS: dict[str, list[list[str]]] = {
    "Hva går bra? Gi konkrete eksempler.": [["Første linje & <b>", 'Andre linje "sitat" Æøå 😀']],
    "Hvilken utvikling er avtalt?": [["Første avsnitt"], ["Andre avsnitt & <mer>"]],
    "De viktigste punktene fra samtalen": [["Kort & godt"]],
    "Beskriv målet": [["Øke salget < 10 %"]],
    "ikke startet / pågår / fullført / avbrutt": [["fullført"]],
}


def _property(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def type_answers(source: Path, target: Path) -> None:
    """Open `source` in LibreOffice, type ANSWERS over the hints, save as .docx to `target`."""
    profile = Path(tempfile.mkdtemp(prefix="appraisal-uno-"))
    pipe = f"appraisal{profile.name}"
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            f"--accept=pipe,name={pipe};urp;",
        ]
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(150):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # LibreOffice is still starting
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(source.resolve())), "_blank", 0, (_property("Hidden", True),)
        )
        search = document.createSearchDescriptor()
        for hint, paragraphs in ANSWERS.items():
            search.SearchString = hint
            found = document.findFirst(search)
            if found is None:
                raise LookupError(f"no field shows {hint!r}")
            found.setString("")
            text = found.getText()
            cursor = text.createTextCursorByRange(found)
            for number, lines in enumerate(paragraphs):
                if number:
                    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
                for index, line in enumerate(lines):
                    if index:
                        text.insertControlCharacter(cursor, LINE_BREAK, False)
                    text.insertString(cursor, line, False)
        document.storeToURL(
            uno.systemPathToFileUrl(str(target.resolve())), (_property("FilterName", "MS Word 2007 XML"),)
        )
        document.close(True)
        with contextlib.suppress(Exception):  # the bridge goes down with LibreOffice
            desktop.terminate()
        office.wait(timeout=60)
    finally:
        if office.poll() is None:
            office.kill()


def main() -> int:
    """Type the answers into the form given and save the result."""
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    type_answers(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"Wrote {sys.argv[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
