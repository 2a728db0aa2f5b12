// The alert board refreshes itself: a server-sent event stream sends the table again when a
// KIM answers or is escalated (on any instance). Without JavaScript the page reloads itself.
(function () {
  if (!window.EventSource) return;
  var board = document.getElementById('board');
  if (!board) return;
  var source = new EventSource(board.getAttribute('data-live'));
  source.addEventListener('board', function (e) {
    board.innerHTML = e.data;
    board.setAttribute('data-updated', String(Date.now()));
    // The board's map (map.js) fetches its points again.
    document.dispatchEvent(new CustomEvent('board-updated'));
  });
})();
