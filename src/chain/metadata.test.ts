// Hostile metadata: every way a token's metadata could try to hurt the server or the page.
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  IMAGE_DATA_URL_MAX,
  MODEL_DATA_URL_MAX,
  fetchMetadata,
  resolveUri,
  sanitizeMetadata,
  substituteId,
  uriUnderBase,
} from './metadata'

const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi'
// A local chain's rules (loopback allowed); PUBLIC is every other chain's.
const GATEWAYS = {
  ipfsGateways: ['https://ipfs.io/ipfs/', 'http://127.0.0.1:2567/ipfs/'],
  local: true,
}
const PUBLIC = { ...GATEWAYS, local: false }
const DOC = JSON.stringify({
  name: 'Pixel #1',
  description: 'A pixel',
  image: `ipfs://${CID}/1.png`,
})

// ---- a local server with one route per hostile behaviour ----------------------------------

let base = ''
let server: http.Server
const huge = { written: 0, closedEarly: false }
const TEN_MB = 10 * 1024 * 1024

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '/'
    if (path === '/ok.json' || path === `/ipfs/${CID}/1.json`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(DOC)
    } else if (path === '/huge') {
      // 10 MB of JSON-ish bytes, chunked, no content-length, written as fast as it drains.
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(16 * 1024, 0x20)
      res.on('close', () => {
        if (huge.written < TEN_MB) huge.closedEarly = true
      })
      const pump = () => {
        while (huge.written < TEN_MB && !res.destroyed) {
          huge.written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', pump)
        }
        if (!res.destroyed) res.end()
      }
      pump()
    } else if (path === '/declared-huge') {
      res.writeHead(200, { 'content-length': String(TEN_MB) })
      res.write('{')
    } else if (path === '/slow') {
      // Headers never come.
    } else if (path === '/stall-body') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"name":')
    } else if (path === '/invalid') {
      res.writeHead(200).end('{"name": "x",')
    } else if (path === '/array') {
      res.writeHead(200).end('[{"name":"x"}]')
    } else if (path === '/not-utf8') {
      res.writeHead(200).end(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))
    } else if (path === '/missing') {
      res.writeHead(404).end('not found')
    } else if (path === '/redirect-ok') {
      res.writeHead(302, { location: '/ok.json' }).end()
    } else if (path === '/redirect-out') {
      res.writeHead(302, { location: 'http://example.com/evil.json' }).end()
    } else if (path === '/redirect-loop') {
      res.writeHead(302, { location: '/redirect-loop' }).end()
    } else {
      res.writeHead(500).end()
    }
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((ok) => server.close(ok))
})

