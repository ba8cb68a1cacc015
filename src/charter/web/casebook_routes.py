"""The Casebook page: every court decision of the casebook, the court's holding beside
Charter's verdict, each act a link to the case's Timeline (issue 17).  Read from the casebook's
directory on disk (court decisions are public record), replayed when a file changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from charter.load.casebook import casebook_cases, load_casebook_case
from charter.model.casebook import CasebookFile
from charter.model.source import Diagnostic
from charter.replay import replay
from charter.report.casebook import Row, casebook_rows, tally
from charter.report.casebook_render import AGREEMENT_WORD
from charter.web.site import Site


@dataclass
class Casebook:
    """Where the casebook lies, and the organisation id each of its cases has here (the
    service imports ``fogel`` as ``casebook-fogel``; a directory source keeps ``fogel``)."""

    root: Path
    org_prefix: str = ""
    _cache: dict[str, tuple[tuple[float, ...], Any]] = field(default_factory=dict, repr=False)

    def entries(self) -> list[tuple[Path, CasebookFile | None, list[Row], list[Diagnostic]]]:
        out = []
        for case_dir in casebook_cases(self.root):
            stamp = tuple(p.stat().st_mtime for p in sorted(case_dir.glob("*.yaml")))
            cached = self._cache.get(case_dir.name)
            if cached is None or cached[0] != stamp:
                book, case, diagnostics = load_casebook_case(case_dir)
                rows = (
                    casebook_rows(case_dir.name, book, replay(case), case.tz)
                    if book is not None and case is not None
                    else []
                )
                cached = (stamp, (case_dir, book, rows, diagnostics))
                self._cache[case_dir.name] = cached
            out.append(cached[1])
        return out


def add_routes(router: APIRouter, site: Site, casebook: Casebook) -> None:
    @router.get("/casebook", name="web_casebook", response_class=HTMLResponse)
    def casebook_page(request: Request) -> HTMLResponse:
        cases = []
        every: list[Row] = []
        for case_dir, book, rows, diagnostics in casebook.entries():
            org = casebook.org_prefix + case_dir.name
            every += rows
            cases.append(
                {
                    "dir": case_dir.name,
                    "book": book,
                    "rows": rows,
                    "errors": len(diagnostics),
                    "timeline": str(request.url_for("web_timeline", org=org)),
                    "sources": {s.id: s for s in book.sources} if book is not None else {},
                }
            )
        return site.render(
            request,
            "casebook.html",
            {
                "title": "Casebook",
                "cases": cases,
                "tally": tally(every),
                "agreement_word": AGREEMENT_WORD,
            },
        )
