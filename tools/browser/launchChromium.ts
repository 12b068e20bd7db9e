import { type Browser, chromium, type LaunchOptions } from "playwright-core";

/** Debian's `chromium` package: the browser the tests, the benchmark and the README screenshot use. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Starts Debian's Chromium headless through Playwright, without Playwright's own browser download. The flags keep
 * it off the network it would otherwise call at start-up (updates, sync, safe browsing), which a closed machine
 * refuses; `--no-sandbox` because CI runs as root. Playwright gives it a new, empty profile each time.
 */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
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
    ...options,
  });
}
