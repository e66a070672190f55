// showroom office: comfort only. Every page works without it. It keeps the unread count
// in the title and the menu fresh (every 30 s, from /status: counts, no personal data),
// and shows the print button of the day list. Polling does not keep the key open.
(function () {
  'use strict';
  var body = document.body;
  var base = body.getAttribute('data-title') || document.title;

  function show(n) {
    document.title = (n > 0 ? '(' + n + ') ' : '') + base;
    var badges = document.querySelectorAll('[data-unread-badge]');
    for (var i = 0; i < badges.length; i++)
      badges[i].textContent = String(n);
  }

  function poll() {
    fetch('/status', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) show(s.unread); })
      .catch(function () {});
  }

  var print = document.querySelector('.js-print');
  if (print) {
    print.hidden = false;
    print.addEventListener('click', function () { window.print(); });
  }
  setInterval(poll, 30000);
}());
