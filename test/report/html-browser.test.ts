import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../support/cli.js";

/** Debian's chromium (scripts/install-test-deps.sh); puppeteer-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vaultpilot-html-"));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(file: string) {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    requests.push(request.url());
    if (request.url() === pathToFileURL(file).href) void request.continue();
    else void request.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return { page, consoleErrors, requests };
}

describe("the HTML report in Chromium", () => {
  test("renders the summary and drill-downs, logs no console error and requests nothing outside the file", async () => {
    const run = await runCli(["report", "--format", "html", "--out", dir]);
    expect(run.code, run.stderr).toBe(1);
    const file = join(dir, "compliance-report.html");
    const { page, consoleErrors, requests } = await open(file);
    await page.setViewport({ width: 1280, height: 900 });

    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe("VaultPilot compliance report");
    const rows = await page.$$eval("#summary + table tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    expect(rows.map((r) => r[0])).toEqual([
      "SOC 2 (Trust Services Criteria) 2017 TSC, points of focus revised 2022",
      "ISO/IEC 27001 2022 (Annex A controls, detailed in ISO/IEC 27002:2022)",
      "PCI DSS 4.0.1",
      "HIPAA Security Rule 45 CFR Part 164, Subpart C",
      "AWS Foundational Security Best Practices 1.0.0",
    ]);
    // One drill-down per control of each framework, and one per tenant.
    const summaries = await page.$$eval("details > summary", (s) =>
      s.map((e) => e.textContent ?? ""),
    );
    expect(summaries.filter((s) => /\bSecretsManager\.1\b/.test(s))).toHaveLength(1);
    expect(summaries.filter((s) => /^\S+ (acme|globex|initech|umbrella) /.test(s))).toHaveLength(4);

    // Opening a control shows its results with the evidence.
    await page.$$eval("details", (all) => {
      const control = all.find((d) => d.querySelector("summary")?.textContent?.includes("8.3.9"));
      if (control) control.open = true;
    });
    const cells = await page.$$eval("details[open] td", (tds) =>
      tds.map((td) => td.textContent ?? ""),
    );
    expect(cells.some((c) => c.includes("policies/schedules.yaml:"))).toBe(true);

    const png = await page.screenshot({ fullPage: false });
    writeFileSync(join(tmpdir(), "vaultpilot-report-screenshot.png"), png);
    expect(png.length).toBeGreaterThan(10_000);
    await page.close();
  }, 60_000);

  test("prints to PDF with every drill-down opened", async () => {
    const run = await runCli([
      "report",
      "--framework",
      "pci-dss",
      "--format",
      "html",
      "--out",
      dir,
    ]);
    expect(run.code).toBe(1);
    const file = join(dir, "compliance-report.html");
    const { page, consoleErrors } = await open(file);
    await page.emulateMediaType("print");
    await page.evaluate('window.dispatchEvent(new Event("beforeprint"))');
    const closed = await page.$$eval("details:not([open])", (d) => d.length);
    expect(closed).toBe(0);
    const pdf = await page.pdf({ format: "A4", printBackground: false });
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    writeFileSync(join(tmpdir(), "vaultpilot-report.pdf"), pdf);
    expect(consoleErrors).toEqual([]);
    expect(readFileSync(file, "utf8")).not.toMatch(/(src|href)="https?:/);
    await page.close();
  }, 60_000);
});
