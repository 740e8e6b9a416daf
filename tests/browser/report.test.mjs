// Renders bedrockctl reports in headless Chromium and asserts on the live DOM
// (issue 20): the quickstart's grid (cell count, the colours of a known allowed, a
// known guarded and a known denied cell), the details panel, no console error, no
// request besides the page itself, readable without JavaScript (letters from CSS),
// print media; and a report of hostile names (a Sid `</script><script>…`, a file
// named `<img onerror=…>`) that must run no script of theirs.
//
// Usage: node report.test.mjs [BEDROCKCTL_BIN]
// Env: CHROMIUM (default /usr/bin/chromium), BROWSER_OUT (default target/browser).
// Screenshots are written to $BROWSER_OUT for people to look at.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.resolve(root, process.argv[2] || process.env.BEDROCKCTL_BIN || "target/debug/bedrockctl");
const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const out = path.resolve(root, process.env.BROWSER_OUT || "target/browser");
fs.mkdirSync(out, { recursive: true });
for (const [what, p] of [["bedrockctl", bin], ["chromium", chromium]]) {
  if (!fs.existsSync(p)) {
    console.error(`browser test: ${what} not found at ${p}`);
    process.exit(1);
  }
}

// Shade -> colour as src/report/html.rs writes it, as the browser computes it.
const COLOURS = {
  allow: "rgb(26, 152, 80)",
  guarded: "rgb(102, 194, 165)",
  implicitDeny: "rgb(253, 174, 97)",
};

