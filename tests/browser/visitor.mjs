// Browser test of the visitor's side: Debian's chromium, driven by playwright-core, at a
// desktop size (1280×800) and a phone size (390×844), with JavaScript on and off, in both
// languages. Each page state is checked with axe-core (WCAG 2.1 A and AA: no violation),
// for targets of at least 24×24 px on the phone, and for what the visitor issue's defects
// were; the booking and catalog flows are completed by keyboard alone.
//
//   node tests/browser/visitor.mjs http://127.0.0.1:PORT [SCREENSHOT_DIR]
// Prints every failed check and exits non-zero when there was one.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const base = process.argv[2];
const shots = process.argv[3] || null;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8');
const failures = [];
let where = 'start';

function check(ok, what) {
  if (!ok)
    failures.push(`${where}: ${what}`);
  return ok;
}

const sizes = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    deviceScaleFactor: 2 },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run'],
});

// A context for one combination; every page it opens reports CSP violations, failed
// requests and console errors as failures (a 4xx the step expects is allowed by expect()).
async function open(size, js) {
  const context = await browser.newContext({ ...sizes[size], javaScriptEnabled: js,
    locale: 'ja-JP', reducedMotion: 'reduce' });
  const page = await context.newPage();
  page.allowed = new Set();
  page.on('console', (m) => {
    const status = /status of (\d+)/.exec(m.text());
    if (m.type() === 'error' || m.type() === 'warning')
      check(status !== null && page.allowed.has(+status[1]),
        `console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => check(false, `request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400)
      check(page.allowed.has(r.status()), `${r.status()} for ${r.url()}`);
  });
  page.size = size;
  page.js = js;
  return { context, page };
}