/** A closed port: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const s = http.createServer()
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok))
  const port = (s.address() as AddressInfo).port
  await new Promise((ok) => s.close(ok))
  return port
}

const local = { ipfsGateways: [] as string[], local: true }

// ---- ERC-1155 {id} -----------------------------------------------------------------------

describe('substituteId', () => {
  it('writes the id as 64 lowercase hex digits without 0x, everywhere', () => {
    expect(substituteId('ipfs://x/{id}.json', '1')).toBe(`ipfs://x/${'0'.repeat(63)}1.json`)
    expect(substituteId('https://a/{id}/{id}', '255')).toBe(
      `https://a/${'0'.repeat(62)}ff/${'0'.repeat(62)}ff`,
    )
    const max = ((1n << 256n) - 1n).toString()
    expect(substituteId('{id}', max)).toBe('f'.repeat(64))
    expect(substituteId('https://a/1.json', '5')).toBe('https://a/1.json')
  })

  it('refuses ids that are not decimal uint256', () => {
    expect(() => substituteId('{id}', '0x1')).toThrow(RangeError)
    expect(() => substituteId('{id}', '-1')).toThrow(RangeError)
    expect(() => substituteId('{id}', (1n << 256n).toString())).toThrow(RangeError)
  })
})

// ---- URI rules ---------------------------------------------------------------------------

describe('resolveUri', () => {
  it('keeps https and rewrites ipfs through every gateway in order', () => {
    expect(resolveUri('https://meta.example.com/1.json', GATEWAYS)).toEqual([
      'https://meta.example.com/1.json',
    ])
    const expected = [
      `https://ipfs.io/ipfs/${CID}/meta/1.json`,
      `http://127.0.0.1:2567/ipfs/${CID}/meta/1.json`,
    ]
    expect(resolveUri(`ipfs://${CID}/meta/1.json`, GATEWAYS)).toEqual(expected)
    expect(resolveUri(`ipfs://ipfs/${CID}/meta/1.json`, GATEWAYS)).toEqual(expected)
    expect(resolveUri(`IPFS://${CID}`, GATEWAYS)).toEqual([
      `https://ipfs.io/ipfs/${CID}`,
      `http://127.0.0.1:2567/ipfs/${CID}`,
    ])
  })

  it('returns a data: URI as itself (decoded later, never fetched)', () => {
    expect(resolveUri('data:application/json,{}', GATEWAYS)).toEqual(['data:application/json,{}'])
  })

  it('allows plain http to loopback only', () => {
    for (const host of ['127.0.0.1:8080', 'localhost', '[::1]:2567']) {
      expect(resolveUri(`http://${host}/a.json`, GATEWAYS)).toHaveLength(1)
    }
    for (const host of ['example.com', '10.0.0.1', '127.0.0.2', 'localhost.evil.com']) {
      expect(resolveUri(`http://${host}/a.json`, GATEWAYS)).toEqual([])
    }
  })

  it('refuses loopback and private hosts unless the chain is local', () => {
    for (const uri of [
      'http://127.0.0.1:8080/a.json',
      'https://127.0.0.1/a.json',
      'https://127.1.2.3/a.json',
      'https://localhost/a.json',
      'https://a.localhost/a.json',
      'https://[::1]/a.json',
      'https://[::ffff:127.0.0.1]/a.json',
      'https://0.0.0.0/a.json',
      'https://2130706433/a.json',
      'https://10.0.0.1/a.json',
      'https://100.64.0.1/a.json',
      'https://[fd00::1]/a.json',
    ]) {
      expect(resolveUri(uri, PUBLIC), uri).toEqual([])
    }
    expect(resolveUri('http://127.0.0.1:8080/a.json', GATEWAYS)).toHaveLength(1)
    expect(resolveUri('https://10.0.0.1/a.json', GATEWAYS)).toHaveLength(1)
    // Images and models follow the same rule: a visitor's browser is not sent to loopback.
    const doc = { image: 'http://127.0.0.1:2567/1.png', animation_url: 'https://[::1]/m.glb' }
    expect(sanitizeMetadata(doc, PUBLIC)).toMatchObject({ image: null, model: null })
  })

  it('refuses other schemes and tricks', () => {
    for (const uri of [
      'javascript:alert(1)',
      'java\tscript:alert(1)',
      'file:///etc/passwd',
      'blob:https://a.example/uuid',
      'ftp://example.com/a.json',
      'about:blank',
      '/relative/path.json',
      'https://user:pw@example.com/a.json',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.1.2.3/a.json',
      'https://[fd00::1]/a.json',
      'https://[::ffff:192.168.0.1]/a.json',
      'https://exa mple.com/a.json',
      `ipfs://${CID}/../${CID}x/1.json`,
      `ipfs://${CID}/%2e%2E/other/1.json`,
      `ipfs://${CID}\\..\\x`,
      'ipfs://not-a-cid!/1.json',
      'ipfs:bafy/1.json',
    ]) {
      expect(resolveUri(uri, PUBLIC), uri).toEqual([])
    }
    expect(resolveUri(`ipfs://${CID}/1.json`, { ipfsGateways: [] })).toEqual([])
  })

  it('rejects a misconfigured gateway loudly', () => {
    expect(() => resolveUri(`ipfs://${CID}`, { ipfsGateways: ['https://ipfs.io/ipfs'] })).toThrow(
      /must be an http\(s\) URL ending with "\/"/,
    )
  })
})

describe('uriUnderBase', () => {
  it('compares in fetch form', () => {
    expect(uriUnderBase(`ipfs://${CID}/1.json`, `ipfs://${CID}/`)).toBe(true)
    expect(uriUnderBase(`ipfs://ipfs/${CID}/1.json`, `ipfs://${CID}/`)).toBe(true)
    expect(uriUnderBase(`ipfs://${CID}x/1.json`, `ipfs://${CID}/`)).toBe(false)
    expect(uriUnderBase(`ipfs://${CID}/../x/1.json`, `ipfs://${CID}/`)).toBe(false)
    expect(uriUnderBase('https://a.example/meta/1', 'https://a.example/meta/')).toBe(true)
    expect(uriUnderBase('https://a.example/meta/../x/1', 'https://a.example/meta/')).toBe(false)
    expect(uriUnderBase('https://a.example/meta/%2e%2e/x/1', 'https://a.example/meta/')).toBe(false)
    expect(uriUnderBase('https://a.example.evil.org/1', 'https://a.example/')).toBe(false)
    expect(uriUnderBase('data:application/json,{}', 'https://a.example/')).toBe(false)
  })
})

// ---- fetching ----------------------------------------------------------------------------

describe('fetchMetadata', () => {
  it('reads a document and hashes the raw bytes', async () => {
    const got = await fetchMetadata(`${base}/ok.json`, local)
    expect(got.ok).toBe(true)
    if (!got.ok) return
    expect(got.json).toEqual(JSON.parse(DOC))
    expect(new TextDecoder().decode(got.bytes)).toBe(DOC)
    expect(got.sha256).toBe(createHash('sha256').update(DOC).digest('hex'))
    expect(got.url).toBe(`${base}/ok.json`)
  })

  it('stops reading a 10 MB body right after maxBytes', async () => {
    let delivered = 0
    const counting: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          delivered += chunk.byteLength
          ctl.enqueue(chunk)
        },
      })
      return new Response(res.body!.pipeThrough(counter), res)
    }
    const got = await fetchMetadata(`${base}/huge`, { ...local, fetch: counting })
    expect(got).toMatchObject({ ok: false, reason: 'metadata_invalid' })
    expect(!got.ok && got.detail).toMatch(/larger than 262144 bytes/)
    // What the code pulled through the stream: the limit plus at most one chunk.
    expect(delivered).toBeLessThanOrEqual(256 * 1024 + 64 * 1024)
    // The server saw the connection go away long before it had sent everything.
    await expect.poll(() => huge.closedEarly, { timeout: 2000 }).toBe(true)
    expect(huge.written).toBeLessThan(TEN_MB)
  })

  it('refuses a declared oversize body without reading it', async () => {
    const got = await fetchMetadata(`${base}/declared-huge`, local)
    expect(got).toMatchObject({ ok: false, reason: 'metadata_invalid' })
  })

  it('gives up on a slow server after timeoutMs', async () => {
    for (const path of ['/slow', '/stall-body']) {
      const got = await fetchMetadata(`${base}${path}`, { ...local, timeoutMs: 300 })
      expect(got).toMatchObject({ ok: false, reason: 'metadata_unavailable' })
      expect(!got.ok && got.detail).toMatch(/no answer in 300 ms/)
    }
  })

  it('calls invalid JSON, arrays and non-UTF-8 metadata_invalid', async () => {
    for (const [path, detail] of [
      ['/invalid', /not JSON/],
      ['/array', /not a JSON object/],
      ['/not-utf8', /not UTF-8/],
    ] as const) {
      const got = await fetchMetadata(`${base}${path}`, local)
      expect(got).toMatchObject({ ok: false, reason: 'metadata_invalid' })
      expect(!got.ok && got.detail).toMatch(detail)
    }
  })

  it('calls an error status metadata_unavailable', async () => {
    const got = await fetchMetadata(`${base}/missing`, local)
    expect(got).toMatchObject({ ok: false, reason: 'metadata_unavailable' })
    expect(!got.ok && got.detail).toMatch(/HTTP 404/)
  })

  it('falls back to the next IPFS gateway when the first is down', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/ipfs/`
    const got = await fetchMetadata(`ipfs://${CID}/1.json`, {
      ipfsGateways: [down, `${base}/ipfs/`],
    })
    expect(got.ok).toBe(true)
    expect(got.ok && got.url).toBe(`${base}/ipfs/${CID}/1.json`)
    const none = await fetchMetadata(`ipfs://${CID}/1.json`, { ipfsGateways: [down, down] })
    expect(none).toMatchObject({ ok: false, reason: 'metadata_unavailable' })
  })

  it('refuses non-loopback http and other schemes without fetching', async () => {
    let calls = 0
    const spy: typeof fetch = async () => {
      calls++
      return new Response('{}')
    }
    for (const uri of ['http://example.com/1.json', 'javascript:alert(1)', 'file:///etc/passwd']) {
      const got = await fetchMetadata(uri, { ...local, fetch: spy })
      expect(got).toMatchObject({ ok: false, reason: 'metadata_invalid' })
      expect(!got.ok && got.detail).toMatch(/^URI refused/)
    }
    expect(calls).toBe(0)
  })

  it('follows redirects only to allowed URLs', async () => {
    expect((await fetchMetadata(`${base}/redirect-ok`, local)).ok).toBe(true)
    const out = await fetchMetadata(`${base}/redirect-out`, local)
    expect(out).toMatchObject({ ok: false, reason: 'metadata_unavailable' })
    expect(!out.ok && out.detail).toMatch(/redirect refused/)
    const loop = await fetchMetadata(`${base}/redirect-loop`, local)
    expect(loop).toMatchObject({ ok: false, reason: 'metadata_unavailable' })
  })

  it('decodes data: URIs of type application/json', async () => {
    const b64 = Buffer.from(DOC).toString('base64')
    for (const uri of [
      `data:application/json;base64,${b64}`,
      `data:application/json;charset=utf-8;base64,${b64}`,
      `data:application/json,${encodeURIComponent(DOC)}`,
      `data:application/json;utf8,${DOC}`,
    ]) {
      const got = await fetchMetadata(uri, local)
      expect(got.ok, uri).toBe(true)
      expect(got.ok && got.sha256).toBe(createHash('sha256').update(DOC).digest('hex'))
    }
    const percent = await fetchMetadata('data:application/json,{"name":"50% off 中"}', local)
    expect(percent.ok && percent.json).toEqual({ name: '50% off 中' })
  })

  it('refuses data: URIs of other types, bad base64 and oversize ones', async () => {
    for (const uri of [
      'data:text/plain,{}',
      'data:,{}',
      'data:text/html,<script>alert(1)</script>',
      'data:application/json;base64,@@@@',
      'data:application/json;charset=utf-16,{}',
      `data:application/json,${' '.repeat(300 * 1024)}{}`,
    ]) {
      const got = await fetchMetadata(uri, local)
      expect(got, uri.slice(0, 60)).toMatchObject({ ok: false, reason: 'metadata_invalid' })
    }
  })
})

// ---- sanitising --------------------------------------------------------------------------

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)
const EVIL_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script><rect width="1" height="1"/></svg>'

describe('sanitizeMetadata', () => {
  const clean = (doc: unknown) => sanitizeMetadata(doc, GATEWAYS)

  it('keeps names with HTML tags as literal text', () => {
    const name = '<img src=x onerror=alert(1)><b>Pixel</b>'
    expect(clean({ name }).name).toBe(name)
    expect(clean({ description: '<script>alert(1)</script>' }).description).toBe(
      '<script>alert(1)</script>',
    )
  })

  // Invisible format characters go without a trace (what a reader sees), controls become spaces.
  it('strips bidi overrides, zero-width and control characters', () => {
    expect(clean({ name: 'invoice\u202Efdp.exe' }).name).toBe('invoicefdp.exe')
    expect(clean({ name: 'a\u200Bb\u0000c\u2066d' }).name).toBe('ab cd')
    expect(clean({ description: 'line 1\r\n\u202Bline 2\n\n\n\nend\u0007' }).description).toBe(
      'line 1\nline 2\n\nend',
    )
  })

  it('caps lengths and takes strings only', () => {
    expect([...clean({ name: '名'.repeat(500) }).name]).toHaveLength(120)
    expect([...clean({ description: 'x'.repeat(5000) }).description]).toHaveLength(2000)
    expect(clean({ name: 42, description: { html: '<b>' } })).toEqual({
      name: '',
      description: '',
      image: null,
      model: null,
      avatar: false,
    })
    const empty = { name: '', description: '', image: null, model: null, avatar: false }
    expect(clean(null)).toEqual(empty)
    expect(clean(['x'])).toEqual(empty)
  })

  it('accepts https, loopback http and ipfs images', () => {
    expect(clean({ image: 'https://cdn.example.com/1.png' }).image).toBe(
      'https://cdn.example.com/1.png',
    )
    expect(clean({ image: 'http://127.0.0.1:2567/ipfs/x/1.png' }).image).toBe(
      'http://127.0.0.1:2567/ipfs/x/1.png',
    )
    expect(clean({ image: `ipfs://${CID}/1.png` }).image).toBe(`https://ipfs.io/ipfs/${CID}/1.png`)
  })

  it('drops javascript:, data:text/html and other unsafe images', () => {
    for (const image of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/svg+xml;charset=utf-8,<html><script>alert(1)</script></html>',
      `data:image/png;base64,${Buffer.from('<html>').toString('base64')}`,
      'http://example.com/1.png',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      42,
    ]) {
      expect(clean({ image }).image, String(image)).toBeNull()
    }
  })

  it('passes SVG with <script> only as a data:image/svg+xml base64 URL, never as markup', () => {
    const plain = clean({ image: `data:image/svg+xml,${EVIL_SVG}` }).image!
    const encoded = clean({
      image: `data:image/svg+xml;utf8,${encodeURIComponent(EVIL_SVG)}`,
    }).image!
    const b64 = clean({
      image: `data:image/svg+xml;base64,${Buffer.from(EVIL_SVG).toString('base64')}`,
    }).image!
    const fromImageData = clean({ image_data: EVIL_SVG }).image!
    for (const url of [plain, encoded, b64, fromImageData]) {
      expect(url).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/]+=*$/)
      expect(url).not.toContain('<')
      expect(Buffer.from(url.split(',')[1]!, 'base64').toString()).toBe(EVIL_SVG)
    }
    expect(clean({ image_data: '<html><script>alert(1)</script></html>' }).image).toBeNull()
  })

  it('accepts raster data images that are what they say', () => {
    const png = `data:image/png;base64,${PNG.toString('base64')}`
    expect(clean({ image: png }).image).toBe(png)
    expect(clean({ image: `data:image/jpeg;base64,${PNG.toString('base64')}` }).image).toBeNull()
  })

  it('caps data images', () => {
    const big = Buffer.concat([PNG, Buffer.alloc(IMAGE_DATA_URL_MAX)])
    expect(clean({ image: `data:image/png;base64,${big.toString('base64')}` }).image).toBeNull()
    const svg = `<svg>${' '.repeat(IMAGE_DATA_URL_MAX)}</svg>`
    expect(clean({ image_data: svg }).image).toBeNull()
  })

  it('prefers image, then image_url, then image_data', () => {
    expect(
      clean({ image: 'javascript:x', image_url: 'https://a.example/2.png', image_data: EVIL_SVG })
        .image,
    ).toBe('https://a.example/2.png')
    expect(clean({ image: 'https://a.example/1.png', image_url: 'https://b/2.png' }).image).toBe(
      'https://a.example/1.png',
    )
    expect(clean({ image: 'javascript:x', image_data: EVIL_SVG }).image).toMatch(/^data:image\/svg/)
  })

  // No clock here: a quadratic scan of 100,000 characters would not finish within the test's
  // timeout, so finishing at all is the proof.
  it('sniffs SVG in linear time on hostile input', () => {
    clean({ image_data: '<!---->'.repeat(50_000) + '<html>' })
    clean({ image_data: `<!DOCTYPE svg [${']'.repeat(100_000)}` })
    clean({ image_data: `<?xml ${'?'.repeat(100_000)}` })
  })
})

// ---- 3D models ----------------------------------------------------------------------------

/** The smallest GLB container: header and one JSON chunk (padded with spaces). */
function glb(doc: unknown = { asset: { version: '2.0' } }, extra = 0): Buffer {
  let json = JSON.stringify(doc)
  json += ' '.repeat(((4 - (json.length % 4)) % 4) + extra * 4)
  const out = Buffer.alloc(12 + 8 + json.length)
  out.writeUInt32LE(0x46546c67, 0)
  out.writeUInt32LE(2, 4)
  out.writeUInt32LE(out.length, 8)
  out.writeUInt32LE(json.length, 12)
  out.writeUInt32LE(0x4e4f534a, 16)
  out.write(json, 20, 'latin1')
  return out
}

