// Where Debian's Chromium lives and how it must start here: WebGL through SwiftShader, and
// no background networking (this machine's closed network refuses those connections). The
// server's own pages (builder worlds' thumbnails, server/headless/browser.ts), the end-to-end
// tests and the benches all start it this way.
import fs from 'node:fs'

export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--no-sandbox',
]

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}

/** A readable reason why Chromium cannot run, or null when it can. */
export function chromiumProblem(): string | null {
  const p = chromiumPath()
  if (fs.existsSync(p)) return null
  return (
    `Chromium was not found at ${p}. Install Debian's with\n` +
    `    sudo apt-get update && sudo apt-get install -y chromium\n` +
    `or point CHROMIUM_PATH at another Chromium binary.`
  )
}
