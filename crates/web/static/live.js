// Live notifications: a server-sent event stream shows a new notification on the open page
// within a second, without reloading. Without JavaScript the notifications page lists them.
(function () {
  if (!window.EventSource) return;
  var region = document.getElementById('live-region');
  var badge = document.getElementById('nav-unread');
  if (!region) return;
  var source = new EventSource('/live');
  source.addEventListener('notification', function (e) {
    var n;
    try { n = JSON.parse(e.data); } catch (err) { return; }
    var item = document.createElement('div');
    item.className = 'toast' + (n.priority === 'urgent' ? ' urgent' : '');
    item.setAttribute('role', n.priority === 'urgent' ? 'alert' : 'status');
    var title = document.createElement(n.link ? 'a' : 'strong');
    if (n.link) title.href = n.link;
    title.textContent = n.title;
    var body = document.createElement('p');
    body.textContent = n.body;
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'secondary';
    close.textContent = region.getAttribute('data-close') || '×';
    close.addEventListener('click', function () { item.remove(); });
    item.appendChild(title);
    item.appendChild(body);
    item.appendChild(close);
    region.prepend(item);
    while (region.children.length > 3) region.lastChild.remove();
    if (badge && typeof n.unread === 'number') {
      badge.textContent = n.unread > 0 ? String(n.unread) : '';
      badge.hidden = n.unread === 0;
    }
  });
})();
