// Fails early, with the fix spelled out, when a system part the browser tests need is missing.
import fs from 'node:fs'
import { chromiumProblem } from './chromium'

export default function globalSetup() {
  const problem = chromiumProblem()
  if (problem) throw new Error(problem)
  if (!fs.existsSync('dist/index.html')) {
    throw new Error('dist/index.html is missing: run "npm run build" before the end-to-end tests')
  }
  fs.mkdirSync('test-results/screenshots', { recursive: true })
  // Data folders of earlier runs (this run's is E2E_DATA_DIR, see playwright.config.ts).
  for (const name of fs.readdirSync('test-results')) {
    const dir = `test-results/${name}`
    if (/^data(-\d+)?$/.test(name) && dir !== process.env.E2E_DATA_DIR) {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
