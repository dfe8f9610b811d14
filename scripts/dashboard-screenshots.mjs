// Screenshots of the running system's Aspire dashboard for docs/operations.md, taken in a real browser (the Blazor
// dashboard renders after load, so `chromium --screenshot` catches a blank page).
//   node scripts/dashboard-screenshots.mjs <dashboard login URL> <output folder>
// Uses the Playwright driver the end-to-end tests carry (artifacts/bin/PartnerMesh.EndToEndTests/debug/.playwright)
// and Debian's Chromium: run it with that folder's node, see docs/operations.md.
import { createRequire } from 'node:module';
import path from 'node:path';

const [loginUrl, outDir] = process.argv.slice(2);
if (!loginUrl || !outDir) {
  console.error('usage: node dashboard-screenshots.mjs <dashboard login URL> <output folder>');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { chromium } = require(path.resolve('artifacts/bin/PartnerMesh.EndToEndTests/debug/.playwright/package'));
const browser = await chromium.launch({
  executablePath: process.env.PARTNERMESH_CHROMIUM ?? '/usr/lib/chromium/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
const base = new URL(loginUrl).origin;
await page.goto(loginUrl);
await page.waitForLoadState('networkidle');

const shots = [
  ['resources', '/', 'text=gateway'],
  ['traces', '/traces', 'text=gateway'],
  ['structured-logs', '/structuredlogs', 'text=Message'],
  ['metrics', '/metrics/resource/attribution-api?meter=PartnerMesh.Outbox&instrument=partnermesh.outbox.lag&duration=5', 'text=partnermesh.outbox.lag'],
];
async function shoot(name) {
  // the development-certificate notice (http only here) is not what the pictures are about
  await page.locator('fluent-message-bar button, [aria-label="Close"], [title="Close"]').first().click({ timeout: 2000 }).catch(() => {});
  await page.waitForTimeout(1500); // let the grids finish streaming rows in
  const file = path.join(outDir, `dashboard-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`${name}: ${file}`);
}
for (const [name, route, ready] of shots) {
  await page.goto(base + route);
  await page.waitForSelector(ready, { timeout: 20000 }).catch(() => console.error(`${name}: '${ready}' did not appear`));
  await shoot(name);
}
// one trace in full: a click or an order crossing gateway → attribution → RabbitMQ → analytics
await page.goto(base + '/traces');
await page.getByText('GET /r/{code}').first().click({ timeout: 20000 }).catch(() => console.error('trace: no click trace found'));
await page.waitForTimeout(1000);
await page.getByRole('link', { name: /view details|trace detail/i }).first().click({ timeout: 3000 }).catch(() => {});
await shoot('trace');
await browser.close();
