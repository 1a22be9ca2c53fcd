import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ipfsGateway } from './ipfsGateway'
import { expectProbes, rawRequest } from './rawHttp'

let server: http.Server
let port: number
// <tmp>/ipfs is served; a secret lies beside it and in a sibling whose name starts like the root's.
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-ipfs-'))
const root = path.join(outside, 'ipfs')
const CID = 'bafkreidemo'
const SECRET = `secret-${crypto.randomBytes(12).toString('hex')}`
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
const GLB = Buffer.from([0x67, 0x6c, 0x54, 0x46, 2, 0, 0, 0])

beforeAll(async () => {
  fs.mkdirSync(path.join(root, CID, 'sub'), { recursive: true })
  fs.writeFileSync(path.join(root, CID, 'image.svg'), SVG)
  fs.writeFileSync(path.join(root, CID, 'model.glb'), GLB)
  fs.writeFileSync(path.join(root, CID, 'sub', 'meta.json'), '{"name":"x"}')
  fs.writeFileSync(path.join(root, CID, 'blob'), 'plain bytes')
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET)
  fs.mkdirSync(path.join(outside, 'ipfs-sibling', CID), { recursive: true })
  fs.writeFileSync(path.join(outside, 'ipfs-sibling', CID, 'secret.txt'), SECRET)
  server = http.createServer(ipfsGateway(root))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})
afterAll(() => {
  server.close()
  fs.rmSync(outside, { recursive: true, force: true })
})

describe('ipfsGateway', () => {
  it('never serves a file outside its root, whatever the request target holds', async () => {
    // Sent as raw bytes (http.get would normalise the dot segments). Each probe expects a status,
    // or the in-root body a 200 must carry.
    const probes: [string, number | string][] = [
      // Dot segments, plain, encoded and mixed case: folded by the URL parser, never past /ipfs/.
      ['/ipfs/../secret.txt', 404],
      [`/ipfs/${CID}/../../secret.txt`, 404],
      [`/ipfs/${CID}/../../ipfs-sibling/${CID}/secret.txt`, 404],
      ['/ipfs/%2e%2e/secret.txt', 404],
      [`/ipfs/${CID}/%2E%2e/.%2E/secret.txt`, 404],
      [`/ipfs/../ipfs-sibling/${CID}/secret.txt`, 404],
      ['/ipfs/.../secret.txt', 404],
      // Encoded slashes and backslashes: names are never decoded, '%' is no name character.
      [`/ipfs/${CID}/..%2f..%2fsecret.txt`, 404],
      ['/ipfs/%2e%2e%2fsecret.txt/x', 404],
      [`/ipfs/%2E%2E%2Fipfs-sibling%2F${CID}/secret.txt`, 404],
      [`/ipfs/${CID}/..\\..\\secret.txt`, 404],
      [`/ipfs/${CID}/..%5c..%5csecret.txt`, 404],
      // Double-encoded and NUL.
      ['/ipfs/%252e%252e/secret.txt', 404],
      [`/ipfs/${CID}/%252e%252e%252f%252e%252e%252fsecret.txt`, 404],
      [`/ipfs/${CID}/image.svg%00`, 404],
      [`/ipfs/${CID}/%00/secret.txt`, 404],
      // Overlong UTF-8 and broken percent-encoding.
      ['/ipfs/%c0%ae%c0%ae/secret.txt', 400],
      [`/ipfs/${CID}/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt`, 400],
      ['/ipfs/\xc0\xae\xc0\xae/secret.txt', 400],
      [`/ipfs/${CID}/%E0%A4%A`, 400],
      // The route is /ipfs/ exactly.
      [`/IPFS/${CID}/image.svg`, 404],
      [`/ipfs-sibling/${CID}/secret.txt`, 404],
      [`/x/${CID}/image.svg`, 404],
      [`/ipfs/../x/${CID}/image.svg`, 404],
      [`/ipfs/${CID.toUpperCase()}/image.svg`, 404],
      [`/ipfs/${CID}`, 404],
      [`/ipfs/${CID}/`, 404],
      [`/ipfs/${CID}/sub`, 404],
      // Absolute-form targets, a bad host or port among them.
      ['http://127.0.0.1/ipfs/../secret.txt', 404],
      [`http://127.0.0.1/ipfs/${CID}/..%2f..%2fsecret.txt`, 404],
      [`http://evil.example:99999/ipfs/${CID}/image.svg`, 400],
      [`http://[::1/ipfs/${CID}/image.svg`, 400],
      [`file://${path.join(outside, 'secret.txt')}`, 404],
      ['*', 404],
      // Paths that really do resolve inside the root serve the file they name.
      [`/ipfs/${CID}/../${CID}/image.svg`, SVG],
      [`/ipfs/./${CID}/%2e/image.svg`, SVG],
      [`http://127.0.0.1/ipfs/${CID}/sub/meta.json`, '{"name":"x"}'],
    ]
    await expectProbes(port, probes, SECRET)
    // docs/api.md: broken percent-encoding gets a plain-text 400.
    const broken = await rawRequest(port, `/ipfs/${CID}/%E0%A4%A`)
    expect([broken.status, broken.headers['content-type']]).toEqual([400, 'text/plain'])
    // And the gateway still serves everyone else.
    const after = await rawRequest(port, `/ipfs/${CID}/model.glb`)
    expect(after.status).toBe(200)
    expect(after.body.equals(GLB)).toBe(true)
  }, 120_000)

  it('serves content-addressed files immutable, typed, unsniffed, scriptless and to any origin', async () => {
    const svg = await rawRequest(port, `/ipfs/${CID}/image.svg`)
    expect(svg.status).toBe(200)
    expect(svg.headers['content-type']).toBe('image/svg+xml')
    expect(svg.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(svg.headers['x-content-type-options']).toBe('nosniff')
    // Opened directly, the SVG's own script must not run.
    const csp = svg.headers['content-security-policy'] ?? ''
    expect(csp).toMatch(/(^|;\s*)default-src 'none'(;|$)/)
    expect(csp).toMatch(/(^|;\s*)sandbox(;|$)/)
    expect(csp).not.toMatch(/script-src|allow-scripts/)
    expect(svg.headers['access-control-allow-origin']).toBe('*')

    const glb = await rawRequest(port, `/ipfs/${CID}/model.glb`, { method: 'HEAD' })
    expect(glb.headers['content-type']).toBe('model/gltf-binary')
    expect(glb.headers['content-length']).toBe(String(GLB.length))
    expect(glb.body.length).toBe(0)
    const json = await rawRequest(port, `/ipfs/${CID}/sub/meta.json`)
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8')
    // Unknown types are never guessed from the bytes.
    const blob = await rawRequest(port, `/ipfs/${CID}/blob`)
    expect(blob.headers['content-type']).toBe('application/octet-stream')
    expect(blob.headers['x-content-type-options']).toBe('nosniff')
  })

  it('reads only: other methods answer 405 and name GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const r = await rawRequest(port, `/ipfs/${CID}/image.svg`, {
        method,
        headers: { 'content-length': '0' },
      })
      expect(r.status, method).toBe(405)
      expect(r.headers.allow, method).toBe('GET, HEAD')
    }
    expect(fs.readFileSync(path.join(root, CID, 'image.svg'), 'utf8')).toBe(SVG)
  })
})
