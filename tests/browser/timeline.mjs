// The dashboard's schedule in Debian's headless Chromium (playwright-core). tests/suite.sh runs it with a running
// job, a waiting job the scheduler has planned, and a reservation in place:
//   node timeline.mjs URL KEY_FILE SCREENSHOT RUNNING_JOB PLANNED_JOB RESERVATION
// It checks that each is drawn in the rows of its nodes and at the x its times give on the timeline's own scale
// (the svg's data-from/data-to/data-x0/data-x1), that a backfill window is drawn before the reservation, that the
// last day's activity is drawn, and that a job's page shows its events; then saves a screenshot.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, keyFile, screenshot, running, planned, reservation] = process.argv.slice(2);
if (!url || !keyFile || !screenshot || !running || !planned || !reservation) {
  console.error('usage: node timeline.mjs URL KEY_FILE SCREENSHOT RUNNING_JOB PLANNED_JOB RESERVATION');
  process.exit(2);
}
let failed = 0;
async function check(name, action) {
  try {
    await action();
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error.message.split('\n')[0]}`);
  }
}

// Each bar of a selector: its node, its rect's box, and the row's y, read in the page.
async function bars(page, selector) {
  return page.$$eval(selector, (groups) => groups.map((g) => {
    const rect = g.querySelector('rect');
    const row = document.querySelector(`#timeline g.row[data-node="${g.dataset.node}"]`);
    return { node: g.dataset.node, x: Number(rect.getAttribute('x')), y: Number(rect.getAttribute('y')),
      width: Number(rect.getAttribute('width')), rowY: row ? Number(row.dataset.y) : NaN };
  }));
}

async function scale(page) {
  return page.$eval('#timeline svg', (s) => ({ from: Number(s.dataset.from), to: Number(s.dataset.to),
    x0: Number(s.dataset.x0), x1: Number(s.dataset.x1) }));
}

function xOf(s, iso) {
  const t = Math.min(Math.max(Date.parse(iso), s.from), s.to);
  return s.x0 + ((t - s.from) / (s.to - s.from)) * (s.x1 - s.x0);
}

function near(actual, expected, what) {
  // A few pixels: the page drew at its own "now", the test reads the times a moment later.
  if (Math.abs(actual - expected) > 4) throw new Error(`${what} at x=${actual.toFixed(1)}, expected ${expected.toFixed(1)}`);
}

function inRow(bar) {
  if (!(bar.y >= bar.rowY && bar.y < bar.rowY + 26)) throw new Error(`bar on ${bar.node} at y=${bar.y}, row at ${bar.rowY}`);
}

async function xml(page, path) {
  return page.evaluate(async (p) => {
    const doc = new DOMParser().parseFromString(await (await fetch(p)).text(), 'application/xml');
    return [...doc.documentElement.children].map((e) => Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])));
  }, path);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.fill('#key', readFileSync(keyFile, 'utf8').trim());
  await page.click('#sign-in button');
  await page.getByTestId('visitor').filter({ hasText: 'signed in as' }).waitFor();

  const jobs = await xml(page, '/api/jobs');
  const run = jobs.find((j) => j.id === running);
  const plan = jobs.find((j) => j.id === planned);
  await check(`running job ${running} is drawn on each of its nodes, from its start`, async () => {
    await page.locator(`#timeline g.bar.running[data-job="${running}"]`).first().waitFor();
    const drawn = await bars(page, `#timeline g.bar.running[data-job="${running}"]`);
    const nodes = run.allocated.split(/\s+/).sort();
    if (drawn.map((b) => b.node).sort().join(' ') !== nodes.join(' ')) {
      throw new Error(`drawn on ${drawn.map((b) => b.node)}, allocated ${nodes}`);
    }
    const s = await scale(page);
    for (const bar of drawn) {
      inRow(bar);
      near(bar.x, xOf(s, run.started), `the start on ${bar.node}`);
      near(bar.x + bar.width, xOf(s, new Date(Date.parse(run.started) + Number(run.walltime) * 1000).toISOString()),
        `the walltime's end on ${bar.node}`);
    }
  });
  await check(`waiting job ${planned} is drawn at its planned start on the nodes kept for it`, async () => {
    if (!plan['expected-start'] || !plan['expected-nodes']) throw new Error(`no plan for it: ${JSON.stringify(plan)}`);
    await page.locator(`#timeline g.bar.planned[data-job="${planned}"]`).first().waitFor();
    const drawn = await bars(page, `#timeline g.bar.planned[data-job="${planned}"]`);
    if (drawn.map((b) => b.node).sort().join(' ') !== plan['expected-nodes'].split(/\s+/).sort().join(' ')) {
      throw new Error(`drawn on ${drawn.map((b) => b.node)}, planned on ${plan['expected-nodes']}`);
    }
    const s = await scale(page);
    for (const bar of drawn) {
      inRow(bar);
      near(bar.x, xOf(s, plan['expected-start']), `the planned start on ${bar.node}`);
    }
  });
  await check(`reservation ${reservation} is drawn over its window on its nodes`, async () => {
    const r = (await xml(page, '/api/reservations')).find((x) => x.id === reservation);
    await page.locator(`#timeline g.bar.reservation[data-reservation="${reservation}"]`).first().waitFor();
    const drawn = await bars(page, `#timeline g.bar.reservation[data-reservation="${reservation}"]`);
    if (drawn.map((b) => b.node).sort().join(' ') !== r.nodes.split(/\s+/).sort().join(' ')) {
      throw new Error(`drawn on ${drawn.map((b) => b.node)}, reserved ${r.nodes}`);
    }
    const s = await scale(page);
    for (const bar of drawn) {
      inRow(bar);
      near(bar.x, xOf(s, r.start), 'its start');
      near(bar.x + bar.width, xOf(s, r.end), 'its end');
    }
  });
  await check('a backfill window is drawn on a node the reservation keeps later', async () => {
    const r = (await xml(page, '/api/reservations')).find((x) => x.id === reservation);
    const windows = await page.$$eval('#timeline rect.window', (rects) => rects.map((w) => w.dataset.node));
    if (!r.nodes.split(/\s+/).some((n) => windows.includes(n))) throw new Error(`windows on ${windows}`);
  });
  await check('the last day\'s activity is drawn, counting the running job\'s nodes in its last sample', async () => {
    await page.locator('#activity svg polygon.utilisation').waitFor();
    const samples = await xml(page, '/api/activity');
    if (samples.length !== 96) throw new Error(`${samples.length} samples`);
    const last = Number(samples[samples.length - 1]['busy-nodes']);
    if (!(last > 0 && last <= 4)) throw new Error(`busy nodes in the last quarter hour: ${last}`);
  });
  await check(`job ${running}'s page shows its state and its events`, async () => {
    await page.locator(`#jobs tr[data-job="${running}"] [data-action="details"]`).click();
    await page.locator('#job-facts dd[data-field="state"]').filter({ hasText: 'running' }).waitFor();
    await page.locator('#job-events li[data-msg="job-submitted"]').waitFor();
  });
  await check('a screenshot of the schedule is saved', async () => {
    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot, fullPage: false });
  });
} finally {
  await browser.close();
}
process.exit(failed === 0 ? 0 : 1);
