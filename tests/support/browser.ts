import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Browser tests drive Debian's Chromium through playwright-core: no browser download, the
 * same binary CI installs. Tests check `chromiumPath()` with `requirePeer` so a missing
 * browser is a loud skip (or a failure under KILUSI_STRICT_PEERS=1), never a silent pass.
 */
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

export const chromiumHint = "apt-get install chromium (Debian's package, at /usr/bin/chromium)";

const screenshotsDir = join(import.meta.dir, "..", "artifacts", "screenshots");

/** The Chromium binary to drive, or null when it is not installed. */
export function chromiumPath(): string | null {
  return existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : null;
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(`Chromium is missing: ${chromiumHint}`);
  return chromium.launch({
    executablePath,
    // Playwright adds --headless itself and gives every launch a fresh temporary profile.
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Where to save a screenshot named `name` (tests/artifacts/ is git-ignored). */
export function screenshotPath(name: string): string {
  mkdirSync(screenshotsDir, { recursive: true });
  const file = name.replace(/[^A-Za-z0-9._-]+/g, "-");
  return join(screenshotsDir, file.endsWith(".png") ? file : `${file}.png`);
}

/**
 * Collects what should fail a page test: console errors (Chromium reports CSP violations
 * there too), uncaught exceptions, `securitypolicyviolation` events and failed requests.
 * Call before the first navigation.
 */
export async function watchForProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  // Injected by the DevTools protocol, which the page's CSP does not govern.
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  return problems;
}