describe('sanitizeMetadata: 3D models', () => {
  const clean = (doc: unknown) => sanitizeMetadata(doc, GATEWAYS).model

  it('takes a .glb or .gltf animation_url over https, loopback http and ipfs', () => {
    expect(clean({ animation_url: 'https://cdn.example.com/a/lantern.glb' })).toBe(
      'https://cdn.example.com/a/lantern.glb',
    )
    expect(clean({ animation_url: 'https://cdn.example.com/scene.GLTF?v=2' })).toBe(
      'https://cdn.example.com/scene.GLTF?v=2',
    )
    expect(clean({ animation_url: 'http://127.0.0.1:2567/ipfs/x/m.glb' })).toBe(
      'http://127.0.0.1:2567/ipfs/x/m.glb',
    )
    expect(clean({ animation_url: `ipfs://${CID}/m.glb` })).toBe(
      `https://ipfs.io/ipfs/${CID}/m.glb`,
    )
  })

  it('takes a model whose glTF media type is declared in properties.files', () => {
    const uri = `ipfs://${CID}/model`
    expect(clean({ animation_url: uri })).toBeNull()
    expect(
      clean({ animation_url: uri, properties: { files: [{ uri, type: 'model/gltf-binary' }] } }),
    ).toBe(`https://ipfs.io/ipfs/${CID}/model`)
    expect(
      clean({
        properties: {
          files: [
            { uri: 'https://a.example/v.mp4', type: 'video/mp4' },
            { uri: 'https://a.example/m', type: 'Model/GLTF+JSON' },
          ],
        },
      }),
    ).toBe('https://a.example/m')
    // A declared type does not make an unsafe URL safe.
    expect(
      clean({ properties: { files: [{ uri: 'javascript:alert(1)', type: 'model/gltf-binary' }] } }),
    ).toBeNull()
  })

  it('marks a .vrm model as a wearable avatar, by animation_url or a declared file', () => {
    const wear = (doc: unknown) => sanitizeMetadata(doc, GATEWAYS)
    expect(wear({ animation_url: `ipfs://${CID}/keeper.vrm` })).toMatchObject({
      model: `https://ipfs.io/ipfs/${CID}/keeper.vrm`,
      avatar: true,
    })
    expect(
      wear({
        animation_url: 'https://a.example/clip.mp4',
        properties: { files: [{ uri: 'https://a.example/Keeper.VRM', type: 'model/gltf-binary' }] },
      }),
    ).toMatchObject({ model: 'https://a.example/Keeper.VRM', avatar: true })
    // A GLB is a model, not an avatar; neither is a VRM hidden in a query or a fragment, nor a
    // data: URL (it is worn only from a URL the server fetches and checks).
    for (const animation_url of [
      'https://a.example/m.glb',
      'https://a.example/m.glb?as=.vrm',
      'https://a.example/m.glb#x.vrm',
    ]) {
      expect(wear({ animation_url }).avatar, animation_url).toBe(false)
    }
    const bin = glb({ asset: { version: '2.0' }, extensionsUsed: ['VRMC_vrm'] })
    expect(
      wear({ animation_url: `data:model/gltf-binary;base64,${bin.toString('base64')}` }),
    ).toMatchObject({ model: expect.stringMatching(/^data:model/), avatar: false })
    // Unsafe URLs stay refused whatever their extension.
    for (const animation_url of ['javascript:alert(1)//.vrm', 'https://10.0.0.1/a.vrm']) {
      expect(sanitizeMetadata({ animation_url }, PUBLIC)).toMatchObject({
        model: null,
        avatar: false,
      })
    }
  })

  it('refuses scripts, other schemes and addresses, and media that is not a model', () => {
    for (const animation_url of [
      'javascript:alert(1)//.glb',
      'JAVASCRIPT:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:text/html,<script>alert(1)</script>.glb',
      'vbscript:x.glb',
      'file:///etc/m.glb',
      'blob:https://a.example/m.glb',
      'http://example.com/m.glb',
      'https://10.0.0.1/m.glb',
      'https://169.254.169.254/latest/m.glb',
      'https://user:pw@a.example/m.glb',
      'https://a.exa\tmple.com/m.glb',
      'https://a.example/video.mp4',
      'https://a.example/page.html',
      'https://a.example/m.glb.html',
      'https://a.example/m.html#.glb',
      `ipfs://${CID}/../m.glb`,
      'data:image/png;base64,iVBORw0KGgo=',
      42,
      { url: 'https://a.example/m.glb' },
    ]) {
      expect(sanitizeMetadata({ animation_url }, PUBLIC).model, String(animation_url)).toBeNull()
    }
    // A declared type that is not a glTF type: still only by extension.
    expect(
      clean({
        animation_url: 'https://a.example/x',
        properties: { files: [{ uri: 'https://a.example/x', type: 'text/html' }] },
      }),
    ).toBeNull()
  })

  it('takes data: models only when the bytes are glTF 2.0, re-encoded as base64', () => {
    const bin = glb()
    const b64 = `data:model/gltf-binary;base64,${bin.toString('base64')}`
    expect(clean({ animation_url: b64 })).toBe(b64)
    const json = JSON.stringify({ asset: { version: '2.0' } })
    expect(clean({ animation_url: `data:model/gltf+json,${encodeURIComponent(json)}` })).toBe(
      `data:model/gltf+json;base64,${Buffer.from(json).toString('base64')}`,
    )
    const notGlb = Buffer.from('<html><script>alert(1)</script></html>')
    const glTF1 = Buffer.from(bin)
    glTF1.writeUInt32LE(1, 4)
    const badLength = Buffer.concat([bin, Buffer.alloc(4)])
    for (const animation_url of [
      `data:model/gltf-binary;base64,${notGlb.toString('base64')}`,
      `data:model/gltf-binary;base64,${glTF1.toString('base64')}`,
      `data:model/gltf-binary;base64,${badLength.toString('base64')}`,
      `data:model/gltf+json,${encodeURIComponent(JSON.stringify({ asset: { version: '1.0' } }))}`,
      'data:model/gltf+json,<script>alert(1)</script>',
      `data:application/octet-stream;base64,${bin.toString('base64')}`,
      `data:text/html;base64,${bin.toString('base64')}`,
      `data:model/gltf-binary;base64,${bin.toString('base64').slice(0, -3)}!`,
    ]) {
      expect(clean({ animation_url }), animation_url.slice(0, 60)).toBeNull()
    }
  })

  it('caps data: models', () => {
    const big = glb(undefined, MODEL_DATA_URL_MAX / 4)
    expect(
      clean({ animation_url: `data:model/gltf-binary;base64,${big.toString('base64')}` }),
    ).toBeNull()
    // Far past the cap: refused before decoding.
    expect(
      clean({
        animation_url: `data:model/gltf-binary;base64,${'A'.repeat(20 * MODEL_DATA_URL_MAX)}`,
      }),
    ).toBeNull()
    const fits = glb(undefined, 1000)
    expect(
      clean({ animation_url: `data:model/gltf-binary;base64,${fits.toString('base64')}` }),
    ).toMatch(/^data:model\/gltf-binary;base64,/)
  })

  it('leaves the image alone and reads no more than a few declared files', () => {
    const doc = {
      image: 'https://a.example/1.png',
      animation_url: 'https://a.example/m.glb',
    }
    expect(sanitizeMetadata(doc, GATEWAYS)).toMatchObject({
      image: 'https://a.example/1.png',
      model: 'https://a.example/m.glb',
    })
    const files = Array.from({ length: 1000 }, (_, i) => ({ uri: `https://a.example/${i}.mp4` }))
    files.push({ uri: 'https://a.example/late.glb', type: 'model/gltf-binary' } as never)
    expect(clean({ properties: { files } })).toBeNull()
    expect(clean({ properties: { files: 'x' } })).toBeNull()
    expect(clean({ properties: [] })).toBeNull()
  })
})
