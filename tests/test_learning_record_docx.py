"""The document for a meeting (issue #12) opened by a real word processor: answers typed in Debian's
chromium, "Download for a meeting (Word)" pressed, and the .docx converted by LibreOffice (headless,
its own profile in tmp_path) to text and to PDF. The package is also checked against what Word is
strict about: a content type for every part, relationships that resolve, well-formed XML in the
right namespaces, elements in the order the schema (ECMA-376) requires, only characters XML can
hold. LibreOffice is required, as chromium is: `make test` installs both (scripts/system-deps.sh)."""
from __future__ import annotations

import datetime
import io
import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from playwright.sync_api import expect

from test_coaching_log import add_relationship, entry_of
from test_learning_record_meeting import laptop  # noqa: F401 (a fixture: a 1366x768 page collecting script errors)
from test_self_check import KEY, NS, stored
from webcheck import box, choice, form_called, note_on

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = "{" + W_NS + "}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice") or "/usr/bin/soffice"


def uk(d: datetime.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


# ------------------------------------------------------------------ LibreOffice


def soffice(doc: Path, target: str, out: Path) -> Path:
    """Convert doc with LibreOffice headless, with a profile of its own under out; returns the file."""
    if not Path(SOFFICE).exists():
        pytest.fail("LibreOffice is not installed: run `make test` (scripts/system-deps.sh installs libreoffice-writer-nogui)")
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "lo-profile").as_uri()
    r = subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(out), str(doc)],
                       capture_output=True, text=True, timeout=180)
    made = out / (doc.stem + "." + target.split(":")[0])
    assert r.returncode == 0 and made.exists(), f"LibreOffice could not open {doc.name}: {r.stdout}{r.stderr}"
    return made


def as_text(doc: Path, out: Path) -> str:
    return soffice(doc, "txt:Text (encoded):UTF8", out).read_text(encoding="utf-8-sig")


def pdf_pages(doc: Path, out: Path):
    """LibreOffice's PDF of doc: the reader and the text of each page, whitespace folded."""
    import pypdf

    pdf = pypdf.PdfReader(io.BytesIO(soffice(doc, "pdf", out).read_bytes()))
    return pdf, [" ".join((p.extract_text() or "").split()) for p in pdf.pages]


# ------------------------------------------------------------------ the browser


def download_docx(page, tmp_path: Path) -> Path:
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download for a meeting (Word)").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    return path


def saved(page) -> None:
    page.evaluate("window.hb.storage.flush()")


# ------------------------------------------------------------------ typed in, opened by LibreOffice

ACCENTS = "Questionnement et « temps d’attente » avec les élèves de 9e: Zoë, Siân, Łukasz, Ñúñez — café, naïve, Ångström."
LONG = "\n".join(f"Week {n}: we tried pausing three seconds after each question and counted how many pupils "
                 f"answered; the coach noted who spoke and who did not, and we agreed one change for the next lesson ({n})."
                 for n in range(1, 41)) + "\nThe last line of a long answer."
NAME = "Siân O’Connell"


def fill_as_a_teacher(page, base: str) -> None:
    page.goto(base + "coaching.html")
    note_on(page, "Is there a particular aspect of your practice").fill(ACCENTS)
    coaches = form_called(page, "what effective coaches do")
    choice(coaches, "Your rating", "Secure", item="Listen actively").check()
    box(coaches, "Evidence or next step", item="Listen actively").fill(LONG)
    saved(page)
    page.goto(base + "coaching-log.html")
    expect(page.locator(".hb-log--enhanced")).to_be_visible()
    sec = add_relationship(page, "Coaching with A.")
    sec.get_by_role("button", name=re.compile(r"^Add a session note\b")).click()
    entry = entry_of(sec, "Session note")
    entry.get_by_label("Date of the session", exact=True).fill("2026-11-20")
    entry.get_by_label("What the session was about", exact=True).fill("Observation feedback")
    entry.get_by_label("What we talked about", exact=True).fill("Two open questions an hour became five.")
    entry.get_by_label("What we talked about", exact=True).blur()
    saved(page)
    page.goto(base + "record.html")
    page.get_by_label("Your name (for printing)").fill(NAME)
    page.wait_for_function(f"JSON.parse(localStorage.getItem('{KEY}')).answers['record.name'] === {json.dumps(NAME)}")


