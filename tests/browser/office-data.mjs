// Browser test data for the office: posts catalog requests and test-drive bookings to
// showroomd as a visitor would (plain form posts). Prints what it posted as JSON for
// office.mjs, with each booking's receipt (office.mjs cancels one once the dealer has it). All names and addresses are obviously fictional.
//
//   node tests/browser/office-data.mjs http://127.0.0.1:PORT RUN   (RUN: 1 or 2)
import { randomBytes } from 'node:crypto';

const base = process.argv[2];
const run = process.argv[3] || '1';
const dealer = 'tokyo-setagaya';
// each run its own names, so that a run never sees the last one's
const requests = run === '1' ? ['見本 太郎', '例題 美咲', '模擬 健一'] :
  ['見本 次郎', '例題 陽子', '模擬 一郎'];
const people = run === '1' ? ['試験 花子', '架空 次郎', '仮名 陽菜'] :
  ['試験 大輔', '架空 桜', '仮名 翔太'];

function form(fields) {
  return new URLSearchParams(fields).toString();
}

async function post(path, fields) {
  const r = await fetch(`${base}${path}`, { method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form(fields) });
  return r;
}

const catalog = await (await fetch(`${base}/api/v1/catalog.json`)).json();
const d = catalog.dealers.find((x) => x.code === dealer);
const model = Object.keys(d.demo_cars)[0];
const catModel = catalog.models[0].code;

for (let i = 0; i < requests.length; i++) {
  const r = await post('/request', { idem: randomBytes(16).toString('hex'), website: '',
    models: catModel, name: requests[i], postal_code: '100-0001', prefecture: '13',
    address1: `架空区見本町${i + 1}-2-3`, address2: '' });
  if (r.status !== 303)
    throw new Error(`catalog request: ${r.status}`);
}

// three bookings on the first day with free slots, from tomorrow on
const booked = [];
for (let day = 1; day < 21 && booked.length < people.length; day++) {
  const date = new Date(Date.now() + 9 * 3600e3 + day * 86400e3).toISOString().slice(0, 10);
  const s = await (await fetch(`${base}/api/v1/slots?dealer=${dealer}&model=${model}` +
    `&date=${date}`)).json();
  for (const slot of s.slots || []) {
    if (booked.length >= people.length || slot.free < 1)
      continue;
    const name = people[booked.length];
    const r = await post('/test-drive', { idem: randomBytes(16).toString('hex'), website: '',
      model, dealer, slot: slot.start, name, phone: `090-0000-${1000 + booked.length}`,
      email: '', note: booked.length === 0 ? 'チャイルドシート希望' : '', licence: 'yes' });
    if (r.status !== 303)
      throw new Error(`booking: ${r.status}`);
    booked.push({ name, slot: slot.start, receipt: r.headers.get('location') });
  }
}
if (booked.length < people.length)
  throw new Error('not enough free slots');

console.log(JSON.stringify({ requests, bookings: booked, dealer }));
