// The avatar routes against a whole server over real HTTP (PGlite, sign-in without a chain):
// uploads checked, stored by hash and served back byte for byte; refusals with their reasons
// and nothing stored; no upload without a session; an over-size body refused before it is read;
// the per-wallet quota; unknown and malformed ids.
import { createHash } from 'node:crypto'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../app'
import { signIn } from '../events/testKit'
import { startEventsServer, stopEventsServer } from '../events/testServer'
import { VRM_MAX_BYTES, VRM_MAX_IMAGE_SIDE } from '../../src/avatar/vrmCheck'
import { vrmFixture } from '../../src/avatar/vrmFixture'
import { loadVrm, uploadVrm } from '../../src/avatar/vrm'
import { MAX_AVATARS_PER_ADDRESS } from './store'

let tmp: string
let server: RunningServer
const tokens: string[] = []

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('avatars', { TRUST_PROXY: '1' }))
  for (const i of [1, 2, 3]) tokens[i] = await signIn(server.url, i)
}, 60_000)

afterAll(() => stopEventsServer(server, tmp))

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

/** Each test uploads from its own client address: the upload limit counts per address. */
let nextAddress = 1
function upload(bytes: Uint8Array, token?: string, from = `203.0.113.${nextAddress}`) {
  return fetch(new URL('/api/avatars/vrm', server.url), {
    method: 'POST',
    headers: {
      'content-type': 'model/gltf-binary',
      'x-forwarded-for': from,
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: new Uint8Array(bytes),
  })
}
const get = (id: string) => fetch(new URL(`/api/avatars/vrm/${id}`, server.url))

/** One raw request whose body may be cut short; resolves with the answer's head and body. */
function raw(head: string, body: Uint8Array): Promise<string> {
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      socket.write(head)
      socket.write(body)
    })
    const chunks: Buffer[] = []
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.once('error', reject)
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    setTimeout(() => {
      socket.destroy()
      reject(new Error('no answer within 10 s'))
    }, 10_000).unref()
  })
}

