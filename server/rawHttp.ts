// Test helper: one HTTP/1.1 request written byte for byte over a socket, so dot segments,
// percent-encodings, backslashes and absolute-form targets reach the server as sent (http.get
// and fetch normalise "/../x" and "/%2e%2e/x" before they leave the client).
import net from 'node:net'
import { expect } from 'vitest'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  /** The body after de-chunking; empty for HEAD. */
  body: Buffer
  /** Everything the server sent, status line and headers included. */
  raw: Buffer
}

/**
 * Sends `${method} ${target} HTTP/1.1` with `connection: close` and reads until the server
 * closes. `target` is written as latin1, so '\xc0' is the single byte 0xc0.
 */
export function rawRequest(
  port: number,
  target: string,
  { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    // A generous ceiling for a busy machine; a healthy answer ends the wait at once.
    socket.setTimeout(60_000, () =>
      socket.destroy(new Error(`no answer to ${method} ${JSON.stringify(target)}`)),
    )
    socket.on('connect', () => {
      const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close']
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
      socket.write(Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'))
    })
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', reject)
    socket.on('close', () => {
      const raw = Buffer.concat(chunks)
      const split = raw.indexOf('\r\n\r\n')
      if (split < 0) {
        reject(new Error(`no complete answer to ${JSON.stringify(target)}: ${raw.toString()}`))
        return
      }
      const [statusLine = '', ...headerLines] = raw
        .subarray(0, split)
        .toString('latin1')
        .split('\r\n')
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0)
      const parsed: Record<string, string> = {}
      for (const line of headerLines) {
        const colon = line.indexOf(':')
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      let body: Buffer = raw.subarray(split + 4)
      if (parsed['transfer-encoding'] === 'chunked') body = dechunk(body)
      resolve({ status, headers: parsed, body, raw })
    })
  })
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = []
  let at = 0
  for (let i = 0; i < 10_000 && at < data.length; i++) {
    const eol = data.indexOf('\r\n', at)
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16)
    if (!(size > 0)) break
    out.push(data.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(out)
}

/**
 * Sends each target with GET and HEAD: never a byte of `secret` back; a number expects that
 * status, a string a 200 with exactly that body (and its length); HEAD has no body.
 */
export async function expectProbes(
  port: number,
  probes: ReadonlyArray<readonly [string, number | string]>,
  secret: Buffer | string,
) {
  for (const [target, expected] of probes) {
    for (const method of ['GET', 'HEAD']) {
      const what = `${method} ${target}`
      const r = await rawRequest(port, target, { method })
      expect(r.raw.includes(secret), what).toBe(false)
      if (typeof expected === 'number') expect(r.status, what).toBe(expected)
      else {
        expect(r.status, what).toBe(200)
        expect(Number(r.headers['content-length']), what).toBe(Buffer.byteLength(expected))
        if (method === 'GET') expect(r.body.toString(), what).toBe(expected)
      }
      if (method === 'HEAD') expect(r.body.length, what).toBe(0)
    }
  }
}
