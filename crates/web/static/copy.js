// Copy buttons (dissemination captions, clarification texts): each button names the id of its
// read-only text box; hidden until this script shows it, so without JavaScript none is offered.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var box = document.getElementById(b.getAttribute("data-copy"));
      if (!box) return;
      var done = function () {
        var old = b.textContent;
        b.textContent = b.getAttribute("data-done") || old;
        setTimeout(function () { b.textContent = old; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(box.value).then(done, function () { box.select(); });
      } else {
        box.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
  });
})();