describe('avatar files over HTTP', () => {
  it('stores a checked upload by its SHA-256 and serves it back byte for byte', async () => {
    nextAddress++
    for (const version of ['1.0', '0.x'] as const) {
      const bytes = vrmFixture({ version, name: `http ${version}` })
      const res = await upload(bytes, tokens[1])
      const body = (await res.json()) as Record<string, unknown>
      expect(res.status, JSON.stringify(body)).toBe(201)
      expect(body).toMatchObject({ id: sha(bytes), version, name: `http ${version}` })
      expect(res.headers.get('location')).toBe(`/api/avatars/vrm/${sha(bytes)}`)
      const back = await get(sha(bytes))
      expect(back.status).toBe(200)
      expect(back.headers.get('content-type')).toBe('model/gltf-binary')
      expect(back.headers.get('x-content-type-options')).toBe('nosniff')
      expect(back.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(Buffer.from(await back.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
      const again = await fetch(new URL(`/api/avatars/vrm/${sha(bytes)}`, server.url), {
        headers: { 'if-none-match': `"${sha(bytes)}"` },
      })
      expect(again.status).toBe(304)
    }
  })

  it('refuses files the check refuses, with the reason, and stores nothing', async () => {
    nextAddress++
    const fixture = vrmFixture({ name: 'refused' })
    const noFoot = Buffer.from(fixture)
      .toString('latin1')
      .replace('"leftFoot":{"node":', '"leftFeet":{"node":')
    const bigImage = new Uint8Array(33)
    bigImage.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82])
    new DataView(bigImage.buffer).setUint32(16, VRM_MAX_IMAGE_SIDE * 2)
    new DataView(bigImage.buffer).setUint32(20, 16)
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('hello'), /binary glTF/],
      [new Uint8Array(Buffer.from(noFoot, 'latin1')), /no leftFoot bone/],
      [vrmFixture({ images: [{ mimeType: 'image/png', bytes: bigImage }] }), /4096×16/],
      [fixture.subarray(0, 1000), /GLB length mismatch/],
    ]
    for (const [bytes, reason] of cases) {
      const res = await upload(bytes, tokens[1])
      const body = (await res.json()) as Record<string, unknown>
      expect(res.status).toBe(400)
      expect(body.error).toBe('bad_vrm')
      expect(body.message).toMatch(reason)
      expect((await get(sha(bytes))).status).toBe(404)
    }
  })

  it('takes uploads only from a live sign-in session', async () => {
    nextAddress++
    const bytes = vrmFixture({ name: 'unsigned' })
    for (const token of [undefined, 'not-a-session-token']) {
      const res = await upload(bytes, token)
      expect(res.status).toBe(401)
      expect(((await res.json()) as Record<string, unknown>).error).toBe('no_session')
    }
    expect((await get(sha(bytes))).status).toBe(404)
  })

  it('refuses an over-size body before reading it', async () => {
    nextAddress++
    const head = (length: string) =>
      `POST /api/avatars/vrm HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tokens[1]}\r\n` +
      `X-Forwarded-For: 203.0.113.${nextAddress}\r\n${length}\r\n`
    // Content-Length over the cap and a few bytes sent: the answer comes without the rest.
    const declared = await raw(head(`Content-Length: ${VRM_MAX_BYTES + 1}\r\n`), new Uint8Array(64))
    expect(declared).toMatch(/^HTTP\/1\.1 413/)
    expect(declared).toMatch(/connection: close/i)
    expect(declared).toContain('"too_large"')
    // Chunked, no length: cut one byte past the cap, the rest never sent.
    const chunk = new Uint8Array(VRM_MAX_BYTES + 1)
    const chunked = await raw(
      head('Transfer-Encoding: chunked\r\n'),
      Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    )
    expect(chunked).toMatch(/^HTTP\/1\.1 413/)
  })

  it(`keeps a wallet to ${MAX_AVATARS_PER_ADDRESS} files`, async () => {
    nextAddress++
    for (let i = 0; i < MAX_AVATARS_PER_ADDRESS; i++) {
      expect((await upload(vrmFixture({ name: `quota ${i}` }), tokens[2])).status).toBe(201)
    }
    // Its own file again is no new file; a new one is over the quota; another wallet is served.
    expect((await upload(vrmFixture({ name: 'quota 0' }), tokens[2])).status).toBe(201)
    const over = await upload(vrmFixture({ name: 'one more' }), tokens[2])
    expect(over.status).toBe(409)
    expect(((await over.json()) as Record<string, unknown>).error).toBe('avatar_limit')
    expect((await get(sha(vrmFixture({ name: 'one more' })))).status).toBe(404)
    expect((await upload(vrmFixture({ name: 'one more' }), tokens[3])).status).toBe(201)
  })

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await get('0'.repeat(64))
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as Record<string, unknown>).error).toBe('not_found')
    for (const id of ['abc', 'A'.repeat(64), `${'0'.repeat(64)}0`, '%E0%A4%A']) {
      const res = await get(id)
      expect(res.status, id).toBe(400)
      expect(((await res.json()) as Record<string, unknown>).error).toBe('bad_id')
    }
    expect((await fetch(new URL('/api/avatars/vrm', server.url))).status).toBe(405)
  })

  it('the client helpers: uploadVrm, then loadVrm from the server', async () => {
    const bytes = vrmFixture({ version: '0.x', name: 'client' })
    const origin = server.url.replace(/\/$/, '')
    expect(await uploadVrm(new Blob([new Uint8Array(bytes)]), tokens[3]!, origin)).toEqual({
      id: sha(bytes),
    })
    expect(await uploadVrm(new Blob([new Uint8Array(bytes)]), 'no-session', origin)).toMatchObject({
      code: 'no_session',
    })
    expect(await uploadVrm(new Blob(['not a vrm']), tokens[3]!, origin)).toMatchObject({
      code: 'bad_vrm',
      error: /binary glTF/,
    })
    const loaded = await loadVrm(`/api/avatars/vrm/${sha(bytes)}`, { base: server.url })
    expect(loaded.version).toBe('0.x')
    expect(loaded.bones.hips).toBeTruthy()
    loaded.dispose()
    await expect(
      loadVrm(`/api/avatars/vrm/${'0'.repeat(64)}`, { base: server.url }),
    ).rejects.toThrow(/HTTP 404/)
  })
})
