// Browser test of showroom office: Debian's chromium, driven by playwright-core, with
// JavaScript off or on, as the clerk (hq) or a dealer's receptionist (dealer).
//
//   hq:     signs in with the one-time URL, sees the inbox with the unread count in the
//           title, opens a request, exports the A4 label sheet and (again, from the handled
//           page) a Click Post file and checks their content, acknowledges.
//   dealer: sees the bookings in the week calendar, cancels one as its visitor, pulls,
//           sees the cancellation, prints the day list to PDF and checks the names in it,
//           downloads the day as .ics, acknowledges.
// Both: the one-time URL does not work twice; no CSP violation, failed request or console
// error; and with JavaScript on, axe-core finds no WCAG 2.1 A/AA violation on any page.
//
//   node tests/browser/office.mjs hq|dealer LOGIN_URL SHOWROOMD_URL on|off DATA.json OUT [SHOTS]
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [role, login, server, jsFlag, dataFile, out, shots] = process.argv.slice(2);
const js = jsFlag === 'on';
const data = JSON.parse(readFileSync(dataFile, 'utf8'));
const origin = new URL(login).origin;
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const problems = [];
const visited = new Set();
let step = 'start';

function check(ok, what) {
  if (!ok)
    throw new Error(`${role} (JavaScript ${jsFlag}): ${step}: ${what}`);
}

