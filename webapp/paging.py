"""Long lists a page at a time: ?page=N (from 1), TRACKTWO_PAGE_SIZE rows a page, links either side."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, current_app, request


def requested_rows() -> slice:
    """The rows the requested page will show, known before the rows are (page_of checks the number)."""
    raw = request.args.get("page", "1")
    size = current_app.config["TRACKTWO_PAGE_SIZE"]
    number = int(raw) if raw.isdigit() and int(raw) >= 1 else 1
    return slice((number - 1) * size, number * size)


def page_of(rows: list) -> dict:
    """The slice of rows the request asks for, and what the pager needs; a bad page number is a 400."""
    size = current_app.config["TRACKTWO_PAGE_SIZE"]
    total = len(rows)
    pages = max(1, -(-total // size))
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= pages:
        abort(400, description=f"page must be a whole number from 1 to {pages}, not {raw!r}")
    number = int(raw)
    shown = requested_rows()
    args = {k: v for k, v in request.args.items() if k != "page"}

    def link(n: int) -> str | None:
        return "?" + urlencode({**args, "page": n}) if 1 <= n <= pages else None

    return {"rows": rows[shown], "size": size, "first": shown.start + 1 if total else 0,
            "last": min(total, shown.stop), "total": total, "number": number, "pages": pages,
            "previous": link(number - 1), "next": link(number + 1)}