def test_the_document_for_a_meeting_opens_in_libreoffice_with_every_answer(site, laptop, tmp_path):
    page = laptop
    fill_as_a_teacher(page, site.as_uri() + "/")
    assert stored(page)["coaching-log.session"][0]["title"] == "Observation feedback"
    expect(page.get_by_label("Show every prompt, including the ones not answered yet")).not_to_be_checked()
    doc = download_docx(page, tmp_path)
    text = as_text(doc, tmp_path / "txt")
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    # the title block: who, which handbook, when
    assert lines[0] == f"My learning record: {NAME}", lines[:3]
    assert lines[1] == f"Coaching and Mentoring Handbook, {uk(datetime.date.today())}", lines[:3]
    # the answers, as typed
    assert ACCENTS in lines
    assert "Secure" in lines
    for line in LONG.splitlines():
        assert line in lines, line
    assert "Coaching relationship: Coaching with A." in lines
    assert "Session note: Observation feedback, 20 November 2026" in lines
    assert "What we talked about: Two open questions an hour became five." in lines
    # only what has been answered, as the record shows by default: its sections, in its order
    assert "No answer yet" not in text
    # each shown section's heading (a section names its heading by id, data-hb-heading: the link is what is read)
    shown = page.locator("[data-hb-section]:visible").evaluate_all(
        "els => els.map(s => document.getElementById(s.dataset.hbHeading).firstChild.textContent.trim())")
    headings = [t for t, style in paragraphs(zipfile.ZipFile(doc).read("word/document.xml")) if style == "Heading1"]
    assert headings == shown == ["Coaching", "My coaching log"], (headings, shown)
    # as a PDF: the title kept, the long answer whole, the log on the last page
    pdf, pages = pdf_pages(doc, tmp_path / "pdf")
    assert pdf.metadata.title == f"My learning record: {NAME}"
    assert len(pages) <= 4, len(pages)
    whole = " ".join(pages)
    assert all(line in whole for line in LONG.splitlines()[::10])
    assert "What we talked about: Two open questions an hour became five." in pages[-1]
    assert page.js_errors == []


# ------------------------------------------------------------------ what Word is strict about

CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
# Characters XML 1.0 cannot hold (https://www.w3.org/TR/xml/#charsets). U+FFFD is legal but is what a
# lone surrogate becomes when the browser encodes it: finding one means a character was mangled.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\ufffd]")

# The order ECMA-376 Part 1 (wml.xsd, transitional) gives the children of the elements this
# handbook writes. A child not listed here is reported, so a new element gets its place checked.
SEQUENCES = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
           "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
           "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
           "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
           "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
           "lang eastAsianLayout specVanish oMath",
    "style": "name aliases basedOn next link autoRedefine uiPriority semiHidden unhideWhenUsed qFormat locked personal "
             "personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr",
    "styles": "docDefaults latentStyles style",
    "docDefaults": "rPrDefault pPrDefault",
    "rPrDefault": "rPr",
    "pPrDefault": "pPr",
    "tbl": "tblPr tblGrid tr",
    "tblGrid": "gridCol",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
             "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tblBorders": "top left bottom right insideH insideV",
    "tr": "tblPrEx trPr tc",
    "trPr": "tblHeader",
    "tc": "tcPr p",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
    "sectPr": "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
              "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings",
    "settings": "zoom defaultTabStop characterSpacingControl compat themeFontLang",
    "compat": "compatSetting",
    "document": "body",
}
# Content where any order is allowed (a choice repeated), and what must come first or last.
CHOICES = {"body": {"p", "tbl", "sectPr"}, "p": {"pPr", "r"}, "r": {"rPr", "t", "br", "tab"}}
FIRST = {"p": "pPr", "r": "rPr"}
LEAVES = {"t", "br", "tab", "pStyle", "keepNext", "spacing", "outlineLvl", "rFonts", "b", "i", "color", "sz", "szCs",
          "lang", "name", "basedOn", "next", "qFormat", "tblW", "top", "left", "bottom", "right", "insideH", "insideV",
          "gridCol", "tblHeader", "tcW", "pgSz", "pgMar", "defaultTabStop", "compatSetting", "zoom", "themeFontLang",
          "characterSpacingControl"}


