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
  ['traces', '/traces', 'text=Trace'],
  ['structured-logs', '/structuredlogs', 'text=Message'],
  ['metrics', '/metrics/resource/attribution-api', 'text=PartnerMesh'],
  ['console-logs', '/consolelogs/resource/gateway', 'text=gateway'],
];
for (const [name, route, ready] of shots) {
  await page.goto(base + route);
  await page.waitForSelector(ready, { timeout: 20000 }).catch(() => console.error(`${name}: '${ready}' did not appear`));
  await page.waitForTimeout(1500); // let the grids finish streaming rows in
  await page.screenshot({ path: path.join(outDir, `dashboard-${name}.png`) });
  console.log(`${name}: ${path.join(outDir, `dashboard-${name}.png`)}`);
}
await browser.close();
