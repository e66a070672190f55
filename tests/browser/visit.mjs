// Browser test: Debian's chromium, driven by playwright-core, with JavaScript switched off, as
// a visitor who never runs a script. Browses, downloads a PDF catalog, requests a printed
// catalog and books and cancels a test drive, and checks that the browser reported no
// Content-Security-Policy violation, failed request or console error on the way.
//
//   node tests/browser/visit.mjs http://127.0.0.1:PORT
// Exits non-zero with the first failed check. All values typed are obviously fictional.
import { chromium } from 'playwright-core';

const base = process.argv[2];
const problems = [];
let step = 'start';

// The answer a step expects (a 422 for a form with mistakes, a 404): not a problem.
function expected(status) {
  const mine = (p) => p.startsWith(`${step}: `) && p.includes(String(status));
  problems.splice(0, problems.length, ...problems.filter((p) => !mine(p)));
}

function check(ok, what) {
  if (!ok)
    throw new Error(`${step}: ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],	// the test may run as root in CI; the page is our own
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true,
    locale: 'en-GB' });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning')
      problems.push(`${step}: console ${m.type()}: ${m.text()}`);
  });
  page.on('requestfailed', (r) => problems.push(`${step}: request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400)
      problems.push(`${step}: ${r.status()} for ${r.url()}`);
  });

  step = 'home (ja)';
  let res = await page.goto(`${base}/`);
  check(res.status() === 200, `status ${res.status()}`);
  check((await page.getAttribute('html', 'lang')) === 'ja', 'lang is not ja');
  check(await page.locator('link[rel="stylesheet"]').count() > 0, 'no style sheet');

  step = 'models (en)';
  res = await page.goto(`${base}/en/models/`);
  check(res.status() === 200, `status ${res.status()}`);
  check(await page.locator('table').count() > 0, 'no comparison table');
  const model = page.locator('a[href^="/en/models/"]:not([href="/en/models/"])').first();
  await Promise.all([page.waitForNavigation(), model.click()]);
  check(/\/en\/models\/[a-z0-9-]+\/$/.test(new URL(page.url()).pathname), `at ${page.url()}`);
  check(await page.locator('img').count() > 0, 'model page has no image');

  step = 'PDF download';
  const pdfLink = page.locator('a[href$=".pdf"]').first();
  check(await pdfLink.count() === 1, 'no PDF link');
  const href = await pdfLink.getAttribute('href');
  const pdf = await page.request.get(new URL(href, page.url()).href);
  const body = await pdf.body();
  check(pdf.status() === 200, `status ${pdf.status()}`);
  check(pdf.headers()['content-type'] === 'application/pdf', 'not served as a PDF');
  check(body.subarray(0, 5).toString() === '%PDF-' && body.length > 50000,
    `not a catalog (${body.length} bytes)`);

  step = 'catalog request';
  await page.goto(`${base}/en/request`);
  await page.locator('input[name="models"]').first().check();
  await page.fill('#f-name', '見本 花子');
  await page.fill('#f-postal_code', '１００ー０００１');	// full width, as typed on a phone
  await page.selectOption('#f-prefecture', '13');
  await page.fill('#f-address1', '架空区見本町1-2-3');
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type="submit"]')]);
  check(await page.locator('.review').count() === 1, 'no review before sending');
  await Promise.all([page.waitForNavigation(),
    page.click('.review button[type="submit"]:not([formaction])')]);
  check(/\/en\/receipt\/catalog\//.test(page.url()), `no receipt: at ${page.url()}`);
  check(await page.locator('.reference strong').count() === 1, 'no reference on the receipt');

  step = 'catalog request with a mistake';
  await page.goto(`${base}/en/request`);
  await page.fill('#f-name', '見本 次郎');
  await page.fill('#f-postal_code', '12-345');
  await Promise.all([page.waitForNavigation(), page.click('form.form button[type="submit"]')]);
  check(await page.locator('.alert[role="alert"]').count() === 1, 'no error summary');
  check(await page.inputValue('#f-name') === '見本 次郎', 'the name typed was lost');
  expected(422);

  step = 'test drive';
  await page.goto(`${base}/en/test-drive`);
  await page.check('input[name="model"][value="sorane"]');
  await Promise.all([page.waitForNavigation(), page.click('form.step button[type="submit"]')]);
  await page.check('input[name="dealer"][value="fukuoka-hakata"]');
  await Promise.all([page.waitForNavigation(), page.click('form.step button[type="submit"]')]);
  let booked = false;
  const nDates = await page.locator('table.calendar a').count();
  for (let d = 0; d < nDates && !booked; d++) {
    await Promise.all([page.waitForNavigation(), page.locator('table.calendar a').nth(d).click()]);
    const free = page.locator('input[name="slot"]:not([disabled])');
    if (await free.count() === 0)
      continue;
    await free.first().check();
    await page.fill('#f-name', '見本 三郎');
    await page.fill('#f-phone', '０３－００００－００００');
    await page.check('input[name="licence"]');
    await Promise.all([page.waitForNavigation(),
      page.click('form[method="post"] button[type="submit"]')]);
    await Promise.all([page.waitForNavigation(),
      page.click('.review button[type="submit"]:not([formaction])')]);
    booked = true;
  }
  check(booked, 'no free slot on any date offered');
  if (!/\/en\/receipt\/test-drive\//.test(page.url()))
    check(false, `no receipt: at ${page.url()}: ` +
      (await page.locator('.alert, .error').allInnerTexts()).join(' / '));
  check(await page.locator('dl.booking').count() === 1, 'the receipt shows no booking');
  const ics = await page.request.get(new URL(
    await page.getAttribute('a[href*=".ics"]', 'href'), page.url()).href);
  check(ics.status() === 200 && (await ics.text()).includes('BEGIN:VEVENT'), 'no calendar file');

  step = 'cancel';
  await Promise.all([page.waitForNavigation(),
    page.click('form:has(input[name="cancel"]) button')]);
  await Promise.all([page.waitForNavigation(), page.click('form[action$="cancel"] button')]);
  check(await page.locator('body').innerText().then((t) => /cancel/i.test(t)),
    'no word of the cancellation');

  step = 'privacy';
  res = await page.goto(`${base}/en/privacy/`);
  check(res.status() === 200, `status ${res.status()}`);
  check(await page.locator('text=/[0-9a-f]{16}/').count() > 0, 'no key fingerprint');

  step = 'not found';
  res = await page.goto(`${base}/en/no-such-page`);
  check(res.status() === 404, `status ${res.status()}`);
  expected(404);
  await context.close();
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('browser: every page rendered with JavaScript off, no CSP violation or failed ' +
  'request; catalog requested, test drive booked and cancelled');