def check_order(el, where: str) -> list[str]:
    """Problems with the children of el (and below), by the schema's order."""
    tag = el.tag[len(W):] if el.tag.startswith(W) else None
    problems = []
    if tag is None:
        return [f"{where}: {el.tag} is not in the WordprocessingML namespace"]
    for name in el.attrib:
        if not (name.startswith(W) or name.startswith("{http://www.w3.org/XML/1998/namespace}")):
            problems.append(f"{where}/{tag}: attribute {name} has no w: prefix")
    kids = [k.tag[len(W):] if k.tag.startswith(W) else k.tag for k in el]
    if tag in SEQUENCES:
        order = SEQUENCES[tag].split()
        unknown = [k for k in kids if k not in order]
        if unknown:
            problems.append(f"{where}/{tag}: children {unknown} not checked (add their place from wml.xsd)")
        at = [order.index(k) for k in kids if k in order]
        if at != sorted(at):
            problems.append(f"{where}/{tag}: children out of the schema's order: {kids}")
    elif tag in CHOICES:
        if set(kids) - CHOICES[tag]:
            problems.append(f"{where}/{tag}: children {sorted(set(kids) - CHOICES[tag])} not checked")
        if tag in FIRST and FIRST[tag] in kids[1:]:
            problems.append(f"{where}/{tag}: {FIRST[tag]} must come first: {kids}")
        if tag == "body" and (kids[-1:] != ["sectPr"] or kids.count("sectPr") != 1):
            problems.append(f"{where}/body: must end with its one sectPr: {kids[-3:]}")
    elif tag not in LEAVES:
        problems.append(f"{where}/{tag}: element not checked")
    if tag == "tc" and kids[-1:] != ["p"]:
        problems.append(f"{where}/tc: a table cell must end with a paragraph (Word): {kids}")
    if tag == "tbl" and "tr" not in kids:
        problems.append(f"{where}/tbl: a table needs a row")
    for i, k in enumerate(el):
        problems += check_order(k, f"{where}/{tag}[{i}]")
    return problems


