"""Make the importer fixtures in tests/data/ from text written for them.

The .docx is written with python-docx; LibreOffice converts it to .odt, .rtf
and .pdf, so each importer reads a real file from a real program. Run again
after changing the text: ``python tests/data/make_fixtures.py`` (needs soffice).
"""

import subprocess
import tempfile
from pathlib import Path

import docx
from pypdf import PdfWriter

HERE = Path(__file__).resolve().parent
TITLE = "Interview med Jens Møller-Ærø"
TURNS = [
    ("Interviewer", "Hvordan hjælper du borgerne med MitID?"),
    ("Jens", "Jeg sidder ved siden af dem. Det er svært for de ældre, især når brevene i Digital Post fylder skærmen."),
    ("Interviewer", "And when they ask you to log in for them?"),
    ("Jens", "Then I say no, nicely. Café au lait ☕ helps — and the word “naïve” keeps its accents."),
]
TABLE = [("Borger", "Opgave"), ("Åse", "Boligstøtte"), ("Ølund", "Sundhedskort")]


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for speaker, said in TURNS:
        document.add_paragraph(f"{speaker}: {said}")
    table = document.add_table(rows=0, cols=2)
    for a, b in TABLE:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = a, b
    document.add_paragraph("Slut på interviewet.")
    document.save(path)


def main() -> None:
    source = HERE / "interview.docx"
    make_docx(source)
    with tempfile.TemporaryDirectory() as profile:
        for target in ("odt", "rtf", "pdf"):
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", target, "--outdir", str(HERE), str(source)], check=True, capture_output=True)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # a page with no text layer, as a scan without OCR
    with open(HERE / "scanned.pdf", "wb") as fh:
        writer.write(fh)
    transcript = "\n\n".join(f"{s}: {t}" for s, t in TURNS)
    (HERE / "interview_cp1252.txt").write_bytes(transcript.replace("☕", "").replace("—", "-").encode("cp1252"))
    (HERE / "interview_utf16.txt").write_bytes(transcript.encode("utf-16"))
    (HERE / "interview_utf8bom.md").write_bytes(("# " + TITLE + "\n\n" + transcript).encode("utf-8-sig"))
    (HERE / "timestamps.txt").write_text(
        "[00:00:05] Interviewer: Hvad laver du i dag?\n[00:00:09] Birthe: Jeg kører rundt til borgerne.\n"
        "Og jeg hjælper med e-Boks.\n[00:01:15] Interviewer: Også med MitID?\n[00:01:20] Birthe: Ja, desværre.\n", encoding="utf-8")
    (HERE / "interview.vtt").write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>What do you help with?\n\n"
        "2\n00:00:04.500 --> 00:00:09.000\n<v Henrik Dahl>Mostly jobnet &amp; the CV.\n\n"
        "3\n00:00:09.200 --> 00:00:12.000\n<v Henrik Dahl>Sometimes MitID, which is not ours.\n\n"
        "4\n00:00:12.500 --> 00:00:15.000\n<v Interviewer>Not yours?\n", encoding="utf-8")
    (HERE / "interview.srt").write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nInterviewer: Hvem hjælper dig derhjemme?\n\n"
        "2\n00:00:04,500 --> 00:00:08,000\nÅse: Min datter. Hun har min kode.\n\n"
        "3\n00:01:02,000 --> 00:01:05,000\nInterviewer: Hvad tænker du om det?\n", encoding="utf-8")


if __name__ == "__main__":
    main()
