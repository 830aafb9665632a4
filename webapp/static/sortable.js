// Sort any results table by a column: each heading becomes a button (keyboard and screen readers
// reach it; aria-sort says the order). Cells sort by their data-sort value when they have one (the
// raw number or ISO date behind "October 1991"), else by their text; numbers as numbers.
document.addEventListener("DOMContentLoaded", () => {
  const key = (cell) => (cell && (cell.dataset.sort ?? cell.textContent.trim())) || "";
  const compare = (a, b) => {
    const x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  };
  document.querySelectorAll("table.results").forEach((table) => {
    const body = table.tBodies[0];
    if (!body || body.rows.length < 2) return;
    table.querySelectorAll("thead th").forEach((th, column) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.append(...th.childNodes);
      th.append(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach((other) => other.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows);
        rows.sort((r, s) => compare(key(r.cells[column]), key(s.cells[column])) * (ascending ? 1 : -1));
        body.append(...rows);
      });
    });
  });
});
