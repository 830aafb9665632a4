// Turn the SPARQL text box into a highlighting editor when CodeMirror is available. Tab and
// Shift+Tab leave the editor, as in any form field (a box that keeps Tab is a keyboard trap,
// WCAG 2.1.2); Ctrl+Enter or Cmd+Enter runs the query.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("query");
  if (box && window.CodeMirror) {
    var run = function () { editor.save(); box.form.requestSubmit ? box.form.requestSubmit() : box.form.submit(); };
    var editor = CodeMirror.fromTextArea(box, {
      mode: "sparql", lineNumbers: true, viewportMargin: Infinity,
      extraKeys: { "Tab": false, "Shift-Tab": false, "Ctrl-Enter": run, "Cmd-Enter": run }
    });
    editor.getInputField().setAttribute("aria-label", box.getAttribute("aria-label") || "SPARQL query");
    box.form.addEventListener("submit", function () { editor.save(); });
    // the line an error names: marked, scrolled to, and the cursor put there (without taking focus)
    var line = parseInt(box.dataset.errorLine || "0", 10);
    if (line > 0 && line <= editor.lineCount()) {
      editor.addLineClass(line - 1, "wrap", "error-line");
      editor.setCursor({ line: line - 1, ch: Math.max(0, parseInt(box.dataset.errorColumn || "1", 10) - 1) });
      editor.scrollIntoView({ line: line - 1, ch: 0 }, 40);
    }
    window.tracktwoEditor = editor;
  }
});