// Axe on the page as it is now. A page without JavaScript cannot run axe itself, so its
// HTML is shown again, scripts removed, in a page of a context that runs scripts.
let axeContext = null;
async function axe(page, label) {
  let target = page;
  if (!page.js) {
    if (axeContext === null)
      axeContext = await browser.newContext({ javaScriptEnabled: true });
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '');
    target = await axeContext.newPage();
    await target.setViewportSize(page.viewportSize());
    const url = page.url();
    await target.route(url, (route) => route.fulfill({ status: 200, body: html,
      contentType: 'text/html; charset=utf-8' }));
    await target.goto(url);
    await target.unroute(url);
  }
  await target.evaluate(axeSource);
  const result = await target.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  for (const v of result.violations)
    check(false, `axe ${v.id} (${v.impact}) on ${label}: ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
  if (target !== page)
    await target.close();
}

// Every interactive element at least 24×24 CSS px (WCAG 2.2's minimum target), on a phone.
async function targets(page, label) {
  if (page.size !== 'phone')
    return;
  const small = await page.evaluate(() => {
    const out = [];
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, ' +
      '[tabindex]:not([tabindex="-1"])';
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none' ||
          el.closest('[aria-hidden="true"]') || (r.width === 0 && r.height === 0))
        continue;
      if (el.classList.contains('skip'))	// off screen until focused
        continue;
      if (r.width < 24 || r.height < 24)
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ` +
          `"${(el.textContent || el.value || '').trim().slice(0, 20)}" ` +
          `${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  });
  for (const s of small.slice(0, 5))
    check(false, `target smaller than 24×24 on ${label}: ${s}`);
}

let audited = 0;
async function audit(page, label) {
  audited++;
  const name = `${label} [${page.size}, JS ${page.js ? 'on' : 'off'}]`;
  await axe(page, name);
  await targets(page, name);
}

// The answers a step expects besides 200 (a 422 for a form with mistakes, a 404).
function expect(page, status) {
  page.allowed = new Set(status === 200 ? [] : [status]);
}

async function go(page, path, status = 200) {
  expect(page, status);
  const res = await page.goto(`${base}${path}`);
  check(res.status() === status, `GET ${path}: ${res.status()}`);
  return res;
}

// Presses the button SELECTOR (by mouse, or by Enter when KEYS) and waits for the page
// that answers, which should have STATUS.
async function submit(page, selector, status = 200, keys = false) {
  expect(page, status);
  const [res] = await Promise.all([page.waitForNavigation(),
    keys ? page.keyboard.press('Enter') : page.click(selector)]);
  check(res !== null && res.status() === status,
    `${selector}: ${res === null ? 'no page' : res.status()}`);
  return res;
}

// The pixels of a PNG screenshot (8-bit RGB or RGBA, not interlaced, as chromium writes).
function pngPixels(png) {
  let pos = 8, width = 0, height = 0, channels = 4;
  const idat = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos), type = png.toString('latin1', pos + 4, pos + 8);
    const body = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      channels = body[9] === 2 ? 3 : 4;
    } else if (type === 'IDAT')
      idat.push(body);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat)), stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[y * stride + x] = (row[x] + pred) & 255;
    }
  }
  return { width, height, channels, data: out };
}

function luminance(r, g, b) {
  const lin = (v) => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

// The lowest contrast of white text over what lies behind SELECTOR's text (hidden to look).
async function contrastOfWhiteOver(page, selector) {
  await page.$eval(selector, (e) => { e.style.color = 'transparent'; });
  const img = pngPixels(await page.locator(selector).screenshot());
  await page.$eval(selector, (e) => { e.style.color = ''; });
  let worst = 21;
  for (let i = 0; i < img.data.length; i += img.channels) {
    const l = luminance(img.data[i], img.data[i + 1], img.data[i + 2]);
    worst = Math.min(worst, 1.05 / (l + 0.05));
  }
  return worst;
}

// ---- the defects the issue lists that a stylesheet makes or mends ----

async function defectsOfStyle() {
  for (const size of ['desktop', 'phone']) {
    const { context, page } = await open(size, false);
    where = `style (${size})`;

    // 5: a text input with an error has the red border a select gets
    await go(page, '/request');
    await submit(page, 'form.form button[type=submit]', 422);
    // 8: the reload takes the focus to the list of errors, and the title says so
    check(await page.evaluate(() => document.activeElement.id) === 'errors',
      'the error list does not have the focus');
    check(/^入力内容に誤りがあります/.test(await page.title()), 'the title does not change');
    const border = await page.$eval('#f-name', (e) => getComputedStyle(e).borderTopColor);
    check(border === 'rgb(179, 38, 30)', `an input with an error has a ${border} border`);
    await audit(page, 'request form with errors');

    // 7: a focus ring that shows on the navy button, 3 px at least
    await page.focus('form.form button[type=submit]');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await page.$eval('form.form button[type=submit]', (e) => {
      const s = getComputedStyle(e);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), focus:
        document.activeElement === e };
    });
    check(ring.focus && ring.style === 'solid' && ring.width >= 3,
      `focused button outline ${ring.style} ${ring.width}px`);

    // 7: radios and checkboxes large enough to hit
    const box = await page.$eval('input[type=checkbox]', (e) => e.getBoundingClientRect());
    check(box.width >= 24 && box.height >= 24, `checkbox ${box.width}×${box.height}`);

    // 7: the home page's subtitle over the gradient, at 4.5:1 everywhere
    await go(page, '/');
    const hero = await contrastOfWhiteOver(page, '.hero .lead');
    check(hero >= 4.5, `the hero's subtitle falls to ${hero.toFixed(2)}:1`);

    for (const path of ['/', '/models/', '/models/sorane/', '/dealers/', '/en/dealers/',
      '/privacy/', '/en/']) {
      await go(page, path);
      await audit(page, path);
    }

    // 10: on a phone the comparison keeps each value on one line and its labels in view
    await go(page, '/models/');
    const table = await page.$eval('table.compare', (t) => {
      const td = t.querySelector('tbody td');
      const th = t.querySelector('tbody th[scope=row]');
      return { wrap: getComputedStyle(td).whiteSpace, sticky: getComputedStyle(th).position };
    });
    check(table.wrap === 'nowrap', `comparison values wrap (${table.wrap})`);
    check(table.sticky === 'sticky', `comparison row labels scroll away (${table.sticky})`);
    await context.close();
  }
}