def check_package(path: Path) -> dict[str, bytes]:
    """Assert the .docx is a package Word opens; returns its parts."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = z.namelist()
        parts = {n: z.read(n) for n in names}
    assert len(set(names)) == len(names), names
    assert all(not n.startswith(("/", "\\")) and "\\" not in n and not n.endswith("/") for n in names), names
    # every part is UTF-8 XML, declared as such, well-formed, with no character XML cannot hold
    roots = {}
    for n, raw in parts.items():
        assert raw.startswith(DECLARATION), f"{n}: {raw[:60]!r}"
        text = raw.decode("utf-8")  # strict: no lone surrogate encoded
        bad = NOT_XML.search(text)
        assert not bad, f"{n}: character U+{ord(bad.group()):04X} at {bad.start()}: {text[max(0, bad.start() - 40):bad.start() + 10]!r}"
        roots[n] = ElementTree.fromstring(raw)
    # a content type for every part, and no override for a part that is not there
    types = roots.pop("[Content_Types].xml")
    assert types.tag == CT_NS + "Types"
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iter(CT_NS + "Default")}
    overrides = {o.get("PartName").lower(): o.get("ContentType") for o in types.iter(CT_NS + "Override")}
    assert len(defaults) == len(list(types.iter(CT_NS + "Default")))
    for o in overrides:
        assert o.lstrip("/") in {n.lower() for n in names}, f"content type for a missing part {o}"
    content_type = {}
    for n in names:
        if n == "[Content_Types].xml":
            continue
        ct = overrides.get("/" + n.lower()) or defaults.get(n.rsplit(".", 1)[-1].lower())
        assert ct, f"{n} has no content type"
        content_type[n] = ct
    # relationships: unique ids, targets that are there, with the content type their type needs
    related = {}
    for n, root in roots.items():
        if not n.endswith(".rels"):
            continue
        assert content_type[n] == "application/vnd.openxmlformats-package.relationships+xml", n
        assert root.tag == REL_NS + "Relationships", n
        folder, _, file = n.rpartition("_rels/")
        source = posixpath.join(folder, file[: -len(".rels")]) if file != ".rels" else ""
        assert source == "" or source in parts, f"{n} describes a missing part {source}"
        ids = [r.get("Id") for r in root]
        assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids), ids
        for r in root:
            assert r.tag == REL_NS + "Relationship" and r.get("TargetMode") != "External", r.attrib
            target = posixpath.normpath(posixpath.join(posixpath.dirname(source), r.get("Target")))
            assert target in parts, f"{n}: {r.get('Id')} points to a missing part {target}"
            related.setdefault(source, {})[r.get("Type").rsplit("/", 1)[-1]] = target
    main = related[""]["officeDocument"]
    assert content_type[main] == MAIN_TYPE
    assert roots[main].tag == W + "document"
    body = related.get(main, {})
    for kind in ("styles", "settings"):
        target = body[kind]
        assert content_type[target] == f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"
        assert roots[target].tag == W + kind
    # laid out as current Word does, not in Compatibility Mode (Word 2007's layout)
    compat = roots[body["settings"]].find(f"{W}compat/{W}compatSetting[@{W}name='compatibilityMode']")
    assert compat is not None and compat.get(W + "val") == "15"
    # the title and dates in the package's core properties, as Word wants them written
    core = related[""]["core-properties"]
    assert content_type[core] == "application/vnd.openxmlformats-package.core-properties+xml"
    assert roots[core].tag == "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"
    for when in ("created", "modified"):
        el = roots[core].find("{http://purl.org/dc/terms/}" + when)
        assert el.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "dcterms:W3CDTF"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", el.text), el.text
    # every part is reached from the package's relationships (nothing stray)
    reached = {t for rels in related.values() for t in rels.values()}
    assert {n for n in names if not n.endswith(".rels") and n != "[Content_Types].xml"} <= reached, (names, reached)
    # elements of WordprocessingML in the schema's order
    for target in (main, body["styles"], body["settings"]):
        problems = check_order(roots[target], target)
        assert not problems, "\n".join(problems[:20])
    return parts


def paragraphs(doc_xml: bytes) -> list[tuple[str, str]]:
    """(text, style) of every paragraph of word/document.xml; a line break is "\\n", a tab "\\t"."""
    out = []
    for p in ElementTree.fromstring(doc_xml).iter(W + "p"):
        text = ""
        for el in p.iter():
            text += {W + "t": el.text or "", W + "br": "\n", W + "tab": "\t"}.get(el.tag, "")
        style = p.find(f"{W}pPr/{W}pStyle")
        out.append((text, style.get(W + "val") if style is not None else ""))
    return out


HOSTILE = {
    "reflections.reflect-need-coaching.note": "Start\x01\x02\x07\x0b\x0c\x1f of a pasted line\uffff\ufffe.",
    "reflections.reflect-picture-coached.note": "Lone surrogates: high \ud83d end, low \ude42 end, two lows \udc00\udc00 end.",
    "coach-self-assessment.listen-actively.evidence": "Emoji kept whole: 🙂 and 👩🏽‍🏫 and 𝔘.\r\nWindows line\rold Mac line\ttab & <b>bold</b> \"q\" 'a'",
    "coach-self-assessment.listen-actively.rating": "strong",
    "record.name": "Zoë \x01 🙂",
    "record.snapshots": [{"id": "snapshot-1", "date": "2026-09-01T09:00:00.000Z",
                          "coach-self-assessment.listen-actively.rating": "developing"}],
}


def seed(page, base: str, answers: dict) -> None:
    page.goto(base + "record.html")
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps({"version": 1, "handbook": NS, "answers": answers})])
    page.reload()
    expect(page.locator('[data-hb-progress="all"]')).not_to_have_text("0")


def test_the_package_is_what_word_expects_even_with_pasted_control_characters(site, laptop, tmp_path):
    """Pasted text may hold control characters, and a broken emoji (a lone surrogate) can come from a
    backup file: Word refuses a document with either in its XML, so they are dropped; whole emoji stay."""
    page = laptop
    seed(page, site.as_uri() + "/", HOSTILE)
    doc = download_docx(page, tmp_path)
    parts = check_package(doc)
    paras = paragraphs(parts["word/document.xml"])
    text = [t for t, _ in paras]
    assert ("My learning record: Zoë  🙂", "Title") in paras
    assert "Start of a pasted line." in text
    assert "Lone surrogates: high  end, low  end, two lows  end." in text
    assert "Emoji kept whole: 🙂 and 👩🏽‍🏫 and 𝔘.\nWindows line\nold Mac line\ttab & <b>bold</b> \"q\" 'a'" in text
    assert any(s == "Heading1" and t == "Progress over time" for t, s in paras)
    core = ElementTree.fromstring(parts["docProps/core.xml"])
    assert core.find("{http://purl.org/dc/elements/1.1/}title").text == "My learning record: Zoë  🙂"
    # and LibreOffice reads the same
    lines = [l.strip() for l in as_text(doc, tmp_path / "txt").splitlines()]
    assert "My learning record: Zoë  🙂" in lines
    assert "Emoji kept whole: 🙂 and 👩🏽‍🏫 and 𝔘." in lines
    assert "Lone surrogates: high  end, low  end, two lows  end." in lines
    assert page.js_errors == []


def rewrite(src: Path, dest: Path, change) -> Path:
    """A copy of the package src with change(name, bytes) -> bytes | None (None leaves the part out)."""
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dest, "w") as out:
        for n in z.namelist():
            data = change(n, z.read(n))
            if data is not None:
                out.writestr(n, data)
    return dest


def test_the_package_check_finds_what_word_would_refuse(site, laptop, tmp_path):
    """The checks above can fail: each of these packages is one Word reports as unreadable."""
    seed(laptop, site.as_uri() + "/", HOSTILE)
    good = download_docx(laptop, tmp_path)
    check_package(good)
    broken = {
        "no content type for the styles": lambda n, b: (b.replace(b'<Override PartName="/word/styles.xml"', b'<Override PartName="/word/gone.xml"')
                                                        if n == "[Content_Types].xml" else b),
        "a relationship to a missing part": lambda n, b: b.replace(b'Target="styles.xml"', b'Target="style.xml"'),
        "a stray part": lambda n, b: b,
        "run properties out of order": lambda n, b: b.replace(b"<w:b/><w:sz", b"<w:sz w:val=\"1\"/><w:b/><w:sz") if n == "word/styles.xml" else b,
        "a control character": lambda n, b: b.replace(b"Start of", b"Start\x01of"),
        "a mangled character": lambda n, b: b.replace(b"Start of", "Start\ufffdof".encode()),
        "an attribute without its prefix": lambda n, b: b.replace(b'w:val="Title"', b'val="Title"'),
        "the section not last": lambda n, b: (re.sub(rb"(<w:sectPr>.*?</w:sectPr>)(</w:body>)", rb"\2", b).replace(b"<w:body>", b"<w:body><w:sectPr/>")
                                              if n == "word/document.xml" else b),
        "Compatibility Mode": lambda n, b: None if n == "word/settings.xml" else b,
        "a date Word cannot read": lambda n, b: re.sub(rb' xsi:type="dcterms:W3CDTF"', b"", b) if n == "docProps/core.xml" else b,
    }
    for why, change in broken.items():
        bad = rewrite(good, tmp_path / "bad.docx", change)
        if why == "a stray part":
            with zipfile.ZipFile(bad, "a") as z:
                z.writestr("word/stray.xml", DECLARATION + b"<x/>")
        with pytest.raises(AssertionError):
            check_package(bad)
            pytest.fail(f"not found: {why}")


def test_twelve_answers_make_a_document_of_a_page_or_two(site, laptop, tmp_path):
    """As the printed record: as few pages as the answers need, not one per unanswered prompt."""
    from test_learning_record_meeting import TWELVE

    seed(laptop, site.as_uri() + "/", {**TWELVE, "record.name": "Jo Bloggs"})
    doc = download_docx(laptop, tmp_path)
    check_package(doc)
    pdf, pages = pdf_pages(doc, tmp_path / "pdf")
    assert len(pages) <= 2, len(pages)
    assert pages[0].startswith(f"My learning record: Jo Bloggs Coaching and Mentoring Handbook, {uk(datetime.date.today())} Coaching"), pages[0][:200]
    whole = " ".join(pages)
    for answer in ("Questioning and wait time with Year 9", "Wait time after questions", "Use GROW in two conversations",
                   "25 November 2026", "Addressing now", "Observed by A. in October: <b>most</b> questions open & followed up"):
        assert answer in whole, answer
    assert "No answer yet" not in whole