function pdfText(file) {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: js, acceptDownloads: true,
    locale: 'en-GB', viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push(`${step}: console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // a download ends its navigation: not a failure
    if (!/\/(export|bookings)$/.test(new URL(r.url()).pathname))
      problems.push(`${step}: request failed: ${r.url()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400)
      problems.push(`${step}: ${r.status()} for ${r.url()}`);
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url().startsWith(origin))
      visited.add(new URL(f.url()).pathname + new URL(f.url()).search);
  });

  const go = async (path) => {
    const res = await page.goto(`${origin}${path}`);
    check(res.status() === 200, `${path}: status ${res.status()}`);
  };
  const click = async (selector) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };
  const download = async (selector, name) => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    const file = `${out}/${name}`;
    await d.saveAs(file);
    return { file, suggested: d.suggestedFilename() };
  };
  const flash = async () => (await page.locator('.notice').allInnerTexts()).join(' / ');

  step = 'sign in';
  await page.goto(login);
  check(new URL(page.url()).pathname === (role === 'hq' ? '/inbox' : '/day'),
    `signed in at ${page.url()}`);
  const cookies = await context.cookies();
  const sc = cookies.find((c) => c.name === 'showroom_office');
  check(sc && sc.httpOnly && sc.sameSite === 'Strict', 'session cookie not HttpOnly, Strict');
  // in English, as the docs' screenshots are
  await click('form[action="/lang"] button');
  check((await page.getAttribute('html', 'lang')) === 'en', 'no English');

  step = 'the token works once';
  {
    const again = await browser.newContext({ javaScriptEnabled: false });
    const p2 = await again.newPage();
    const res = await p2.goto(login);
    check(res.status() === 403, `second use answered ${res.status()}`);
    await again.close();
  }

  if (role === 'hq') {
    step = 'inbox';
    // the timed pull at start may still be under way: pull now to be sure
    await click('form[action="/pull"] button');
    await go('/inbox');
    const rows = await page.locator('table.list tbody tr').count();
    check(rows >= data.requests.length, `${rows} rows in the inbox`);
    const title = await page.title();
    check(title.startsWith(`(${rows}) `), `no unread count in the title: ${title}`);
    const inbox = await page.locator('main').innerText();
    for (const n of data.requests)
      check(!inbox.includes(n), 'a name is shown before its row is opened');
    if (shots && js)
      await page.screenshot({ path: `${shots}/office-inbox.png` });

    step = 'open a request';
    await click('table.list tbody tr:first-child a');
    const rec = await page.locator('main').innerText();
    check(data.requests.some((n) => rec.includes(n)), 'the request shows no name');
    check(/Purged from this computer/.test(rec), 'no purge date');
    await page.selectOption('#keep-reason', 'returned_mail');
    await click('form.keep button');
    check(/Kept longer/.test(await flash()), `keep longer: ${await flash()}`);
    await go('/inbox');
    check((await page.title()).startsWith(`(${rows - 1}) `), 'reading did not lower the count');

    step = 'export the label sheet';
    if (await page.locator('#seed').count() > 0)
      await page.check('#seed');
    const labels = await download('button[value="labels-pdf"]', `labels-${jsFlag}.pdf`);
    check(/labels\.pdf$/.test(labels.suggested), `file named ${labels.suggested}`);
    const lt = pdfText(labels.file);
    for (const n of data.requests)
      check(lt.replace(/\s+/g, '').includes(n.replace(/\s+/g, '')), `${n} not on the labels`);
    await go('/inbox');
    check(await page.locator('table.list').count() === 0, 'the inbox still lists requests');

    step = 'export Click Post again';
    await go('/handled');
    const cp = await download('form:has(input[name="again"]) button[value="clickpost"]',
      `clickpost-${jsFlag}.csv`);
    check(/clickpost-001\.csv$/.test(cp.suggested), `file named ${cp.suggested}`);
    const csv = execFileSync('iconv', ['-f', 'CP932', '-t', 'UTF-8', cp.file],
      { encoding: 'utf8' });
    check(csv.startsWith('お届け先郵便番号,'), 'not a Click Post file');
    for (const n of data.requests)
      check(csv.includes(n), `${n} not in the Click Post file`);

    step = 'acknowledge';
    await go('/ack');
    const count = Number(await page.locator('#ack-count').innerText());
    check(count >= data.requests.length, `the ack page says ${count}`);
    await click('form[action="/ack"] button');
    check(new RegExp(`Acknowledged: ${count} / deleted on the server: ${count}`)
      .test(await flash()), `after the ack: ${await flash()}`);
    for (const p of ['/handled', '/audit', '/keyring', '/ack'])
      await go(p);
    check(/The chain verifies/.test(await page.goto(`${origin}/audit`).then(() =>
      page.locator('main').innerText())), 'the audit log does not verify');
  } else {
    step = 'week';
    await click('form[action="/pull"] button');
    const first = data.bookings[0].slot.slice(0, 10);
    await go(`/week?date=${first}`);
    const week = await page.locator('main').innerText();
    for (const b of data.bookings)
      check(week.includes(b.name), `${b.name} not in the week`);
    const title = await page.title();
    check(/^\(\d+\) /.test(title), `no count of new bookings in the title: ${title}`);
    check(await page.locator('.slot .tag-new').count() >= data.bookings.length,
      'new bookings are not marked');

    step = 'cancel one, pull, see it';
    const last = data.bookings[data.bookings.length - 1];
    const u = new URL(last.receipt, server);
    const res = await fetch(`${server}/cancel`, { method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ref: u.pathname.split('/').filter(Boolean).pop(),
        k: u.searchParams.get('k') }).toString() });
    check(res.status === 200, `cancel: ${res.status}`);
    await click('form[action="/pull"] button');
    await go(`/week?date=${first}`);
    const cancelled = page.locator('.slot.cancelled');
    check(await cancelled.count() === 1, `${await cancelled.count()} cancellations shown`);
    check((await cancelled.innerText()).includes(last.name), 'the cancellation has no name');
    if (shots && js)
      await page.screenshot({ path: `${shots}/office-week.png` });

    step = 'a booking';
    await click(`.slot:not(.cancelled) a`);
    check(/0900000100[0-9]/.test((await page.locator('main').innerText()).replace(/-/g, '')),
      'no phone number');

    step = "the calendar, a day's form open";
    await go(`/calendar?from=${first}&date=${first}`);
    check(await page.locator('#day-form').count() === 1, 'no form for the day');

    step = 'the day list on A4';
    await go(`/day?date=${last.slot.slice(0, 10)}`);
    if (js)
      check(await page.locator('.js-print').isVisible(), 'no print button with JavaScript');
    const pdfFile = `${out}/day-${jsFlag}.pdf`;
    writeFileSync(pdfFile, await page.pdf({ format: 'A4' }));
    const dt = pdfText(pdfFile);
    for (const b of data.bookings.filter((x) => x.slot.slice(0, 10) === last.slot.slice(0, 10)))
      check(dt.replace(/\s+/g, '').includes(b.name.replace(/\s+/g, '')), `${b.name} not printed`);
    check(/Cancelled/.test(dt), 'the printed day shows no cancellation');
    check(!/Pull now|Acknowledge/.test(dt), 'the menu is printed');

    step = 'the day as a calendar file';
    const ics = await download('form:has(input[value="all"]) button[value="ics"]',
      `bookings-${jsFlag}.ics`);
    const cal = readFileSync(ics.file, 'utf8');
    check(cal.includes('BEGIN:VCALENDAR') && cal.includes('STATUS:CANCELLED'),
      'no calendar with the cancellation');

    step = 'acknowledge';
    await go('/ack');
    await click('form[action="/ack"] button');
    check(/Acknowledged: \d+/.test(await flash()), `after the ack: ${await flash()}`);
    for (const p of ['/day', '/audit', '/keyring', '/ack'])
      await go(p);
  }

  step = 'wrong Host';
  {
    const r = await page.request.get(`${origin}/audit`, { headers: { Host: 'example.com' } });
    check(r.status() === 403, `a foreign Host answered ${r.status()}`);
  }

  if (js) {
    step = 'accessibility (axe-core, WCAG 2.1 A and AA)';
    const state = await context.storageState();
    const actx = await browser.newContext({ storageState: state, bypassCSP: true,
      viewport: { width: 1280, height: 800 } });
    const ap = await actx.newPage();
    const pages = [...visited].filter((p) => !p.startsWith('/login'));
    for (const lang of ['en', 'ja']) {
      for (const p of pages) {
        await ap.goto(`${origin}${p}`);
        if ((await ap.getAttribute('html', 'lang')) !== lang && p === pages[0]) {
          await Promise.all([ap.waitForNavigation(), ap.click('form[action="/lang"] button')]);
          await ap.goto(`${origin}${p}`);
        }
        await ap.addScriptTag({ path: axePath });
        const r = await ap.evaluate(async () => await window.axe.run(document,
          { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
        for (const v of r.violations)
          problems.push(`axe ${lang} ${p}: ${v.id} (${v.impact}): ${v.help}: ` +
            v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
      }
    }
    // also the narrow screen, once per page
    await ap.setViewportSize({ width: 390, height: 844 });
    for (const p of pages) {
      await ap.goto(`${origin}${p}`);
      await ap.addScriptTag({ path: axePath });
      const r = await ap.evaluate(async () => await window.axe.run(document,
        { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
      for (const v of r.violations)
        problems.push(`axe 390px ${p}: ${v.id}: ${v.help}`);
      if (shots && (p === '/inbox' || p.startsWith('/week')))
        await ap.screenshot({ path: `${out}/narrow-${role}.png`, fullPage: false });
    }
    await actx.close();
  }
  await context.close();
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`office ${role}: JavaScript ${jsFlag}: ok (${visited.size} pages` +
  `${js ? ', axe-core: no WCAG 2.1 A/AA violation' : ''})`);
