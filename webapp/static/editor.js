// Turn the SPARQL text box into a highlighting editor when CodeMirror is available.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("query");
  if (box && window.CodeMirror) {
    var editor = CodeMirror.fromTextArea(box, { mode: "sparql", lineNumbers: true, viewportMargin: Infinity });
    box.form.addEventListener("submit", function () { editor.save(); });
    window.tracktwoEditor = editor;
  }
});
