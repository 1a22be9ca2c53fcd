// End-to-end tests: Debian's Chromium (never a downloaded browser) with WebGL on SwiftShader,
// against the built client served by the real server.
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, chromiumPath } from './e2e/chromium'

const PORT = Number(process.env.E2E_PORT ?? 4173)
// A fresh data folder per run (chain, database): claims and layouts from an earlier run must
// not leak into this one. Workers inherit the main process's choice through the environment.
process.env.E2E_DATA_DIR ??= `test-results/data-${Date.now()}`
const DATA_DIR = process.env.E2E_DATA_DIR

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/artifacts',
  globalSetup: './e2e/global-setup.ts',
  // A ceiling, not an expectation: opening one world waits up to 150 s (waitForWorld) on a
  // busy 2-core machine, so a test must be allowed longer than that.
  timeout: 240_000,
  expect: { timeout: 30_000 },
  // SwiftShader renders on the CPU: two browsers at once on two cores only slow each other.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 720 },
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    // A click on a covered control fails with the reason instead of retrying until the test ends.
    actionTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node --import tsx server/main.ts',
    // Ready when storage is: the events list answers 503 while the database starts, and a page
    // that loads then logs the failed request (the app retries; the console error stays). The
    // health URL answered first, so a spec that ran first (alone, or reordered) saw the 503.
    url: `http://127.0.0.1:${PORT}/api/events`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    env: {
      CLIENT: 'dist',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: DATA_DIR,
      ANVIL_PORT: '0',
      // Several tests claim a plot with the same development wallet in one run.
      SPACE_LIMIT: '4',
      // The wallet spec pauses the second chain: a request to it gives up after 3 s, not 10.
      CHAIN_RPC_TIMEOUT_MS: '3000',
      // Publishing draws a builder world once (the builder spec checks it); a redraw 10 minutes
      // after a later save would take the CPU from whichever spec runs then.
      THUMBNAIL_EVERY_S: '86400',
    },
  },
})
