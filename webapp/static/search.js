// Suggestions under the header's search box (the ARIA 1.2 combobox pattern): type, move with the
// arrow keys, Enter opens the chosen page, Escape closes the list, Tab leaves as usual. Without
// this script the form still searches (/search).
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-search-options");
  if (!input || !list) return;
  let items = [], active = -1, timer = null, asked = "";

  function show(hits) {
    list.replaceChildren();
    items = hits.map((hit, i) => {
      const li = document.createElement("li");
      li.id = "site-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.textContent = hit.label;  // text, never HTML: labels come from the data
      const kind = document.createElement("span");
      kind.className = "meta";
      kind.textContent = hit.matched !== hit.label ? hit.kind + " · also called " + hit.matched : hit.kind;
      li.append(kind);
      li.addEventListener("mousedown", (e) => { e.preventDefault(); window.location.href = hit.href; });
      list.append(li);
      return { li, hit };
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
  }

  function choose(i) {
    if (active >= 0) items[active].li.setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0) {
      items[i].li.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[i].li.id);
    } else input.removeAttribute("aria-activedescendant");
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { show([]); return; }
    timer = setTimeout(async () => {
      asked = q;
      const response = await fetch("/search.json?q=" + encodeURIComponent(q));
      if (response.ok && asked === q) show(await response.json());
    }, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && items.length) { e.preventDefault(); choose((active + 1) % items.length); }
    else if (e.key === "ArrowUp" && items.length) { e.preventDefault(); choose(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); window.location.href = items[active].hit.href; }
    else if (e.key === "Escape") {
      clearTimeout(timer); asked = "";  // a suggestion list still on its way is not shown either
      if (!list.hidden) { e.preventDefault(); show([]); }  // close it; with nothing open, Escape clears the box
    }
  });
  input.addEventListener("blur", () => setTimeout(() => show([]), 150));
});
