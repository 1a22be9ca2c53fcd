// The composed server with a registry-file chain (no anvil): the chain API announces ready only
// once storage is open, and malformed request paths answer 4xx JSON, over a raw socket.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from './app'
import { testConfig } from './testConfig'

let tmp: string
let server: RunningServer

function registry() {
  const text = (s: string) => ({ 'zh-CN': s, en: s })
  return {
    version: 1,
    chains: [
      {
        chainId: 31337,
        kind: 'evm',
        local: true,
        name: text('local'),
        // Nothing listens there: these tests never reach the chain.
        rpcUrls: ['http://127.0.0.1:9'],
        issuers: [],
      },
    ],
  }
}

/** One request over a plain socket, so the path goes out exactly as written. */
function raw(port: number, requestPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let data = ''
    socket.setEncoding('utf8')
    socket.on('connect', () =>
      socket.write(`GET ${requestPath} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`),
    )
    socket.on('data', (chunk: string) => (data += chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)
      const split = data.indexOf('\r\n\r\n')
      let body = data.slice(split + 4)
      if (/\r\ntransfer-encoding: chunked/i.test(data.slice(0, split))) body = dechunk(body)
      resolve({ status, body })
    })
  })
}

/** A chunked body as the text it carries (ASCII bodies: sizes count characters). */
function dechunk(text: string): string {
  let out = ''
  let at = 0
  for (let i = 0; i < 1000; i++) {
    const eol = text.indexOf('\r\n', at)
    const size = parseInt(text.slice(at, eol), 16)
    if (!(size > 0)) break
    out += text.slice(eol + 2, eol + 2 + size)
    at = eol + 2 + size + 2
  }
  return out
}

/** Whether `p` has settled once the microtasks queued so far have run. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(
    () => (done = true),
    () => (done = true),
  )
  await new Promise((r) => setImmediate(r))
  return done
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-startup-'))
  const file = path.join(tmp, 'registry.json')
  fs.writeFileSync(file, JSON.stringify(registry()))
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', DATA_DIR: tmp, TRUST_REGISTRY: file }),
  )
}, 60_000)

afterAll(async () => {
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('start-up', () => {
  it('announces the chain ready only once storage is open', async () => {
    // Reading a registry file takes a moment; opening PGlite takes seconds and blocks the event
    // loop while it compiles. Whenever /api/chain first answers 200, storage must be open.
    for (let i = 0; i < 3000; i++) {
      // A fresh connection each time (a kept-alive one may be closed under a stalled loop).
      const res = await raw(server.port, '/api/chain')
      if (res.status === 200) break
      expect(res.status).toBe(503)
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await settled(server.events)).toBe(true)
    await server.events
  }, 240_000)
})

describe('malformed requests', () => {
  it('answers broken percent-encoding in API paths with 400 and a JSON error', async () => {
    await server.chain
    await server.events
    const paths = [
      '/api/collectibles/%E0%A4%A',
      '/api/collectibles/%',
      '/api/collectibles/%ZZ',
      '/api/events/%E0%A4%A',
      '/api/events/%C0%AF',
    ]
    for (const p of paths) {
      const { status, body } = await raw(server.port, p)
      expect(status, `${p}: ${body}`).toBe(400)
      expect(JSON.parse(body), p).toMatchObject({ error: 'bad_request' })
    }
    // The server keeps serving.
    const health = await raw(server.port, '/api/health')
    expect(health.status).toBe(200)
  })
})
