"""Long lists a page at a time: ?page=N (from 1), TRACKTWO_PAGE_SIZE rows a page, links either side."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import abort, current_app, request

# ASCII digits only, and few of them: str.isdigit() accepts "²" and "٣", which int() then refuses
# or reads, and int() refuses more than 4,300 digits
PAGE_NUMBER = re.compile(r"[0-9]{1,12}")


def _requested_number() -> int | None:
    """The page number asked for (1 when none is), or None when the text is not a page number."""
    raw = request.args.get("page", "1")
    return int(raw) if PAGE_NUMBER.fullmatch(raw) else None


def requested_rows() -> slice:
    """The rows the requested page will show, known before the rows are (page_of checks the number)."""
    size = current_app.config["TRACKTWO_PAGE_SIZE"]
    number = max(1, _requested_number() or 1)
    return slice((number - 1) * size, number * size)


def page_of(rows: list) -> dict:
    """The slice of rows the request asks for, and what the pager needs; a bad page number is a 400."""
    size = current_app.config["TRACKTWO_PAGE_SIZE"]
    total = len(rows)
    pages = max(1, -(-total // size))
    number = _requested_number()
    if number is None or not 1 <= number <= pages:
        raw = request.args.get("page", "1")
        shown_raw = raw if len(raw) <= 40 else raw[:40] + "…"
        abort(400, description=f"page must be a whole number from 1 to {pages}, not {shown_raw!r}")
    shown = requested_rows()
    args = {k: v for k, v in request.args.items() if k != "page"}

    def link(n: int) -> str | None:
        return "?" + urlencode({**args, "page": n}) if 1 <= n <= pages else None

    return {"rows": rows[shown], "size": size, "first": shown.start + 1 if total else 0,
            "last": min(total, shown.stop), "total": total, "number": number, "pages": pages,
            "previous": link(number - 1), "next": link(number + 1)}
