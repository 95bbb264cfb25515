// End-to-end test of the dashboard in a real browser: Playwright
// (playwright-core) driving Debian's chromium against a running registry.
// Run by internal/dashboard's TestEndToEnd:
//   node e2e.mjs BASE_URL OUT_DIR CHROMIUM_PATH CHECK_HASH
// Prints one line per check ("ok NAME" or "FAIL NAME: why"), then
// "metric NAME VALUE" lines; exits 1 when a check failed.
import { chromium } from "playwright-core";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const [base, out, executablePath, checkHash] = process.argv.slice(2);
const results = [];
let failed = false;

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (err) {
    failed = true;
    console.log(`FAIL ${name}: ${(err && err.stack) || err}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}
function eq(got, want, msg) {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${msg}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// The registered Check operation, sent by hash as the dashboard does.
async function checkQuery(variables) {
  const res = await fetch(base + "/query", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ operationName: "Check", variables, extensions: { persistedQuery: { version: 1, sha256Hash: checkHash } } }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const browser = await chromium.launch({
  executablePath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const requests = [];
const queryBodies = [];
page.on("request", (r) => {
  requests.push(r.url());
  if (r.url().endsWith("/query")) queryBodies.push(r.postData() ?? "");
});
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(String(e)));

const ready = async () => {
  await page.waitForFunction(() => document.body.dataset.ready && !document.getElementById("main").hasAttribute("aria-busy"), null, { timeout: 20000 });
};
// The headline shows money by transaction type, each on its own.
const headlineTypes = ["COMMITMENT", "DISBURSEMENT", "EXPENDITURE"];
const figures = async (p = page) =>
  p.evaluate((types) => ({
    programmes: document.querySelector('[data-figure="programmes"]')?.dataset.value,
    programmesText: document.querySelector('[data-figure="programmes"] .value')?.textContent,
    funding: Object.fromEntries(types.map((t) => [t, [...document.querySelectorAll(`[data-figure="funding-${t}"] li`)].map((li) => [li.dataset.currency, li.dataset.amount]).sort()])),
    texts: [...document.querySelectorAll('[data-figure^="funding-"] li')].map((li) => ({ currency: li.dataset.currency, text: li.textContent })),
  }), headlineTypes);
// wantFunding: the same from fundingSummary grouped by KIND.
const wantFunding = (summary) =>
  Object.fromEntries(headlineTypes.map((t) => [t, (summary.find((b) => b.kind === t)?.totals ?? []).map((m) => [m.currency, m.amount]).sort()]));

// Overview and time to interactive.
// Interactive: the list and the filters work; complete: the summaries too.
const t0 = Date.now();
await page.goto(base + "/");
await page.waitForFunction(() => document.body.dataset.interactive, null, { timeout: 20000 });
console.log(`metric interactive_ms ${Date.now() - t0}`);
await ready();
const tti = Date.now() - t0;
console.log(`metric complete_ms ${tti}`);
await page.screenshot({ path: join(out, "overview.png"), fullPage: true });

await check("map shades the beneficiary countries", async () => {
  const shaded = await page.$$eval("svg.map path.shaded", (ps) => ps.map((p) => p.dataset.iso2));
  for (const c of ["ML", "SO", "ID"]) assert(shaded.includes(c), `${c} not shaded; shaded: ${shaded}`);
  const legend = await page.$$eval(".map-box .legend li", (l) => l.length);
  assert(legend >= 2, "no legend");
  await page.focus('svg.map path.shaded[data-iso2="ID"]');
  const status = await page.textContent(".map-status");
  assert(/Indonesia: \d+ programmes/.test(status), `focus shows ${status}`);
});

await check("the map switches to funding per country, from fundingSummary", async () => {
  await page.selectOption("#map-metric", "funding");
  await page.waitForURL(/map=funding/);
  await ready();
  await page.click("#map button.toggle");
  const rows = await page.$$eval("#map table tbody tr", (r) => r.map((x) => [...x.children].map((c) => c.textContent)));
  const id = rows.find((r) => r[0] === "Indonesia");
  assert(id && id[3].startsWith("EUR ") && /^\d+$/.test(id[2]), `Indonesia row ${JSON.stringify(id)}`);
  await page.screenshot({ path: join(out, "overview-funding-map.png"), fullPage: false });
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes("map="));
  await ready();
});

let initial;
await check("unfiltered figures equal fundingSummary's", async () => {
  initial = await figures();
  const want = await checkQuery({ programmes: null, fundings: null });
  eq(initial.programmes, String(want.programmes.totalCount), "programmes");
  eq(initial.funding, wantFunding(want.fundingSummary), "funding by transaction type");
  assert(initial.funding.COMMITMENT.length > 0 && initial.funding.DISBURSEMENT.length > 0, "no commitments or disbursements shown");
  const other = await page.textContent('[data-figure="funding-other"]');
  assert(/Incoming funds \(1\): AUD 1,000/.test(other), `other transactions: ${other}`);
});

await check("a filter changes the figures and the URL; they equal fundingSummary's", async () => {
  await page.selectOption("#f-country", "ID");
  await page.waitForURL(/country=ID/);
  await ready();
  const got = await figures();
  const where = { hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ iso2: "ID" }] }] };
  const want = await checkQuery({ programmes: where, fundings: { hasProgrammeWith: [where] } });
  eq(got.programmes, String(want.programmes.totalCount), "programmes");
  assert(got.programmes !== initial.programmes, "the programme count did not change");
  eq(got.funding, wantFunding(want.fundingSummary), "funding by transaction type");
  for (const m of got.texts) assert(m.text.startsWith(m.currency + " "), `money text ${m.text}`);
  const rows = await page.$$eval("#programmes tbody tr", (r) => r.length);
  assert(rows > 0 && rows <= 25, `list rows ${rows}`);
  await page.screenshot({ path: join(out, "overview-filtered.png"), fullPage: true });
});

await check("download links return the filtered records", async () => {
  const total = Number((await figures()).programmes);
  const hrefs = await page.$$eval("a[data-export]", (as) => Object.fromEntries(as.map((a) => [a.dataset.export, a.getAttribute("href")])));
  for (const k of ["csv", "ndjson", "iati"]) assert(hrefs[k] && hrefs[k].includes("where="), `${k} link ${hrefs[k]}`);
  const nd = await (await fetch(base + hrefs.ndjson)).text();
  const recs = nd.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  eq(recs.length, total, "NDJSON records");
  const xml = await (await fetch(base + hrefs.iati)).text();
  eq((xml.match(/<iati-activity[\s>]/g) || []).length, total, "IATI activities");
  const csv = await (await fetch(base + hrefs.csv)).text();
  assert(csv.split("\n")[0].includes("code"), "CSV header");
  for (const r of recs.slice(0, 3)) assert(csv.includes(r.code), `CSV lacks ${r.code}`);
});

await check("back and forward restore the filters", async () => {
  await page.goBack();
  await page.waitForURL((u) => !u.search.includes("country="));
  await ready();
  eq((await figures()).programmes, initial.programmes, "programmes after back");
  eq(await page.inputValue("#f-country"), "", "country select after back");
  await page.goForward();
  await page.waitForURL(/country=ID/);
  await ready();
  eq(await page.inputValue("#f-country"), "ID", "country select after forward");
});

await check("a region filter selects the programmes of its countries; figures equal fundingSummary's", async () => {
  await page.goto(base + "/");
  await ready();
  const regions = await page.$$eval("#f-region option", (os) => os.map((o) => o.value).filter(Boolean));
  assert(regions.includes("Africa") && regions.includes("Asia"), `regions ${regions}`);
  await page.selectOption("#f-region", "Africa");
  await page.waitForURL(/region=Africa/);
  await ready();
  const where = { hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ region: "Africa" }] }] };
  const want = await checkQuery({ programmes: where, fundings: { hasProgrammeWith: [where] } });
  const got = await figures();
  eq(got.programmes, String(want.programmes.totalCount), "programmes in Africa");
  eq(got.funding, wantFunding(want.fundingSummary), "funding in Africa");
  const listed = await page.$$eval("#programmes tbody tr td:first-child", (tds) => tds.map((td) => td.textContent).sort());
  eq(listed, want.programmes.edges.map((e) => e.node.code).sort(), "listed programmes");
  const shaded = await page.$$eval("svg.map path.shaded", (ps) => ps.map((p) => p.dataset.iso2));
  assert(shaded.includes("ML") && !shaded.includes("ID"), `shaded in Africa: ${shaded}`);
});

await check("totals in one currency: converted by fundingSummary(in:), what has no rate shown apart", async () => {
  await page.goto(base + "/");
  await ready();
  const options = await page.$$eval("#currency option", (os) => os.map((o) => o.value));
  assert(options.includes("in:USD") && options.includes("EUR"), `currency options ${options}`);
  await page.selectOption("#currency", "in:USD");
  await page.waitForURL(/in=USD/);
  await ready();
  const want = await checkQuery({ programmes: null, fundings: null, in: "USD" });
  const got = await figures();
  eq(got.funding, wantFunding(want.fundingSummary), "funding in USD");
  assert(got.funding.COMMITMENT.every(([c]) => c === "USD"), "commitments not all in USD");
  const other = await page.textContent('[data-figure="funding-other"]');
  assert(/AUD 1,000/.test(other), `AUD left out: ${other}`);
  const title = await page.textContent("#by-year h2");
  assert(title.endsWith("USD"), `chart title ${title}`);
  await page.click("#funders button.toggle");
  const funders = await page.$$eval("#funders tbody tr", (rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
  const paid = await checkQuery({ fundings: { kindIn: ["DISBURSEMENT", "EXPENDITURE"] }, in: "USD" });
  const money = (m) => {
    const [int, frac] = m.amount.split(".");
    return `${m.currency} ${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${frac ? "." + frac : ""}`;
  };
  const wantFunders = paid.funders.filter((b) => b.funder && b.totals.some((m) => m.currency === "USD"))
    .map((b) => [b.funder.name, String(b.count), money(b.totals.find((m) => m.currency === "USD"))]).sort();
  eq(funders.map((r) => [r[0].replace(/ \(.*\)$/, ""), r[1], r[2]]).sort(), wantFunders, "top funders by money paid out, in USD");
  await page.screenshot({ path: join(out, "overview-usd.png"), fullPage: false });
});

await check("the list sorts by a column's header, kept in the URL", async () => {
  await page.goto(base + "/");
  await ready();
  await page.click('#programmes button[data-sort="TITLE"]');
  await page.waitForURL(/sort=TITLE%3AASC/);
  await ready();
  eq(await page.getAttribute('#programmes th:has(button[data-sort="TITLE"])', "aria-sort"), "ascending", "aria-sort");
  const codes = async () => page.$$eval("#programmes tbody tr td:first-child", (tds) => tds.map((td) => td.textContent));
  let want = await checkQuery({ orderBy: [{ field: "TITLE", direction: "ASC" }, { field: "CODE", direction: "ASC" }] });
  eq(await codes(), want.programmes.edges.map((e) => e.node.code), "codes by title ascending");
  await page.click('#programmes button[data-sort="TITLE"]');
  await page.waitForURL(/sort=TITLE%3ADESC/);
  await ready();
  want = await checkQuery({ orderBy: [{ field: "TITLE", direction: "DESC" }, { field: "CODE", direction: "ASC" }] });
  eq(await codes(), want.programmes.edges.map((e) => e.node.code), "codes by title descending");
  eq(await page.getAttribute('#programmes th:has(button[data-sort="TITLE"])', "aria-sort"), "descending", "aria-sort");
});

await check("every chart has its numbers as a table", async () => {
  await page.goto(base + "/");
  await ready();
  const n = await page.$$eval("button.toggle", (b) => b.length);
  assert(n >= 5, `${n} toggles`);
  await page.click("#status button.toggle");
  const visible = await page.isVisible("#status table");
  assert(visible, "status table not shown");
  const text = await page.textContent("#status table");
  assert(/Programmes/.test(text), text);
});

await check("keyboard alone reaches every filter", async () => {
  await page.goto(base + "/");
  await ready();
  const want = ["f-q", "f-org", "f-role", "f-country", "f-region", "f-sector", "f-status", "f-from", "f-to", "f-apply"];
  const seen = new Set();
  for (let i = 0; i < 40 && want.some((w) => !seen.has(w)); i++) {
    await page.keyboard.press("Tab");
    seen.add(await page.evaluate(() => document.activeElement?.id ?? ""));
  }
  for (const w of want) assert(seen.has(w), `Tab never reached #${w}`);
  // And a filter applied by keyboard alone.
  await page.focus("#f-q");
  await page.keyboard.type("diaspora");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=diaspora/);
  await ready();
});

