"""Hostile XLSX workbooks, written by hand so that tests can make them in a few milliseconds.

A workbook is a zip of XML parts; these build the few parts openpyxl needs, with a first
sheet whose cells point into the shared strings, so that each test can swap in the part it
attacks with.
"""

import io
import struct
import zipfile
from collections.abc import Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
ROOT_RELATIONSHIPS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="{RELATIONSHIPS}/officeDocument"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">
<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELATIONSHIPS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="{RELATIONSHIPS}/worksheet"/>
<Relationship Id="rId2" Target="sharedStrings.xml" Type="{RELATIONSHIPS}/sharedStrings"/>
</Relationships>"""
# Two rows, "Correo" over "ana@example.pe", both from the shared strings.
SHEET = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c></row>
<row r="2"><c r="A2" t="s"><v>1</v></c></row>
</sheetData></worksheet>"""


SHEETS = '<sheets><sheet name="Hoja1" sheetId="1" r:id="rId1"/></sheets>'


def shared_strings(*texts: str, doctype: str = "") -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<sst xmlns="{MAIN}" count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'
    )


def workbook(
    strings: str | Iterable[bytes] = shared_strings("Correo", "ana@example.pe"),
    sheet: str = SHEET,
    *,
    has_sheet: bool = True,
) -> bytes:
    """An XLSX file with these shared strings (text, or bytes in pieces) and first sheet,
    compressed as Excel does."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELATIONSHIPS,
        "xl/workbook.xml": WORKBOOK if has_sheet else WORKBOOK.replace(SHEETS, ""),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELATIONSHIPS,
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": strings,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if isinstance(content, str):
                archive.writestr(name, content)
            else:
                with archive.open(name, "w") as part:
                    for piece in content:
                        part.write(piece)
    return buffer.getvalue()


def shared_strings_bomb(megabytes: int) -> bytes:
    """A workbook of a few hundred kilobytes whose shared strings expand to ``megabytes``.

    The one long string is written a megabyte at a time, so making it costs no memory.
    """
    head, tail = shared_strings("Correo", "{}").encode().split(b"{}")
    mega = b"a" * (1024 * 1024)
    return workbook([head, *(mega for _ in range(megabytes)), tail])


def understated(content: bytes, name: str, size: int) -> bytes:
    """``content`` with the part ``name`` declaring ``size`` bytes unpacked, whatever it holds.

    The size is written where a zip declares it twice: the part's local header and its entry
    in the central directory.
    """
    data = bytearray(content)
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo(name)
    data[info.header_offset + 22 : info.header_offset + 26] = struct.pack("<I", size)
    # Each central directory entry: its signature, the sizes at 20-28, the name at 46.
    entry = data.find(b"PK\x01\x02")
    while entry >= 0:
        length = struct.unpack("<H", data[entry + 28 : entry + 30])[0]
        if data[entry + 46 : entry + 46 + length] == name.encode():
            data[entry + 24 : entry + 28] = struct.pack("<I", size)
        entry = data.find(b"PK\x01\x02", entry + 1)
    return bytes(data)


def billion_laughs() -> bytes:
    """A workbook whose shared strings hold the "billion laughs" entity expansion."""
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return workbook(
        shared_strings("Correo", "&lol9;", doctype=f"<!DOCTYPE sst [{''.join(entities)}]>")
    )


def external_entity(path: str) -> bytes:
    """A workbook whose shared strings pull in a file of the server (XXE)."""
    doctype = f'<!DOCTYPE sst [<!ENTITY secret SYSTEM "file://{path}">]>'
    return workbook(shared_strings("Correo", "&secret;", doctype=doctype))


def entity_in_sheet() -> bytes:
    """A workbook whose first sheet, which openpyxl parses only as it reads rows, declares
    an entity."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY name "Correo">]>'
    sheet = SHEET.replace("?>", "?>" + doctype, 1).replace("<v>0</v>", "<v>0</v>&name;")
    return workbook(sheet=sheet)


def not_a_workbook() -> bytes:
    """A zip that holds no workbook, only a text file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("hola.txt", "Esto no es un libro de Excel.")
    return buffer.getvalue()


def empty_zip() -> bytes:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    return buffer.getvalue()
