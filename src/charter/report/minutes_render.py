"""Draft minutes as a page and as a PDF: the Markdown text (report.minutes) is the source of
both, so the three forms cannot say different things.

Why WeasyPrint: it lays out HTML and CSS for print (page size, margins, running headers,
page numbers) with no browser or TeX installation, and the HTML is the one the portal shows.
"""

from __future__ import annotations

import html

from charter.report.markdown_html import markdown_html

PRINT_CSS = """
@page { size: A4; margin: 22mm 20mm 24mm 20mm;
  @bottom-center { content: "Draft minutes: page " counter(page) " of " counter(pages);
                   font-size: 9pt; color: #555; } }
body { font-family: "DejaVu Serif", Georgia, serif; font-size: 11pt; line-height: 1.45;
       color: #111; max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 17pt; line-height: 1.2; margin: 0 0 .6em; }
h2 { font-size: 13pt; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; }
h3 { font-size: 11.5pt; margin: 1.1em 0 .3em; }
ul { padding-left: 1.2em; } li { margin: .15em 0; }
blockquote { margin: .5em 0 .8em; padding: .3em .9em; border-left: 3px solid #777;
             background: #f4f4f4; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 9.5pt; word-break: break-all; }
p, li { overflow-wrap: anywhere; }
"""


def minutes_html(markdown: str, title: str) -> str:
    """A whole HTML document of the draft (for a browser, a file, or the PDF)."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{PRINT_CSS}</style>\n</head>\n<body>\n"
        f"<main>\n{markdown_html(markdown)}</main>\n</body>\n</html>\n"
    )


def minutes_pdf(document: str) -> bytes:
    """The HTML document laid out as a PDF (no file or network is fetched: it has none)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    def no_fetch(url: str, *_args: object, **_kwargs: object) -> dict[str, object]:
        raise ValueError(f"the minutes refer to nothing outside themselves ({url[:60]})")

    pdf = HTML(string=document, url_fetcher=no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)
