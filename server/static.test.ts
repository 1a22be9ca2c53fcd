import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byteRange, staticHandler } from './static'

let server: http.Server
let base: string
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-static-'))

beforeAll(async () => {
  fs.writeFileSync(path.join(root, 'index.html'), '<p>index</p>')
  fs.mkdirSync(path.join(root, 'assets'))
  fs.writeFileSync(path.join(root, 'assets', 'app-abc.js'), 'console.log(1)')
  fs.writeFileSync(path.join(root, 'assets', 'clip.webm'), '0123456789')
  fs.writeFileSync(path.join(os.tmpdir(), 'cq-secret.txt'), 'secret')
  server = http.createServer(staticHandler(root))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => server.close())

function get(p: string, headers: http.OutgoingHttpHeaders = {}) {
  // Raw request: fetch() would normalise "..", which is exactly what must be tested.
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      http
        .get(base + p, { headers }, (res) => {
          let body = ''
          res.on('data', (d) => (body += d))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
        })
        .on('error', reject)
    },
  )
}

describe('staticHandler', () => {
  it('serves hashed assets with long caching and the right type', async () => {
    const r = await get('/assets/app-abc.js')
    expect(r.status).toBe(200)
    expect(r.headers['content-type']).toMatch(/javascript/)
    expect(r.headers['cache-control']).toMatch(/immutable/)
  })

  it('falls back to index.html for client routes, never cached', async () => {
    const r = await get('/w/block-park-village?x=1')
    expect(r.body).toBe('<p>index</p>')
    expect(r.headers['cache-control']).toBe('no-cache')
  })

  it('answers 404 for a missing asset or world file', async () => {
    expect((await get('/assets/missing.js')).status).toBe(404)
    expect((await get('/scenes/no-such-world.json')).status).toBe(404)
  })

  it('never serves a file outside its root', async () => {
    for (const p of [
      '/../cq-secret.txt',
      '/%2e%2e/cq-secret.txt',
      '/assets/..%2f..%2fcq-secret.txt',
    ]) {
      const r = await get(p)
      expect(r.body, p).not.toContain('secret')
    }
  })

  it('answers 503 while the build is being replaced, and serves again afterwards', async () => {
    const index = path.join(root, 'index.html')
    fs.rmSync(index)
    try {
      const r = await get('/w/cangqiong')
      expect(r.status).toBe(503)
      expect(r.headers['retry-after']).toBe('2')
    } finally {
      fs.writeFileSync(index, '<p>index</p>')
    }
    expect((await get('/w/cangqiong')).status).toBe(200)
  })

  it('serves byte ranges, so videos seek without downloading from the start', async () => {
    const whole = await get('/assets/clip.webm')
    expect(whole.status).toBe(200)
    expect(whole.headers['accept-ranges']).toBe('bytes')
    const part = await get('/assets/clip.webm', { range: 'bytes=2-5' })
    expect(part.status).toBe(206)
    expect(part.body).toBe('2345')
    expect(part.headers['content-range']).toBe('bytes 2-5/10')
    expect((await get('/assets/clip.webm', { range: 'bytes=7-' })).body).toBe('789')
    expect((await get('/assets/clip.webm', { range: 'bytes=-3' })).body).toBe('789')
    expect((await get('/assets/clip.webm', { range: 'bytes=20-' })).status).toBe(416)
    expect((await get('/assets/clip.webm', { range: 'bytes=0-1,4-5' })).status).toBe(200)
    expect(byteRange('bytes=5-2', 10)).toBe('unsatisfiable')
    expect(byteRange('bytes=0-99', 10)).toEqual({ start: 0, end: 9 })
  })

  it('refuses a missing build with the fix named', () => {
    expect(() => staticHandler(path.join(root, 'nope'))).toThrow(/npm run build/)
  })
})
