// Loads the API reference (/api/docs) of a running Agora in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core: no browser download) and writes a screenshot, and with TOKEN set a second one of the checkout
// operation (<png>-checkout.png). Prints one JSON line for the test that runs it (ApiReferenceTests): the page's title,
// the operations it shows, whether it offers the bearer scheme, and every request that left the page's origin (there
// must be none: the page works offline).
//   node tools/api-docs-screenshot.mjs http://127.0.0.1:7071 docs/images/api-docs.png
import { chromium } from 'playwright-core';

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error('usage: node tools/api-docs-screenshot.mjs <base url> <png>');
  process.exit(2);
}
const origin = new URL(base).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const outside = [];
  const failed = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      return route.continue();
    }
    outside.push(url);
    return route.abort();
  });
  page.on('requestfailed', (r) => { if (!outside.includes(r.url())) failed.push(r.url()); });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const response = await page.goto(`${origin}/api/docs`, { waitUntil: 'networkidle' });
  // The document's description is on the page once Scalar has read /api/openapi.json.
  await page.waitForFunction(() => document.body.innerText.includes('B2B sales backend'), null, { timeout: 30000 })
    .catch(() => {});
  await page.screenshot({ path: out });
  const text = await page.evaluate(() => document.body.innerText);
  // The bearer token field feeds the requests the page makes and shows: with a token typed in, the curl example of the
  // first operation of 'Me' carries it.
  let curlCarriesToken = null;
  let showsRoles = null;
  let showsExample = null;
  let showsCheckout = null;
  if (process.env.TOKEN) {
    await page.getByLabel('Bearer Token').first().fill(process.env.TOKEN);
    // GET /api/me takes the bearer token (the operations shown first are anonymous).
    await page.getByText('Open Group - Me').first().click().catch(() => {});
    await page.getByText('/api/me', { exact: true }).last().click().catch(() => {});
    await page.waitForFunction((t) => document.body.innerText.includes(`Bearer ${t}`), process.env.TOKEN, { timeout: 10000 })
      .catch(() => {});
    const after = await page.evaluate(() => document.body.innerText);
    curlCarriesToken = after.includes(`Bearer ${process.env.TOKEN}`);
    // Each operation states its roles (a sentence of its description, from [ApiOperation(Roles = ...)]).
    showsRoles = after.includes('Roles: anyone signed in');
    // An operation that reads a body shows the document's example of it, not one made up from the schema.
    await page.getByText('Open Group - Organizations').first().click().catch(() => {});
    await page.waitForFunction(() => document.body.innerText.includes('Distribuidora Paraná Ltda.'), null, { timeout: 10000 })
      .catch(() => {});
    showsExample = (await page.evaluate(() => document.body.innerText)).includes('Distribuidora Paraná Ltda.');
    // The second picture of the docs: one operation as a client developer reads it (checkout: its roles, errors and
    // example body), next to the first one's overview.
    await page.getByText('Open Group - Orders').first().click().catch(() => {});
    await page.getByText('Check out your cart or an accepted quote').first().click().catch(() => {});
    await page.waitForFunction(() => document.body.innerText.includes('OC-2026-0457'), null, { timeout: 10000 })
      .catch(() => {});
    await page.getByText('Roles: buyer admin, purchaser.').first().scrollIntoViewIfNeeded().catch(() => {});
    const checkout = await page.evaluate(() => document.body.innerText);
    showsCheckout = checkout.includes('OC-2026-0457') && checkout.includes('Roles: buyer admin, purchaser.');
    await page.screenshot({ path: out.replace(/\.png$/, '-checkout.png') });
    // On a failure, what the page showed around the bearer field and GET /api/me, for the test's message.
    if (!curlCarriesToken) console.error(after.slice(after.indexOf('Authentication'), after.indexOf('Authentication') + 400), '\n----\n', after.slice(after.indexOf('/api/me') - 200, after.indexOf('/api/me') + 800));
  }
  console.log(JSON.stringify({
    status: response?.status(),
    title: await page.title(),
    showsDescription: text.includes('B2B sales backend'),
    tags: ['Orders', 'Pricing', 'Catalog', 'Billing'].filter((t) => text.includes(`Open Group - ${t}`)),
    curlCarriesToken,
    showsRoles,
    showsExample,
    showsCheckout,
    offersBearer: /bearer/i.test(text),
    outside,
    failed,
    errors,
  }));
} finally {
  await browser.close();
}