// ---- what the script adds, and how it is served ----

async function scripts() {
  const { context, page } = await open('desktop', true);
  where = 'script';
  const posts = [], fetched = [];
  page.on('request', (r) => {
    if (r.method() === 'POST')
      posts.push(r.url());
    if (/\/assets\/postal\/|\/api\/v1\/slots/.test(r.url()))
      fetched.push(r.url());
  });

  // served by the site, content-hashed, with an integrity value that matches
  await go(page, '/request');
  const tag = await page.$eval('script', (e) => ({ src: e.getAttribute('src'),
    integrity: e.getAttribute('integrity'), inline: e.textContent }));
  check(/^\/assets\/site\.[0-9a-f]{12}\.js$/.test(tag.src), `script at ${tag.src}`);
  const body = await (await page.request.get(`${base}${tag.src}`)).body();
  const sri = 'sha512-' + createHash('sha512').update(body).digest('base64');
  check(tag.integrity === sri, 'the integrity value does not match the script');
  check(tag.inline === '', 'an inline script');
  check(await page.locator('script').count() === 1, 'more than one script');
  check(body.length < 16000, `the script is ${body.length} bytes`);
  check(!/\beval\(|new Function/.test(body.toString()), 'the script evaluates text');

  // the postal code fills the address as it is typed, from the shard of its first three
  // digits: the server never sees the full code
  await page.click('#f-postal_code');
  await page.keyboard.type('１００ー０００１');
  await page.waitForFunction(() => document.querySelector('#f-address1').value !== '');
  check(await page.inputValue('#f-address1') === '千代田区千代田', 'the town is not filled');
  check(await page.inputValue('#f-prefecture') === '13', 'the prefecture is not chosen');
  check(/〒100-0001/.test(await page.textContent('#postal-status')), 'nothing is said');
  check(posts.length === 0, `posted: ${posts.join(' ')}`);
  check(fetched.length === 1 && /\/assets\/postal\/[0-9a-f]+\/100\.json$/.test(fetched[0]),
    `fetched ${fetched.join(' ')}`);
  // 住所検索 works in place too, and takes the focus to the address
  await page.fill('#f-address1', '');
  await page.selectOption('#f-prefecture', '');
  await page.click('button[formaction$="step=postal"]');
  await page.waitForFunction(() => document.querySelector('#f-address1').value !== '');
  check(await page.evaluate(() => document.activeElement.id) === 'f-address1',
    'the focus stays on the button');
  check(posts.length === 0, 'the lookup posted the form');
  // a code with no address says so
  await page.fill('#f-postal_code', '100-9999');
  await page.waitForFunction(() => /100-9999/.test(document.querySelector('#postal-status')
    .textContent));
  await audit(page, 'request form, address filled by script');

  // the calendar shows a day's times in place, from /api/v1/slots
  await go(page, '/test-drive?model=sorane&dealer=tokyo-setagaya');
  await page.evaluate(() => { window.stillHere = true; });
  const day = page.locator('table.calendar a[data-date]').nth(1);
  const date = await day.getAttribute('data-date');
  fetched.length = 0;
  await day.click();
  await page.waitForSelector(`input[name=slot][value^="${date}"]`);
  check(await page.evaluate(() => window.stillHere === true), 'the page was loaded again');
  check(fetched.length === 1 && fetched[0].includes(`date=${date}`), 'no slots fetched');
  check(new URL(page.url()).searchParams.get('date') === date, 'the address lost the day');
  check(await page.evaluate(() => document.activeElement.id) === 'f-slot',
    'the times do not take the focus');
  check((await page.getAttribute('form[method=post]', 'action')).includes(`date=${date}`),
    'the form does not post for the day shown');
  const label = await page.textContent('#f-slot legend');
  check(label.includes('世田谷'), `legend "${label}"`);
  check(await page.$eval('td[aria-current="date"] a', (a) => a.dataset.date) === date,
    'the calendar does not mark the day shown');
  await audit(page, 'booking times shown by script');
  await context.close();
}

// ---- every page state, in both languages, at both sizes, JavaScript on and off ----

const words = {
  ja: { name: '見本 花子', street: '1-2-3', booked: '予約を受け付けました',
    cancelled: 'この予約は取り消されました' },
  en: { name: 'Hanako Mihon', street: '1-2-3', booked: 'Your test drive is booked',
    cancelled: 'This booking was cancelled' },
};

// Keeps a phone screenshot of the booking flow for the README (the Japanese, no-script run).
async function shot(page, name) {
  if (shots !== null)
    await page.screenshot({ path: `${shots}/${name}.png`, scale: 'css' });
}

// The first day offered: its times (in place with a script, on a new page without).
async function chooseDay(page) {
  const day = page.locator('table.calendar a[data-date]').first();
  const date = await day.getAttribute('data-date');
  if (page.js) {
    await day.click();
    await page.waitForSelector(`input[name=slot][value^="${date}"]`);
  } else
    await submit(page, 'table.calendar a[data-date] >> nth=0');
  return date;
}

async function tour(lang, size, js) {
  const { context, page } = await open(size, js);
  const p = lang === 'en' ? '/en' : '', w = words[lang];
  const pics = lang === 'ja' && size === 'phone' && !js;
  where = `tour (${lang}, ${size}, JS ${js ? 'on' : 'off'})`;

  for (const path of ['/', '/models/', '/models/sorane/', '/dealers/', '/privacy/']) {
    await go(page, p + path);
    await audit(page, p + path);
  }
  await go(page, p + '/no-such-page', 404);
  await audit(page, '404');

  // the catalog request: empty, with errors, filled by the postal code, reviewed, sent
  await go(page, p + '/request');
  await audit(page, 'request form');
  await submit(page, 'form.form button[type=submit]', 422);
  await audit(page, 'request with errors');
  await page.check('input[name=models][value=sorane]');
  await page.fill('#f-name', w.name);
  await page.fill('#f-postal_code', '100-0001');
  if (js)
    await page.waitForFunction(() => document.querySelector('#f-address1').value !== '');
  else
    await submit(page, 'button[formaction$="step=postal"]');
  check(await page.inputValue('#f-address1') === '千代田区千代田', 'no address filled');
  await audit(page, 'request with the address filled');
  await page.fill('#f-address1', '千代田区千代田' + w.street);
  await submit(page, 'form.form button[type=submit]');
  await audit(page, 'request review');
  await submit(page, '.review button[formaction]');
  check(await page.inputValue('#f-name') === w.name, 'back lost the name');
  await submit(page, 'form.form button[type=submit]');
  await submit(page, '.review button:not([formaction])');
  check(/\/receipt\/catalog\//.test(page.url()), `no catalog receipt at ${page.url()}`);
  await audit(page, 'catalog receipt');

  // the booking: model, dealer, calendar, times, errors, review, receipt, cancel
  await go(page, p + '/test-drive');
  await audit(page, 'booking: models');
  if (pics)
    await shot(page, 'booking-1-model');
  await page.check('input[name=model][value=sorane]');
  await submit(page, 'form.step button[type=submit]');
  await audit(page, 'booking: dealers');
  if (pics)
    await shot(page, 'booking-2-dealer');
  await page.fill('#near', '１００ー０００１');
  await submit(page, 'form.near button');
  await audit(page, 'booking: dealers nearest a postal code');
  check(await page.getAttribute('input[name=dealer] >> nth=0', 'value') === 'tokyo-setagaya',
    'the nearest dealer is not first');
  await page.check('input[name=dealer][value=tokyo-setagaya]');
  await submit(page, 'form.step button[type=submit]');
  await audit(page, 'booking: calendar');
  const date = await chooseDay(page);
  await audit(page, 'booking: times of a day');
  if (pics) {
    await page.locator('table.calendar').scrollIntoViewIfNeeded();
    await shot(page, 'booking-3-calendar');
  }
  await submit(page, 'form[method=post] button[type=submit]', 422);
  await audit(page, 'booking with errors');
  check(await page.locator(`input[name=slot][value^="${date}"]`).count() > 0,
    'the error lost the day');
  await page.check('input[name=slot]:not([disabled]) >> nth=0');
  const slot = await page.locator('input[name=slot]:checked').getAttribute('value');
  await page.fill('#f-name', w.name);
  await page.fill('#f-phone', '03-0000-0000');
  await page.check('#f-licence');
  await submit(page, 'form[method=post] button[type=submit]');
  await audit(page, 'booking review');
  if (pics)
    await shot(page, 'booking-4-review');
  await submit(page, '.review button:not([formaction])');
  check(/\/receipt\/test-drive\//.test(page.url()), `no booking receipt at ${page.url()}`);
  const text = await page.textContent('main');
  check(text.includes(w.booked), 'the receipt does not say booked');
  check(text.includes(lang === 'ja' ? '世田谷' : 'Setagaya'), 'the receipt lacks the dealer');
  check(text.includes(slot.slice(11, 16)), 'the receipt lacks the time');
  await audit(page, 'booking receipt');
  if (pics)
    await shot(page, 'booking-5-receipt');
  const receipt = new URL(page.url());
  const wrong = new URL(receipt);
  wrong.searchParams.set('k', '0'.repeat(64));
  await go(page, wrong.pathname + wrong.search);
  await audit(page, 'receipt behind a wrong link');
  await go(page, receipt.pathname + receipt.search);
  await submit(page, 'form:has(input[name=cancel]) button');
  await audit(page, 'the question before cancelling');
  await submit(page, 'form[action$="cancel"] button[type=submit]');
  await audit(page, 'cancelled');
  await go(page, receipt.pathname + receipt.search);
  check((await page.textContent('h1')).includes(w.cancelled), 'a cancelled receipt');
  await audit(page, 'cancelled receipt');
  await context.close();
}

async function matrix() {
  for (const lang of ['ja', 'en'])
    for (const size of ['desktop', 'phone'])
      for (const js of [false, true])
        await tour(lang, size, js);
}

// ---- both flows by keyboard alone ----

// Presses Tab until the focus is on SELECTOR (at most 120 times).
async function tabTo(page, selector) {
  for (let i = 0; i < 120; i++) {
    if (await page.evaluate((sel) => document.activeElement !== null &&
        document.activeElement.matches(sel), selector))
      return true;
    await page.keyboard.press('Tab');
  }
  check(false, `Tab never reached ${selector}`);
  return false;
}

// Arrow keys through a radio group until VALUE is checked.
async function arrowTo(page, name, value) {
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate(([n, v]) => {
      const r = document.querySelector(`input[name="${n}"]:checked`);
      return r !== null && r.value === v;
    }, [name, value]))
      return;
    await page.keyboard.press('ArrowDown');
  }
  check(false, `no ${value} among the ${name} choices`);
}

async function keyboardCatalog(js) {
  const { context, page } = await open('desktop', js);
  where = `keyboard catalog (JS ${js ? 'on' : 'off'})`;
  await go(page, '/request');
  await tabTo(page, 'input[name=models][value=kurumi]');
  await page.keyboard.press('Space');
  await tabTo(page, '#f-name');
  await page.keyboard.type('見本 一郎');
  await tabTo(page, '#f-postal_code');
  await page.keyboard.type('１００ー０００１');
  if (js)
    await page.waitForFunction(() => document.querySelector('#f-address1').value !== '');
  else {
    await tabTo(page, 'button[formaction$="step=postal"]');
    await submit(page, 'button[formaction$="step=postal"]', 200, true);
    check(await page.evaluate(() => document.activeElement.id) === 'f-address1',
      'after 住所検索 the focus is not on the address');
  }
  await tabTo(page, '#f-address1');
  await page.keyboard.press('End');
  await page.keyboard.type('1-2-3');
  await tabTo(page, 'form.form button[type=submit]');
  await submit(page, 'form.form button[type=submit]', 200, true);
  check(await page.evaluate(() => document.activeElement.id) === 'review-h',
    'the review does not take the focus');
  await tabTo(page, '.review button:not([formaction])');
  await submit(page, '.review button:not([formaction])', 200, true);
  const text = await page.textContent('main');
  check(/\/receipt\/catalog\//.test(page.url()) && text.includes('郵便番号') &&
    !text.includes('建物名'), 'the receipt does not say what was stored');
  await context.close();
}

async function keyboardBooking(js) {
  const { context, page } = await open('phone', js);
  where = `keyboard booking (JS ${js ? 'on' : 'off'})`;
  await go(page, '/test-drive');
  await tabTo(page, 'input[name=model]');
  await arrowTo(page, 'model', 'sorane');
  await tabTo(page, 'form.step button[type=submit]');
  await submit(page, 'form.step button[type=submit]', 200, true);
  check(await page.evaluate(() => document.activeElement.id) === 'step',
    'the dealer step does not take the focus');
  await tabTo(page, 'input[name=dealer]');
  await arrowTo(page, 'dealer', 'tokyo-setagaya');
  await tabTo(page, 'form.step button[type=submit]');
  await submit(page, 'form.step button[type=submit]', 200, true);
  // changed mind: another dealer, by the 変更 link
  await tabTo(page, '.chosen a[href$="model=sorane"]');
  await submit(page, '.chosen a', 200, true);
  await tabTo(page, 'input[name=dealer]');
  await arrowTo(page, 'dealer', 'tokyo-tachikawa');
  await tabTo(page, 'form.step button[type=submit]');
  await submit(page, 'form.step button[type=submit]', 200, true);
  check(page.url().includes('dealer=tokyo-tachikawa'), 'the dealer did not change');
  await tabTo(page, 'table.calendar a[data-date]');
  const date = await page.evaluate(() => document.activeElement.dataset.date);
  if (js) {
    await page.keyboard.press('Enter');
    await page.waitForSelector(`input[name=slot][value^="${date}"]`);
  } else
    await submit(page, 'table.calendar a', 200, true);
  check(await page.evaluate(() => document.activeElement.id) === 'f-slot',
    'the times do not take the focus');
  await tabTo(page, 'input[name=slot]:not([disabled])');
  await page.keyboard.press('Space');
  const slot = await page.evaluate(() => document.querySelector('input[name=slot]:checked')
    .value);
  await tabTo(page, '#f-name');
  await page.keyboard.type('見本 次郎');
  await tabTo(page, '#f-email');
  await page.keyboard.type('jiro@example.com');
  await tabTo(page, '#f-licence');
  await page.keyboard.press('Space');
  await tabTo(page, 'form[method=post] button[type=submit]');
  await submit(page, 'form[method=post] button[type=submit]', 200, true);
  await tabTo(page, '.review button:not([formaction])');
  await submit(page, '.review button:not([formaction])', 200, true);
  const text = await page.textContent('main');
  check(text.includes('予約を受け付けました') && text.includes('立川') &&
    text.includes(slot.slice(11, 16)) && text.includes('ソラネ'),
  `the receipt does not say what was booked (${slot} at Tachikawa)`);
  await context.close();
}

try {
  await scripts();
  await defectsOfStyle();
  await matrix();
  for (const js of [false, true]) {
    await keyboardCatalog(js);
    await keyboardBooking(js);
  }
} finally {
  if (axeContext !== null)
    await axeContext.close();
  await browser.close();
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  console.error(`visitor: ${failures.length} failed checks`);
  process.exit(1);
}
console.log(`visitor: ok, ${audited} page states pass axe (WCAG 2.1 A, AA)` +
  ' with 24 px targets on the phone');
