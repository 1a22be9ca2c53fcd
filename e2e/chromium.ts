// Where Debian's Chromium lives and how it must start here: WebGL through SwiftShader, and
// no background networking (this machine's closed network refuses those connections).
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

/** A readable reason why the browser tests cannot run, or null when they can. */
export function chromiumProblem(): string | null {
  const p = chromiumPath()
  if (fs.existsSync(p)) return null
  return (
    `Chromium was not found at ${p}. The end-to-end tests drive Debian's Chromium; install it with\n` +
    `    sudo apt-get update && sudo apt-get install -y chromium\n` +
    `or point CHROMIUM_PATH at another Chromium binary.`
  )
}
