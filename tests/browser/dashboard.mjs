// End-to-end test of the SSS dashboard in Debian's headless Chromium, driven by playwright-core. tests/suite.sh runs
// it with the suite up:
//   node dashboard.mjs URL KEY_FILE SCREENSHOT -- SUBMIT_COMMAND...
// It opens the page, signs in with the key, runs SUBMIT_COMMAND twice (it must print a job id: the first job
// prints lines and ends by itself, the second sleeps), sees the first job appear, run and finish, opens its
// output, cancels the second from the page, and saves a screenshot. Prints "ok   ..." / "FAIL ..." per check.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, keyFile, screenshot, separator, ...submit] = process.argv.slice(2);
if (!url || !keyFile || !screenshot || separator !== '--' || submit.length === 0) {
  console.error('usage: node dashboard.mjs URL KEY_FILE SCREENSHOT -- SUBMIT_COMMAND...');
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
function submitJob(kind) {
  return execFileSync(submit[0], [...submit.slice(1), kind], { encoding: 'utf8' }).trim().split('.')[0];
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('dialog', (dialog) => dialog.accept());
  page.setDefaultTimeout(60_000);
  await check('the page loads and shows the cluster, read from loopback', async () => {
    await page.goto(url);
    await page.getByTestId('visitor').filter({ hasText: 'reading (this machine)' }).waitFor();
    await page.locator('#nodes tbody tr').first().waitFor();
  });
  await check('the ring view lists the mpds', async () => {
    await page.locator('#ring li').nth(3).waitFor();
  });
  await check('signing in with a user key shows who is signed in', async () => {
    await page.fill('#key', readFileSync(keyFile, 'utf8').trim());
    await page.click('#sign-in button');
    await page.getByTestId('visitor').filter({ hasText: 'signed in as' }).waitFor();
  });
  const job = submitJob('short');
  const row = page.locator(`#jobs tr[data-job="${job}"]`);
  await check(`job ${job}, submitted with sssjob, appears on the page`, () => row.waitFor());
  await check(`job ${job} is seen running`, () => row.locator('.state.running').waitFor());
  await check(`job ${job} is seen completed with exit status 0`, async () => {
    await row.locator('.state.completed').waitFor();
    const exit = await row.locator('td.exit').textContent();
    if (exit !== '0') throw new Error(`exit status shown: "${exit}"`);
  });
  await check(`job ${job}'s output opens on the page`, async () => {
    await row.locator('[data-action="output"]').click();
    await page.getByTestId('output').filter({ hasText: 'done on' }).waitFor();
  });
  await check('the event feed shows the job events live', async () => {
    await page.locator('#events li[data-msg="job-finished"]').first().waitFor();
  });
  const long = submitJob('long');
  const longRow = page.locator(`#jobs tr[data-job="${long}"]`);
  await check(`job ${long} is cancelled by its user from the page`, async () => {
    await longRow.locator('.state.running').waitFor();
    await longRow.locator('[data-action="cancel"]').click();
    await longRow.locator('.state.completed').waitFor();
    const why = await longRow.locator('td.why').textContent();
    if (!why.includes('cancel')) throw new Error(`reason shown: "${why}"`);
  });
  await check('a screenshot of the dashboard is saved', async () => {
    await row.locator('[data-action="output"]').click();
    await page.getByTestId('output').filter({ hasText: 'done on' }).waitFor();
    await page.screenshot({ path: screenshot, fullPage: false });
  });
} finally {
  await browser.close();
}
process.exit(failed === 0 ? 0 : 1);