await check("S72-805 shows its budget and cites its source", async () => {
  await page.goto(base + "/programmes/S72-805");
  await ready();
  eq((await page.textContent('[data-field="budget"]')).trim(), "USD 79,929.00", "budget");
  const sources = await page.$$eval(".sources li", (l) => l.map((x) => x.textContent));
  assert(sources.length > 0, "no sources");
  await page.screenshot({ path: join(out, "programme.png"), fullPage: true });
});

await check("an organisation page lists its partners", async () => {
  await page.goto(base + "/programmes/QUESTS-MIDA");
  await ready();
  await page.click('a[href^="/organisations/"]:text("IOM")');
  await page.waitForURL(/\/organisations\//);
  await ready();
  const partners = await page.$$eval("#partners tbody tr", (r) => r.map((x) => x.textContent));
  assert(partners.some((p) => p.includes("UNDP")), `partners: ${partners}`);
  await page.screenshot({ path: join(out, "organisation.png"), fullPage: true });
});

await check("a programme page: where on a map, timeline from fundingSummary, agreements, history", async () => {
  await page.goto(base + "/programmes/S72-805");
  await ready();
  const shaded = await page.$$eval("#where svg path.shaded", (ps) => ps.map((p) => p.getAttribute("aria-label").split(":")[0]).sort());
  const listed = await page.$$eval("#where table:first-of-type tbody tr td:first-child", (tds) => tds.map((td) => td.textContent).sort());
  assert(shaded.includes("Mali"), `Mali not on S72-805's map: ${shaded}`);
  eq(shaded, listed, "S72-805's countries on its map and in its table");
  assert(/created/.test(await page.textContent("#history")), "history lacks its creation");
  assert(await page.isVisible("#agreements"), "no agreements section");

  await page.goto(base + "/programmes/AA-AAA-123456789-ABC123");
  await ready();
  const places = await page.$$eval("#where circle.place", (cs) => cs.map((c) => c.getAttribute("aria-label")));
  eq(places.length, 2, `located points ${places}`);
  assert(places[0].startsWith("Location name (31.6169, 65.7169)"), `point ${places[0]}`);
  eq(await page.getAttribute("#where .map-note", "data-not-drawn"), "Antigua and Barbuda", "a country too small for the map is named");
  await page.focus("#where circle.place");
  assert((await page.textContent("#where .map-status")).startsWith("Location name"), "focus does not name the point");
  await page.screenshot({ path: join(out, "programme-locations.png"), fullPage: true });

  await page.goto(base + "/programmes/ES-DIR3-E04585801-009-041985");
  await ready();
  await page.click("#timeline button.toggle");
  const rows = await page.$$eval("#timeline tbody tr", (r) => r.map((x) => [...x.children].map((c) => c.textContent)).sort());
  eq(rows, [["2011", "Commitment", "1", "EUR 333,333.34"], ["2011", "Disbursement", "1", "EUR 333,333.34"]], "timeline rows");
  const bars = await page.$$eval("#timeline svg rect", (r) => r.length);
  eq(bars, 2, "timeline bars side by side");
  await page.screenshot({ path: join(out, "programme-timeline.png"), fullPage: true });
});

await check("an organisation page: presences on a map, partners as a network", async () => {
  await page.goto(base + "/programmes/QUESTS-MIDA");
  await ready();
  await page.click('a[href^="/organisations/"]:text("IOM")');
  await page.waitForURL(/\/organisations\//);
  await ready();
  const present = await page.$$eval("#presences svg path.shaded", (ps) => ps.map((p) => p.dataset.iso2).sort());
  eq(present, ["GB", "ML", "RW"], "IOM's presences");
  const nodes = await page.$$eval("#partners svg.network circle.node", (cs) => cs.map((c) => c.getAttribute("aria-label")));
  const listed = await page.$$eval("#partners tbody tr", (r) => r.length);
  eq(nodes.length, listed, "a node per partner listed");
  const undp = nodes.findIndex((n) => n.startsWith("UNDP:"));
  assert(undp >= 0, `nodes ${nodes}`);
  await page.focus(`#partners circle.node >> nth=${undp}`);
  await page.keyboard.press("Enter");
  await page.waitForURL(/\/organisations\//);
  await ready();
  assert(/United Nations Development Programme/.test(await page.textContent("h1")), "Enter on UNDP's node does not open it");
});

await check("a funder's page shows its funding given, from fundingSummary", async () => {
  await page.goto(base + "/");
  await ready();
  await page.click("#funders button.toggle");
  await page.click('#funders table a[href^="/organisations/"]');
  await page.waitForURL(/\/organisations\//);
  await ready();
  const rows = await page.$$eval("#funding-given tbody tr", (r) => r.map((x) => [...x.children].map((c) => c.textContent)));
  assert(rows.length > 0 && rows.every((r) => /^\d{4}$|^undated$/.test(r[0]) && (r[3].startsWith(r[1] + " ") || r[3] === "not stated")), `given: ${JSON.stringify(rows)}`);
  await page.screenshot({ path: join(out, "funder.png"), fullPage: true });
});

// A phone: nothing wider than the screen, the list as cards, its sort
// within reach, every page usable.
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
const mobile = await phone.newPage();
mobile.on("request", (r) => requests.push(r.url()));
mobile.on("pageerror", (e) => pageErrors.push(String(e)));
const mobileReady = () => mobile.waitForFunction(() => document.body.dataset.ready && !document.getElementById("main").hasAttribute("aria-busy"), null, { timeout: 20000 });
// On a phone the browser widens the layout to fit what overflows, so the
// page is measured against the screen's own width.
const overflow = () => mobile.evaluate(() => document.documentElement.scrollWidth - 390);
await check("on a phone the overview fits the screen and the list is one card per programme", async () => {
  await mobile.goto(base + "/?country=ID");
  await mobileReady();
  eq(await overflow(), 0, "horizontal overflow (px)");
  await mobile.screenshot({ path: join(out, "phone-overview.png"), fullPage: true });
  const cell = await mobile.$eval("#programmes tbody tr td:nth-child(2)", (td) => ({ display: getComputedStyle(td).display, label: getComputedStyle(td, "::before").content }));
  eq(cell, { display: "flex", label: '"Title"' }, "list cell as a labelled line");
  const sort = await mobile.$('#programmes button[data-sort="CODE"]');
  const box = await sort.boundingBox();
  assert(box && box.height >= 44 && box.x >= 0 && box.x + box.width <= 390, `sort button ${JSON.stringify(box)}`);
  await sort.tap();
  await mobile.waitForURL(/sort=CODE%3AASC/);
  await mobileReady();
  const f = await figures(mobile);
  const want = await checkQuery({ programmes: { hasCountriesWith: [{ role: "BENEFICIARY", hasCountryWith: [{ iso2: "ID" }] }] } });
  eq(f.programmes, String(want.programmes.totalCount), "programmes on the phone");
});
await check("on a phone the record pages fit the screen", async () => {
  for (const [path, shot] of [["/programmes/AA-AAA-123456789-ABC123", "phone-programme.png"], ["/programmes/S72-805", null]]) {
    await mobile.goto(base + path);
    await mobileReady();
    eq(await overflow(), 0, `${path}: horizontal overflow (px)`);
    if (shot) await mobile.screenshot({ path: join(out, shot), fullPage: true });
  }
  await mobile.click('a[href^="/organisations/"]:text("IOM")');
  await mobile.waitForURL(/\/organisations\//);
  await mobileReady();
  eq(await overflow(), 0, "organisation: horizontal overflow (px)");
  await mobile.screenshot({ path: join(out, "phone-organisation.png"), fullPage: true });
});
await phone.close();

await check("only persisted operations are sent", async () => {
  assert(queryBodies.length > 0, "no requests to /query");
  for (const b of queryBodies) {
    const j = JSON.parse(b);
    assert(!("query" in j), `a query text was sent: ${b.slice(0, 80)}`);
    assert(j.extensions?.persistedQuery?.sha256Hash, "no hash");
  }
});

await check("no request leaves 127.0.0.1", async () => {
  const outside = requests.filter((u) => !u.startsWith("data:") && new URL(u).hostname !== "127.0.0.1");
  console.log(`metric requests ${requests.length}`);
  eq(outside, [], "requests to other hosts");
});

await check("no script errors", async () => eq(pageErrors, [], "page errors"));

writeFileSync(join(out, "requests.txt"), requests.join("\n") + "\n");
await browser.close();
process.exit(failed ? 1 : 0);
