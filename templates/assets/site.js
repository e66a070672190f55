// showroom: comfort for visitors who run scripts; every flow works without this file.
// Served by the site under a content-hashed name with Subresource Integrity, allowed by
// "script-src 'self'": no inline script, no eval, no framework, nothing from elsewhere.
//  - The catalog request's postal code fills the prefecture and the town as it is typed,
//    from the site's postal data; only the file of its first three digits is fetched, so
//    the server never sees the full code.
//  - The booking calendar shows a day's times in place, from /api/v1/slots.
// Texts come from the page (data-* attributes), in its language.
'use strict';

(function () {
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? values[k] : m;
    });
  }

  // ---- postal code to address ----

  // The seven digits of a code as typed ("〒１００ー０００１"), or null.
  function digits(typed) {
    var out = '';
    for (var i = 0; i < typed.length; i++) {
      var c = typed.charCodeAt(i);
      if (c >= 0xff10 && c <= 0xff19)
        c -= 0xff10 - 0x30;
      if (c >= 0x30 && c <= 0x39)
        out += String.fromCharCode(c);
      else if (!/[\s\-\u2010-\u2015\u2212\u30fc\uff0d\uff70\u3012]/.test(typed[i]))
        return null;
    }
    return out.length === 7 ? out : null;
  }

  var shards = new Map();
  function shard(base, three) {
    if (!shards.has(three))
      shards.set(three, fetch(base + three + '.json', { credentials: 'omit' })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { shards.delete(three); return null; }));
    return shards.get(three);
  }

  function postal(input) {
    var form = input.form, base = input.getAttribute('data-postal-base');
    var status = document.getElementById('postal-status');
    var pref = form.elements.prefecture, line = form.elements.address1;
    var last = '';

    function say(key, values) {
      status.textContent = fill(status.getAttribute('data-' + key) || '', values);
    }

    function lookup(explicit) {
      var code = digits(input.value);
      if (code === null) {
        if (explicit)
          say('malformed', {});
        return Promise.resolve(false);
      }
      if (code === last && !explicit)
        return Promise.resolve(false);
      last = code;
      var shown = code.slice(0, 3) + '-' + code.slice(3);
      return shard(base, code.slice(0, 3)).then(function (s) {
        if (s === null)
          return false;
        var e = s[code] || s[code.slice(0, 5)];
        if (!e) {
          say('unknown', { code: shown });
          return false;
        }
        pref.value = String(e[0]);
        // the town goes in unless the visitor typed more than a filling of ours
        if (line.value === '' || line.value === line.getAttribute('data-filled') ||
            !/[0-9０-９]/.test(line.value)) {
          line.value = e[1] + e[2];
          line.setAttribute('data-filled', line.value);
        }
        say('found', { code: shown, address: pref.options[pref.selectedIndex].text +
          e[1] + e[2] });
        return true;
      });
    }

    input.addEventListener('input', function () { lookup(false); });
    // the 住所検索 button looks up here, without sending the form
    var button = form.querySelector('button[formaction$="step=postal"]');
    if (button)
      button.addEventListener('click', function (ev) {
        ev.preventDefault();
        lookup(true).then(function (found) { (found ? line : input).focus(); });
      });
  }

  // ---- the booking calendar ----

  function calendar(table) {
    var set = document.getElementById('f-slot');
    if (!set)
      return;
    var legend = set.querySelector('legend'), list = set.querySelector('.slots');
    var hint = document.getElementById('h-slot'), form = set.closest('form');
    var d = set.dataset;

    function end(start) {
      var m = +start.slice(11, 13) * 60 + +start.slice(14, 16) + (+d.minutes || 0);
      return ('0' + Math.floor(m / 60) % 24).slice(-2) + ':' + ('0' + m % 60).slice(-2);
    }

    function show(link, slots) {
      var date = link.getAttribute('data-date'), day = link.getAttribute('data-label');
      var open = 0;
      list.textContent = '';
      slots.forEach(function (s) {
        var label = document.createElement('label'), radio = document.createElement('input');
        var span = document.createElement('span'), note = document.createElement('small');
        label.className = 'choice slot' + (s.free === 0 ? ' full' : '');
        radio.type = 'radio';
        radio.name = 'slot';
        radio.value = s.start;
        radio.disabled = s.free === 0;
        span.textContent = s.start.slice(11, 16) + d.dash + end(s.start);
        note.textContent = s.free > 0 ? fill(d.free, { n: s.free }) : d.full;
        label.append(radio, ' ', span, ' ', note);
        list.append(label);
        open += s.free > 0 ? 1 : 0;
      });
      legend.firstChild.textContent = fill(d.legend, { day: day, dealer: d.dealerName }) + ' ';
      hint.textContent = open > 0 ? fill(d.shown, { day: day, n: open }) : d.noneFull;
      table.querySelectorAll('td[aria-current]').forEach(function (td) {
        td.removeAttribute('aria-current');
      });
      link.parentNode.setAttribute('aria-current', 'date');
      var action = new URL(form.action);
      action.searchParams.set('date', date);
      form.action = action.pathname + action.search;
      history.replaceState(null, '', link.getAttribute('href'));
      set.setAttribute('tabindex', '-1');
      set.focus();
    }

    table.addEventListener('click', function (ev) {
      var link = ev.target.closest('a[data-date]');
      if (!link || ev.ctrlKey || ev.metaKey || ev.shiftKey)
        return;
      ev.preventDefault();
      var q = new URLSearchParams({ dealer: d.dealer, model: d.model,
        date: link.getAttribute('data-date') });
      fetch('/api/v1/slots?' + q, { credentials: 'omit' })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (doc) { show(link, doc.slots); })
        .catch(function () { location.href = link.href; });
    });
  }

  document.querySelectorAll('input[data-postal-base]').forEach(postal);
  document.querySelectorAll('table.calendar').forEach(calendar);
})();
