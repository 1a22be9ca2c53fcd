import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectProbes, rawRequest } from './rawHttp'
import { byteRange, staticHandler } from './static'

let server: http.Server
let port: number
let base: string
// <tmp>/dist is served; a secret lies beside it and in a sibling whose name starts like the root's.
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-static-'))
const root = path.join(outside, 'dist')
const SECRET = `secret-${crypto.randomBytes(12).toString('hex')}`
const INDEX = '<p>index</p>'
const APP_JS = 'console.log(1)'

beforeAll(async () => {
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(root, 'index.html'), INDEX)
  fs.writeFileSync(path.join(root, 'assets', 'app-abc.js'), APP_JS)
  fs.writeFileSync(path.join(root, 'assets', 'clip.webm'), '0123456789')
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET)
  fs.mkdirSync(path.join(outside, 'dist-sibling'))
  fs.writeFileSync(path.join(outside, 'dist-sibling', 'secret.txt'), SECRET)
  server = http.createServer(staticHandler(root))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
})
afterAll(() => {
  server.close()
  fs.rmSync(outside, { recursive: true, force: true })
})

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

  it('never serves a file outside its root, whatever the request target holds', async () => {
    // Sent as raw bytes: the server's own URL parsing and decoding are what is tested. Each probe
    // expects a status, or the in-root body a 200 must carry (index.html for a client route).
    const probes: [string, number | string][] = [
      // Dot segments, plain, encoded and mixed case: the URL parser folds them inside the root.
      ['/../secret.txt', INDEX],
      ['/../../../secret.txt', INDEX],
      ['/./../secret.txt', INDEX],
      ['/assets/../../secret.txt', INDEX],
      ['/%2e%2e/secret.txt', INDEX],
      ['/%2E%2e/%2e./.%2E/secret.txt', INDEX],
      ['/%2e%2e/dist-sibling/secret.txt', INDEX],
      // Encoded slashes: '..' appears only after decoding and would leave the root.
      ['/..%2fsecret.txt', 400],
      ['/..%2Fdist-sibling%2Fsecret.txt', 400],
      ['/assets/..%2f..%2fsecret.txt', 400],
      ['/%2e%2e%2fsecret.txt', 400],
      ['/%2E%2E%2F%2e%2E%2Fsecret.txt', 400],
      ['/w/x/..%2f..%2f..%2fdist-sibling/secret.txt', 400],
      // Double-encoded: decoded once, '%2e%2e' is a plain name inside the root.
      ['/%252e%252e/secret.txt', INDEX],
      ['/%252e%252e%252fsecret.txt', INDEX],
      ['/assets/%252e%252e%252f%252e%252e%252fsecret.txt', 404],
      // Backslashes: raw ones are separators to the URL parser, %5c is part of a Linux name.
      ['/..\\secret.txt', INDEX],
      ['/assets\\..\\..\\secret.txt', INDEX],
      ['/..%5csecret.txt', INDEX],
      ['/..%5C..%5Csecret.txt', INDEX],
      ['/assets/..%5c..%5csecret.txt', 404],
      ['/%2e%2e%5csecret.txt', INDEX],
      // NUL: never part of a file name.
      ['/index.html%00', 400],
      ['/..%2fsecret.txt%00.html', 400],
      ['/assets/app-abc.js%00.png', 400],
      // Overlong UTF-8 and broken percent-encoding.
      ['/%c0%ae%c0%ae/secret.txt', 400],
      ['/%C0%AE%C0%AE%C0%AFsecret.txt', 400],
      ['/assets/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt', 400],
      ['/%e0%80%ae%e0%80%ae/secret.txt', 400],
      ['/\xc0\xae\xc0\xae/secret.txt', 400],
      ['/%E0%A4%A', 400],
      ['/%ZZ', 400],
      // Absolute-form and scheme-relative targets.
      ['http://127.0.0.1/../secret.txt', INDEX],
      ['http://127.0.0.1/..%2fsecret.txt', 400],
      ['HTTP://127.0.0.1/%2E%2E%2Fsecret.txt', 400],
      ['http://evil.example:99999/secret.txt', 400],
      ['http://[::1/secret.txt', 400],
      [`file://${path.join(outside, 'secret.txt')}`, INDEX],
      ['//127.0.0.1/..%2fsecret.txt', 400],
      ['*', INDEX],
      // Paths that really do resolve inside the root serve the file they name.
      ['/assets/../assets/app-abc.js', APP_JS],
      ['/assets/%2e%2e/assets/app-abc.js', APP_JS],
      ['/assets/..%2fassets%2fapp-abc.js', APP_JS],
    ]
    await expectProbes(port, probes, SECRET)
    // docs/api.md: broken percent-encoding gets a plain-text 400.
    const broken = await rawRequest(port, '/w/%E0%A4%A')
    expect([broken.status, broken.headers['content-type']]).toEqual([400, 'text/plain'])
    // And the server still serves everyone else.
    const after = await rawRequest(port, '/assets/app-abc.js')
    expect(after.status).toBe(200)
    expect(after.body.toString()).toBe(APP_JS)
  }, 120_000)

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

  it('types and caches what it serves, unsniffed, and only reads', async () => {
    const js = await rawRequest(port, '/assets/app-abc.js', { method: 'HEAD' })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.headers['x-content-type-options']).toBe('nosniff')
    const page = await rawRequest(port, '/index.html', { method: 'HEAD' })
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['cache-control']).toBe('no-cache')
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await rawRequest(port, '/index.html', {
        method,
        headers: { 'content-length': '0' },
      })
      expect([r.status, r.headers.allow], method).toEqual([405, 'GET, HEAD'])
    }
    expect(fs.readFileSync(path.join(root, 'index.html'), 'utf8')).toBe(INDEX)
  })

  it('refuses a missing build with the fix named', () => {
    expect(() => staticHandler(path.join(root, 'nope'))).toThrow(/npm run build/)
  })
})