function report(args, file, cwd = root) {
  execFileSync(bin, ["report", ...args, "--out", file], {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  return pathToFileURL(file).href;
}

/// A page that records console errors, page errors, dialogs and every request.
async function open(browser, { javaScript = true } = {}) {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(javaScript);
  const seen = { errors: [], requests: [], dialogs: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") seen.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => seen.errors.push(`requestfailed: ${r.url()}`));
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("dialog", async (d) => {
    seen.dialogs.push(d.message());
    await d.dismiss();
  });
  return { page, seen };
}

/// The grid cell of `role` x `model` in `region`, as its computed style sees it.
async function cell(page, region, role, model) {
  return page.evaluate(
    (region, role, model) => {
      const regions = [...document.querySelectorAll("section#matrix h3")].map((h) => h.firstChild.textContent.trim());
      const t = document.querySelector(`table.grid[data-region="${regions.indexOf(region)}"]`);
      if (!t) return null;
      const models = [...t.tHead.rows[0].cells].slice(1).map((c) => c.textContent);
      const row = [...t.tBodies[0].rows].find((r) => r.cells[0].textContent === role);
      if (!row) return null;
      const td = row.cells[models.indexOf(model) + 1];
      if (!td) return null;
      const s = getComputedStyle(td);
      return {
        cls: td.className,
        background: s.backgroundColor,
        letter: getComputedStyle(td, "::after").content,
        id: `${regions.indexOf(region)}/${row.sectionRowIndex}/${models.indexOf(model)}`,
      };
    },
    region,
    role,
    model,
  );
}

const HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0";
const TITAN = "amazon.titan-embed-text-v2:0";
let failures = 0;
async function test(name, f) {
  try {
    await f();
    console.log(`ok - ${name}`);
  } catch (e) {
    failures++;
    console.log(`not ok - ${name}\n  ${String(e.stack || e).replace(/\n/g, "\n  ")}`);
  }
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  // Root in a container has no user namespace sandbox; the page is our own file.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
});
try {
  const quickstart = report(["-f", "examples/quickstart/bedrock.yaml"], path.join(out, "quickstart.html"));

  await test("quickstart: grid, colours, details panel, no console error, no request", async () => {
    const { page, seen } = await open(browser);
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(quickstart, { waitUntil: "load" });
    const count = await page.$$eval("table.grid td", (tds) => tds.length);
    assert.equal(count, 8, "2 roles x 2 models x 2 regions");
    const allowed = await cell(page, "us-east-1", "chat-app", TITAN);
    assert.equal(allowed.cls, "a");
    assert.equal(allowed.background, COLOURS.allow, "allowed cell colour");
    assert.equal(allowed.letter, '"A"');
    const guarded = await cell(page, "us-east-1", "chat-app", HAIKU);
    assert.equal(guarded.background, COLOURS.guarded, "guarded cell colour");
    const denied = await cell(page, "us-west-2", "bedrock-logging", HAIKU);
    assert.equal(denied.background, COLOURS.implicitDeny, "denied cell colour");
    // The details panel names the deciding statement and policy.
    const [r, i, m] = guarded.id.split("/").map(Number);
    const sel = `table.grid[data-region="${r}"] tbody tr:nth-child(${i + 1}) td:nth-child(${m + 2})`;
    await page.hover(sel);
    const title = await page.$eval(sel, (td) => td.title);
    assert.match(title, /Invoke0/, "hover title names the statement");
    await page.click(sel);
    const detail = await page.$eval("#detail", (d) => d.textContent);
    assert.match(detail, /chat-app × anthropic\.claude-haiku/);
    assert.match(detail, /grants #1 statement `Invoke0`/);
    assert.match(detail, /guardrail `default-safety`/);
    assert.ok(await page.$eval(sel, (td) => td.classList.contains("sel")), "clicked cell is marked");
    await page.screenshot({ path: path.join(out, "report-quickstart.png"), fullPage: true });
    assert.deepEqual(seen.errors, [], "console errors");
    assert.deepEqual(seen.requests, [quickstart], "the page fetches nothing but itself");
    await page.close();
  });

  await test("quickstart without JavaScript: colours, letters, legend and reasons still there", async () => {
    const { page, seen } = await open(browser, { javaScript: false });
    await page.goto(quickstart, { waitUntil: "load" });
    const denied = await cell(page, "us-east-1", "bedrock-logging", TITAN);
    assert.equal(denied.background, COLOURS.implicitDeny);
    assert.equal(denied.letter, '"-"');
    const legend = await page.$$eval("#legend > span", (s) => s.length);
    assert.equal(legend, 5, "five shades in the legend");
    const reasons = await page.$$eval("#reasons tbody tr", (r) => r.length);
    assert.ok(reasons >= 3, `reasons table rows: ${reasons}`);
    const checks = await page.$$eval("#checks td.pass", (t) => t.length);
    assert.equal(checks, 3, "three passing checks");
    assert.deepEqual(seen.requests, [quickstart]);
    await page.close();
  });

  await test("print media: navigation and details panel hidden, grid not clipped", async () => {
    const { page } = await open(browser);
    await page.goto(quickstart, { waitUntil: "load" });
    await page.emulateMediaType("print");
    const shown = await page.evaluate(() => ({
      nav: getComputedStyle(document.querySelector("nav")).display,
      detail: getComputedStyle(document.getElementById("detail")).display,
      overflow: getComputedStyle(document.querySelector(".scroll")).overflow,
    }));
    assert.equal(shown.nav, "none");
    assert.equal(shown.detail, "none");
    assert.equal(shown.overflow, "visible");
    const pdf = await page.pdf({ format: "A4" });
    assert.ok(pdf.length > 1000, "a printable PDF");
    await page.close();
  });

  await test("hostile names are text, never markup or script", async () => {
    const dir = path.join(out, "hostile");
    fs.rmSync(dir, { recursive: true, force: true });
    const q = path.join(root, "examples/quickstart");
    fs.cpSync(path.join(q, "policies"), path.join(dir, "policies"), { recursive: true });
    const evil = "policies/<img src=x onerror=alert(1)>.json";
    const policy = fs
      .readFileSync(path.join(q, "policies/chat-app-invoke.json"), "utf8")
      .replace('"InvokeTitanEmbeddings"', '"</script><script>alert(2)</script>"');
    assert.match(policy, /alert\(2\)/);
    fs.writeFileSync(path.join(dir, evil), policy);
    fs.writeFileSync(
      path.join(dir, "bedrock.yaml"),
      fs.readFileSync(path.join(q, "bedrock.yaml"), "utf8").replace("policies/chat-app-invoke.json", `"${evil}"`),
    );
    const url = report([], path.join(dir, "report.html"), dir);
    const { page, seen } = await open(browser);
    await page.goto(url, { waitUntil: "load" });
    const dom = await page.evaluate(() => ({
      scripts: document.scripts.length,
      images: document.images.length,
      text: document.getElementById("reasons").textContent,
    }));
    assert.equal(dom.scripts, 2, "only the data block and the page's script");
    assert.equal(dom.images, 0);
    assert.match(dom.text, /<\/script><script>alert\(2\)<\/script>/, "the Sid shows as text");
    assert.match(dom.text, /<img src=x onerror=alert\(1\)>\.json/, "the file name shows as text");
    // The script still works on the hostile data.
    await page.click("table.grid td");
    assert.deepEqual(seen.dialogs, [], "no alert ran");
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.requests, [url]);
    await page.close();
  });
} finally {
  await browser.close();
}
console.log(failures === 0 ? `browser test: all passed; screenshot in ${path.relative(root, out)}/report-quickstart.png` : `browser test: ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
