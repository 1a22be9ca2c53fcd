// The builder end to end on a whole server (PGlite, wallet sign-in, Colyseus over WebSocket):
// the HTTP API's rules (sign-in, drafts, owner-only changes) and builders editing one world
// together in its room: edits in one order for everyone, rights checked, per-builder undo,
// saves and restore, and the last edits saved when the room closes.
import { inflateRawSync } from 'node:zlib'
import { matchMaker } from '@colyseus/core'
import { Client, type Room } from 'colyseus.js'
import { PNG } from 'pngjs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import { decodeGrid, encodeGrid } from '../../src/world/voxel/codec'
import { applyEdit, checkEdit } from '../../src/world/voxel/edits'
import { materialTable, VoxelGrid } from '../../src/world/voxel/grid'
import { applyBoxPatch, checkPatch } from '../../src/world/voxel/patch'
import { parseScene, type Scene } from '../../src/protocol/scene'
import type { RunningServer } from '../app'
import { attend, createEvent, leaveAll, signIn, until, wallet } from '../events/testKit'
import { startEventsServer, stopEventsServer } from '../events/testServer'
import { TEST_WORLD } from '../events/testScenes'

let server: RunningServer
let tmp: string
let owner: string
let friend: string
let stranger: string
const rooms: Room[] = []

beforeAll(async () => {
  ;({ server, tmp } = await startEventsServer('builder'))
  ;[owner, friend, stranger] = (await Promise.all([0, 1, 2].map((i) => signIn(server.url, i)))) as [
    string,
    string,
    string,
  ]
}, 60_000)
afterEach(() => leaveAll(rooms))
afterAll(() => stopEventsServer(server, tmp))

async function api(route: string, token?: string, init: RequestInit = {}) {
  const res = await fetch(new URL(route, server.url), {
    ...init,
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
  })
  const type = res.headers.get('content-type') ?? ''
  const body: unknown = type.includes('json')
    ? await res.json()
    : new Uint8Array(await res.arrayBuffer())
  return { status: res.status, body: body as Record<string, unknown> & Uint8Array }
}
const post = (route: string, token: string | undefined, body: unknown) =>
  api(route, token, { method: 'POST', body: JSON.stringify(body) })

/** A change that must go through: waits out the per-wallet write limit (2 a second, burst 10). */
async function change(route: string, token: string, body: unknown) {
  for (let i = 0; ; i++) {
    const r = await post(route, token, body)
    if (r.status !== 429 || i >= 20) {
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      return r
    }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

const NEW = {
  template: 'village',
  region: '浙江',
  title: { 'zh-CN': '云峰村', en: 'Yunfeng Village' },
}

/**
 * A world from the village template (a wallet makes 5 at once, then one a minute), waiting out
 * the per-wallet write limit the tests' other changes spend.
 */
async function newWorld(by = owner): Promise<string> {
  for (let i = 0; ; i++) {
    const made = await post('/api/builder/worlds', by, NEW)
    if (made.status === 429 && /too many changes/.test(String(made.body.message)) && i < 20) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      continue
    }
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    return made.body.worldId as string
  }
}

/** A builder's page, as far as the grid goes: the synced grid plus the changes, in order. */
interface Page {
  room: Room
  grid: VoxelGrid | null
  seq: number
  inbox: { [T in keyof ServerMessages]?: ServerMessages[T][] }
}

/** A page in the world's room; `sync`: wait for the grid (a draft sends it to builders only). */
async function open(
  world: string,
  token: string | null,
  scene: Scene,
  sync = true,
  instance: 'any' | 'new' = 'any',
): Promise<Page> {
  const client = new Client(server.url.replace(/^http/, 'ws'))
  const options = { world, name: 'B' }
  // (A client may not create a room: the server makes the second instance, as a full first
  // one would have it do.)
  const room = await (instance === 'new'
    ? client.joinById((await matchMaker.createRoom('world', { world })).roomId, options)
    : client.joinOrCreate('world', options))
  rooms.push(room)
  const page: Page = { room, grid: null, seq: -1, inbox: {} }
  let table = materialTable(scene.voxel!.palette)
  const keep = <T extends keyof ServerMessages>(type: T, also?: (m: ServerMessages[T]) => void) =>
    room.onMessage(type, (m: ServerMessages[T]) => {
      ;((page.inbox[type] ??= []) as ServerMessages[T][]).push(m)
      also?.(m)
    })
  keep('build.sync', (m) => {
    const d = decodeGrid(inflateRawSync(m.grid))
    page.grid = new VoxelGrid(d.dims, table, d.data)
    page.seq = m.seq
  })
  keep('build.applied', (m) => {
    if (!m.edit && !m.patch) return
    // Every change is the next one: nothing skipped, nothing twice.
    expect(m.seq).toBe(page.seq + 1)
    page.seq = m.seq
    if (m.edit) {
      expect(checkEdit(page.grid!, m.edit)).toBeNull()
      applyEdit(page.grid!, m.edit)
    } else {
      expect(checkPatch(page.grid!, m.patch!)).toBeNull()
      applyBoxPatch(page.grid!, m.patch!)
    }
  })
  keep('build.saved')
  // The palette comes before the grid, and grows with custom colours.
  keep('build.scene', (m) => {
    table = materialTable(m.palette)
    page.grid?.setMaterials(table)
  })
  keep('error')
  keep('authed')
  keep('space.ok')
  keep('build.closed')
  room.onMessage('*', () => {})
  if (token) {
    room.send('auth', { token })
    await until(() => page.inbox.authed?.length, 'authed')
  }
  if (sync) await until(() => page.grid, 'build.sync')
  return page
}

const errors = (p: Page, code: string) => (p.inbox.error ?? []).filter((e) => e.code === code)

describe('builder HTTP API', () => {
  it('creates a draft from a template that only its owner and builders see', async () => {
    expect((await post('/api/builder/worlds', undefined, NEW)).status).toBe(401)
    const bad = await post('/api/builder/worlds', owner, { ...NEW, template: 'castle' })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/template is one of/)
    expect((await post('/api/builder/worlds', owner, { ...NEW, title: {} })).status).toBe(400)
    const id = await newWorld()
    expect(id).toMatch(/^bw-[0-9a-f]{12}$/)

    const mine = await api(`/api/builder/worlds/${id}`, owner)
    expect(mine.body).toMatchObject({
      status: 'draft',
      kind: 'village',
      canEdit: true,
      isOwner: true,
    })
    // A draft is nobody else's business: not found, not forbidden.
    expect((await api(`/api/builder/worlds/${id}/thumbnail`, owner)).status).toBe(404)
    for (const token of [undefined, stranger, friend]) {
      expect((await api(`/api/builder/worlds/${id}`, token)).status).toBe(404)
      expect((await api(`/api/builder/worlds/${id}/scene`, token)).status).toBe(404)
      expect((await api(`/api/builder/worlds/${id}/voxels`, token)).status).toBe(404)
    }
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, owner)).body, 'scene')
    expect(scene.id).toBe(id)
    const grid = decodeGrid(
      inflateRawSync((await api(`/api/builder/worlds/${id}/voxels`, owner)).body),
    )
    expect(grid.dims).toEqual(scene.voxel!.size)

    // Only the owner invites and publishes.
    const invite = { address: wallet(1).address, add: true }
    expect((await post(`/api/builder/worlds/${id}/builders`, friend, invite)).status).toBe(404)
    expect((await post(`/api/builder/worlds/${id}/builders`, owner, invite)).status).toBe(200)
    expect((await api(`/api/builder/worlds/${id}`, friend)).body).toMatchObject({
      canEdit: true,
      isOwner: false,
    })
    const listed = await api('/api/builder/worlds', friend)
    expect((listed.body.worlds as { worldId: string }[]).map((w) => w.worldId)).toContain(id)
    expect(
      (await post(`/api/builder/worlds/${id}/publish`, friend, { published: true })).status,
    ).toBe(403)
    expect(
      (await post(`/api/builder/worlds/${id}/publish`, owner, { published: 'yes' })).status,
    ).toBe(400)
    expect(
      (await post(`/api/builder/worlds/${id}/publish`, owner, { published: true })).status,
    ).toBe(200)
    // Published: a map of it from above for the directory, for anyone.
    const thumb = await api(`/api/builder/worlds/${id}/thumbnail`)
    expect(thumb.status).toBe(200)
    const png = PNG.sync.read(Buffer.from(thumb.body))
    expect([png.width, png.height]).toEqual([256, 256])
    // Published: everyone sees it, nobody else may edit.
    expect((await api(`/api/builder/worlds/${id}`)).body).toMatchObject({
      status: 'published',
      canEdit: false,
    })
    expect((await api(`/api/builder/worlds/${id}/versions`, stranger)).status).toBe(404)

    // Exported as a scene file with its grid, and imported by someone else as a world of theirs.
    const file = await api(`/api/builder/worlds/${id}/export`)
    expect(file.status).toBe(200)
    expect(typeof (file.body.voxel as { grid?: unknown }).grid).toBe('string')
    const imported = await api('/api/builder/import?kind=town&region=江苏', stranger, {
      method: 'POST',
      body: JSON.stringify(file.body),
    })
    expect(imported.status, JSON.stringify(imported.body)).toBe(201)
    expect(imported.body).toMatchObject({ kind: 'town', region: '江苏', status: 'draft' })
    const copy = imported.body.worldId as string
    const original = await api(`/api/builder/worlds/${id}/voxels`)
    const theirs = await api(`/api/builder/worlds/${copy}/voxels`, stranger)
    expect(Buffer.from(inflateRawSync(theirs.body)).equals(inflateRawSync(original.body))).toBe(
      true,
    )
    const noGrid = { ...file.body, voxel: { ...(file.body.voxel as object), grid: undefined } }
    const refused = await api('/api/builder/import?kind=town&region=x', stranger, {
      method: 'POST',
      body: JSON.stringify(noGrid),
    })
    expect([refused.status, refused.body.message]).toEqual([
      400,
      expect.stringMatching(/voxel grid/),
    ])
    const broken = { ...file.body, voxel: { ...(file.body.voxel as object), grid: 'AAAA' } }
    const damaged = await api('/api/builder/import?kind=town&region=x', stranger, {
      method: 'POST',
      body: JSON.stringify(broken),
    })
    expect(damaged.status).toBe(400)
    expect((await api(`/api/builder/worlds/bw-000000000000`)).status).toBe(404)
    expect((await api(`/api/builder/worlds/../../etc`)).status).toBe(404)
  })

  it('refuses bodies that are not JSON objects, and oversized ones', async () => {
    const route = '/api/builder/worlds'
    expect((await api(route, owner, { method: 'POST', body: '[1]' })).status).toBe(400)
    expect((await api(route, owner, { method: 'POST', body: '{' })).status).toBe(400)
    expect(
      (await api(route, owner, { method: 'POST', body: JSON.stringify({ x: 'y'.repeat(20_000) }) }))
        .status,
    ).toBe(413)
    expect((await api(route, owner, { method: 'DELETE' })).status).toBe(405)
  })
})

describe('builders in a world room', () => {
  it('apply edits in one order for everyone, with rights checked and undo per builder', async () => {
    const id = await newWorld()
    await change(`/api/builder/worlds/${id}/builders`, owner, {
      address: wallet(1).address,
      add: true,
    })
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, owner)).body, 'scene')
    const a = await open(id, owner, scene)
    const b = await open(id, friend, scene)
    const c = await open(id, stranger, scene, false)
    const v = await open(id, null, scene, false)
    const [sx, sy] = scene.voxel!.size
    const top = sy - 2

    // A draft's content goes to its builders only: the others in its room get nothing of it.
    a.room.send('build.edit', { ref: 2, edit: { from: [2, top, 2], to: [2, top, 2], material: 1 } })
    await until(() => a.seq === 1 && b.seq === 1)
    expect([c.grid, v.grid, c.inbox['build.applied'], v.inbox['build.scene']]).toEqual([
      null,
      null,
      undefined,
      undefined,
    ])
    // Published, everyone in the room gets the grid at once.
    await change(`/api/builder/worlds/${id}/publish`, owner, { published: true })
    await until(() => c.grid && v.grid && v.seq === 1)

    // A visitor and a stranger may not edit; a bad edit is refused with the reason.
    v.room.send('build.edit', { ref: 1, edit: { from: [1, top, 1], to: [1, top, 1], material: 1 } })
    c.room.send('build.edit', { ref: 1, edit: { from: [1, top, 1], to: [1, top, 1], material: 1 } })
    a.room.send('build.edit', { ref: 1, edit: { from: [0, 0, 0], to: [sx, 0, 0], material: 1 } })
    await until(() => errors(v, 'not_builder').length && errors(c, 'not_builder').length)
    await until(() => errors(a, 'bad_edit').length)
    expect(errors(a, 'bad_edit')[0]!.message).toMatch(/outside the world/)

    // Two builders edit at once, over each other: everyone ends with the server's grid.
    for (let i = 0; i < 30; i++) {
      const x = 10 + (i % 6)
      a.room.send('build.edit', {
        ref: 100 + i,
        edit: { from: [x, top - 3, 10], to: [x + 2, top, 12], material: 1 + (i % 3) },
      })
      b.room.send('build.edit', {
        ref: 200 + i,
        edit: { from: [x + 1, top - 2, 11], to: [x + 1, top, 11], material: i % 2 },
      })
    }
    await until(
      () => (a.inbox['build.applied'] ?? []).some((m) => m.ref === 129),
      `A's last edit back (${JSON.stringify(a.inbox.error)})`,
    )
    await until(() => (a.inbox['build.applied'] ?? []).some((m) => m.ref === 129))
    await until(() => [b, c, v].every((p) => p.seq === a.seq))
    const mine = (a.inbox['build.applied'] ?? []).filter((m) => m.by === a.room.sessionId)
    expect(mine.map((m) => m.ref)).toContain(129)
    const bytes = Buffer.from(encodeGrid(a.grid!))
    // (Buffer.equals: vitest's toEqual walks 600 KB of bytes one by one, for seconds.)
    for (const p of [b, c, v]) expect(Buffer.from(encodeGrid(p.grid!)).equals(bytes)).toBe(true)

    // B puts a block in a cell A never touched; A's undo takes back only A's last edit.
    const cell: [number, number, number] = [40, top, 40]
    b.room.send('build.edit', { ref: 300, edit: { from: cell, to: cell, material: 2 } })
    a.room.send('build.edit', {
      ref: 301,
      edit: { from: [40, top, 41], to: [40, top, 41], material: 3 },
    })
    await until(() => (a.inbox['build.applied'] ?? []).some((m) => m.ref === 301))
    a.room.send('build.undo', {})
    await until(() => a.grid!.get(40, top, 41) !== 3)
    expect(a.grid!.get(...cell)).toBe(2)
    a.room.send('build.redo', {})
    await until(() => a.grid!.get(40, top, 41) === 3)
    c.room.send('build.undo', {})
    await until(() => errors(c, 'not_builder').length >= 2)

    // Saved: a new version whose grid is everyone's grid.
    a.room.send('build.save', { note: 'first street' })
    // (An autosave may come first on a slow machine: edits stopped for 5 s.)
    await until(() => b.inbox['build.saved']?.some((m) => m.note === 'first street'))
    const stored = decodeGrid(
      inflateRawSync((await api(`/api/builder/worlds/${id}/voxels`, owner)).body),
    )
    expect(Buffer.from(stored.data).equals(a.grid!.data)).toBe(true)
    await until(() => [b, c, v].every((p) => p.seq === a.seq))

    // Restore version 1 (the template): everyone gets the grid anew.
    const before = v.inbox['build.sync']!.length
    a.room.send('build.restore', { version: 1 })
    await until(() => v.inbox['build.sync']!.length > before)
    expect(v.grid!.get(...cell)).not.toBe(2)
    const versions = await api(`/api/builder/worlds/${id}/versions`, friend)
    const notes = (versions.body.versions as { note: string }[]).map((x) => x.note)
    expect(notes.slice(0, 2)).toEqual(['restore:1', 'first street'])
    expect(notes.at(-1)).toBe('create')
  }, 60_000)

  it('places pieces, terrain brushes and pastes for everyone, and undoes them', async () => {
    const id = await newWorld()
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, owner)).body, 'scene')
    expect(Object.keys(scene.voxel!.prefabs)).toEqual(expect.arrayContaining(['house', 'pavilion']))
    // Published: a visitor gets what builders do.
    await change(`/api/builder/worlds/${id}/publish`, owner, { published: true })
    const a = await open(id, owner, scene)
    const v = await open(id, null, scene)
    const start = Buffer.from(encodeGrid(a.grid!))
    a.room.send('build.prefab', { ref: 1, prefab: 'no-such', at: [10, 20, 10], rotate: 0 })
    await until(() => errors(a, 'bad_edit').length)
    expect(errors(a, 'bad_edit')[0]!.message).toMatch(/no piece "no-such"/)
    a.room.send('build.prefab', { ref: 2, prefab: 'pavilion', at: [60, 30, 60], rotate: 90 })
    await until(() => v.seq === 1)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(Buffer.from(encodeGrid(a.grid!)))).toBe(true)
    expect(Buffer.from(encodeGrid(a.grid!)).equals(start)).toBe(false)
    a.room.send('build.undo', {})
    await until(() => v.seq === 2)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(start)).toBe(true)
    // Terrain brushes and a paste travel as patches too: every page ends with the room's grid.
    a.room.send('build.terrain', { ref: 3, op: 'raise', at: [80, 20, 80], radius: 4, material: 1 })
    a.room.send('build.terrain', { ref: 4, op: 'paint', at: [80, 20, 80], radius: 2, material: 2 })
    a.room.send('build.paste', {
      ref: 5,
      from: [76, 10, 76],
      to: [84, 30, 84],
      at: [100, 10, 100],
      turn: 90,
      mirror: true,
    })
    a.room.send('build.terrain', { ref: 6, op: 'raise', at: [900, 1, 1], radius: 1, material: 1 })
    await until(() => errors(a, 'bad_edit').length >= 2 && v.seq === 5)
    expect(errors(a, 'bad_edit')[1]!.message).toMatch(/outside/)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(Buffer.from(encodeGrid(a.grid!)))).toBe(true)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(start)).toBe(false)
    // A line, three thick: a patch like the others, the same grid everywhere.
    const before = Buffer.from(encodeGrid(v.grid!))
    a.room.send('build.line', {
      ref: 7,
      from: [20, 30, 20],
      to: [40, 36, 28],
      size: 3,
      material: 2,
    })
    await until(() => v.seq === 6)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(Buffer.from(encodeGrid(a.grid!)))).toBe(true)
    expect(Buffer.from(encodeGrid(v.grid!)).equals(before)).toBe(false)
    expect(v.grid!.get(40, 36, 28)).toBe(2)
    // Back to draft: the visitor is told (their page closes the world), the builder is not.
    await change(`/api/builder/worlds/${id}/publish`, owner, { published: false })
    await until(() => v.inbox['build.closed']?.length)
    expect(v.inbox['build.closed']![0]!.message).toMatch(/back to being a draft/)
    expect(a.inbox['build.closed']).toBeUndefined()
  })

  it('keeps the visitor layer: points of interest and the spawn, for everyone, saved', async () => {
    const id = await newWorld()
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, owner)).body, 'scene')
    // Published: a visitor gets what builders do.
    await change(`/api/builder/worlds/${id}/publish`, owner, { published: true })
    const a = await open(id, owner, scene)
    const v = await open(id, null, scene)
    const poi = {
      action: 'set',
      kind: 'landmark',
      title: { 'zh-CN': '古桥\u200b', en: 'Old bridge' },
      body: { 'zh-CN': '宋代石桥。', en: 'A Song-dynasty stone bridge.' },
      position: [30, 20, 40],
    }
    v.room.send('build.poi', poi)
    await until(() => errors(v, 'not_builder').length)
    a.room.send('build.poi', { ...poi, position: [300, 20, 40] })
    await until(() => errors(a, 'bad_edit').length)
    const before = v.inbox['build.scene']!.length
    a.room.send('build.poi', poi)
    await until(() => v.inbox['build.scene']!.length > before)
    const layer = v.inbox['build.scene']!.at(-1)!
    const added = layer.pois.at(-1)!
    expect(added).toMatchObject({
      title: { 'zh-CN': '古桥', en: 'Old bridge' },
      position: [30.5, 20, 40.5],
    })
    a.room.send('build.spawn', { position: [31, 20, 41], heading: 1 })
    await until(() => v.inbox['build.scene']!.at(-1)!.spawn.heading === 1)
    a.room.send('build.save', { note: 'layer' })
    await until(() => a.inbox['build.saved']?.some((m) => m.note === 'layer'))
    const stored = parseScene((await api(`/api/builder/worlds/${id}/scene`, owner)).body, 'scene')
    expect(stored.pois.map((p) => p.id)).toContain(added.id)
    expect(stored.spawn).toEqual({ position: [31.5, 20, 41.5], heading: 1 })
    // A newcomer gets the layer on joining, and arrives at the new spawn.
    const late = await open(id, null, scene)
    await until(() => late.inbox['build.scene']?.length)
    expect(late.inbox['build.scene']![0]!.pois.map((p) => p.id)).toContain(added.id)
    a.room.send('build.poi', { action: 'remove', id: added.id })
    await until(() => !v.inbox['build.scene']!.at(-1)!.pois.some((p) => p.id === added.id))
  })

  it('adds custom colours to the palette for everyone, in order with the edits, saved', async () => {
    const id = await newWorld(stranger)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, stranger)).body, 'scene')
    await change(`/api/builder/worlds/${id}/publish`, stranger, { published: true })
    const a = await open(id, stranger, scene)
    const v = await open(id, null, scene)
    const styleColours = scene.voxel!.palette.length
    v.room.send('build.colour', { colour: '#12AB34' })
    await until(() => errors(v, 'not_builder').length)
    // The colour and a block of it, sent back to back: every page has the colour first.
    const material = styleColours + 1
    a.room.send('build.colour', { colour: '#12AB34' })
    a.room.send('build.edit', { ref: 1, edit: { from: [20, 40, 20], to: [21, 41, 21], material } })
    await until(() => v.seq === 1)
    expect(v.inbox['build.scene']!.at(-1)!.palette.at(-1)).toEqual({
      id: 'c-12ab34',
      color: '#12ab34',
      solid: true,
      liquid: false,
    })
    expect(v.grid!.get(20, 40, 20)).toBe(material)
    // The same colour again adds nothing; the sender hears the palette again.
    const heard = a.inbox['build.scene']!.length
    a.room.send('build.colour', { colour: '#12ab34' })
    await until(() => a.inbox['build.scene']!.length > heard)
    expect(a.inbox['build.scene']!.at(-1)!.palette).toHaveLength(styleColours + 1)
    // A block past the palette is refused.
    a.room.send('build.edit', {
      ref: 2,
      edit: { from: [20, 40, 20], to: [20, 40, 20], material: material + 1 },
    })
    await until(() => errors(a, 'bad_edit').length)
    expect(errors(a, 'bad_edit')[0]!.message).toMatch(/not in the palette/)
    // Saved with the world: a newcomer's page loads the colour with the scene and the grid.
    a.room.send('build.save', { note: 'colour' })
    await until(() => a.inbox['build.saved']?.some((m) => m.note === 'colour'))
    const stored = parseScene(
      (await api(`/api/builder/worlds/${id}/scene`, stranger)).body,
      'scene',
    )
    expect(stored.voxel!.palette.map((p) => p.id)).toContain('c-12ab34')
    const grid = decodeGrid(inflateRawSync((await api(`/api/builder/worlds/${id}/voxels`)).body))
    expect(grid.data[(20 * grid.dims[0] + 20) * grid.dims[1] + 40]).toBe(material)
  })

  it('adds portals only to worlds that exist and are not this one', async () => {
    const id = await newWorld(stranger)
    const other = await newWorld(stranger)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, stranger)).body, 'scene')
    const a = await open(id, stranger, scene)
    const portal = (to: string, position = [30, 20, 40]) => ({
      action: 'set',
      to,
      label: { 'zh-CN': '去别处', en: 'Elsewhere' },
      position,
    })
    const refused = async (to: string, why: RegExp, position?: number[]) => {
      const n = errors(a, 'bad_edit').length
      a.room.send('build.portal', portal(to, position))
      await until(() => errors(a, 'bad_edit').length > n)
      expect(errors(a, 'bad_edit').at(-1)!.message).toMatch(why)
    }
    await refused('no-such-world', /no world "no-such-world"/)
    await refused(id, /another world/)
    await refused(TEST_WORLD, /outside/, [3000, 1, 1])
    // Someone else's draft is not there for this builder; their own draft and a built-in are.
    const friendsDraft = await newWorld(friend)
    await refused(friendsDraft, /no world/)
    a.room.send('build.portal', portal(TEST_WORLD))
    a.room.send('build.portal', portal(other, [40, 20, 40]))
    await until(() => a.inbox['build.scene']!.at(-1)!.portals.length === 2)
    const [first] = a.inbox['build.scene']!.at(-1)!.portals
    expect(first).toMatchObject({ to: TEST_WORLD, label: { en: 'Elsewhere' }, radius: 2 })
    // Six portal messages spent the burst: the next waits for the rate (2 a second).
    await new Promise((resolve) => setTimeout(resolve, 600))
    a.room.send('build.portal', { action: 'remove', id: first!.id })
    await until(() => a.inbox['build.scene']!.at(-1)!.portals.length === 1)
  })

  it('keeps pictures for points of interest: builders upload, whoever may see the world gets', async () => {
    const id = await newWorld(stranger)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, stranger)).body, 'scene')
    const image = new PNG({ width: 8, height: 6 })
    image.data.fill(180)
    const png = PNG.sync.write(image)
    const upload = (token: string | undefined, body: Buffer, type = 'image/png') =>
      api(`/api/builder/worlds/${id}/pictures`, token, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': type },
      })
    expect((await upload(undefined, png)).status).toBe(401)
    expect((await upload(owner, png)).status).toBe(404) // not a builder of this draft
    const wrong = await upload(stranger, png, 'image/gif')
    expect([wrong.status, wrong.body.message]).toEqual([400, expect.stringMatching(/image\/png/)])
    const made = await upload(stranger, png)
    expect(made.status, JSON.stringify(made.body)).toBe(201)
    const url = made.body.url as string
    expect(made.body).toMatchObject({ type: 'image/png', width: 8, height: 6 })
    // A draft's picture is its builders' only.
    expect((await api(url)).status).toBe(404)
    const got = await fetch(new URL(url, server.url), {
      headers: { authorization: `Bearer ${stranger}` },
    })
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true)

    // A point with it; one with a picture the world does not have is refused.
    const a = await open(id, stranger, scene)
    const poi = {
      action: 'set',
      kind: 'scenic',
      title: { 'zh-CN': '古井', en: 'Old well' },
      body: { 'zh-CN': '明代的井。', en: 'A Ming-dynasty well.' },
      position: [30, 20, 40],
    }
    a.room.send('build.poi', { ...poi, picture: '0123456789abcdef' })
    await until(() => errors(a, 'bad_edit').length)
    expect(errors(a, 'bad_edit')[0]!.message).toMatch(/no such picture/)
    a.room.send('build.poi', { ...poi, picture: made.body.pictureId })
    await until(() => a.inbox['build.scene']!.at(-1)!.pois.some((p) => p.picture === url))
    // Published, anyone gets it.
    await change(`/api/builder/worlds/${id}/publish`, stranger, { published: true })
    expect((await api(url)).status).toBe(200)
  })

  it('marks out creator plots people can claim, and keeps a claimed one', async () => {
    const id = await newWorld(friend)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, friend)).body, 'scene')
    const a = await open(id, friend, scene)
    const plot = (from: number[], to: number[], id?: string) => ({
      action: 'set',
      ...(id && { id }),
      from,
      to,
      title: { 'zh-CN': '创作者地块', en: 'Makers plot' },
    })
    const refused = async (p: unknown, why: RegExp) => {
      const n = errors(a, 'bad_edit').length
      a.room.send('build.plot', p)
      await until(() => errors(a, 'bad_edit').length > n)
      expect(errors(a, 'bad_edit').at(-1)!.message).toMatch(why)
    }
    await refused(plot([10, 20, 10], [900, 20, 20]), /outside/)
    await refused(plot([10, 20, 10], [11, 20, 30]), /4 to 48 blocks/)
    a.room.send('build.plot', plot([10, 20, 10], [19, 21, 17]))
    await until(() => a.inbox['build.scene']!.at(-1)!.spaces.length === 1)
    const [made] = a.inbox['build.scene']!.at(-1)!.spaces
    expect(made).toMatchObject({ kind: 'plot', area: [10, 10, 20, 18], floorY: 20 })
    await refused(plot([15, 20, 15], [30, 20, 30]), /cover "Makers plot"/)
    // The room's spaces know it at once: a claim gets past the space lookup (to the ownership
    // check, which needs the chain this server has none of) instead of "no space".
    a.room.send('space.claim', { space: made!.id })
    const claim = await until(() => a.inbox.error?.find((e) => e.type === 'space.claim'))
    expect(claim.code).toBe('chain_unavailable')
    a.room.send('build.plot', { action: 'remove', id: made!.id })
    await until(() => a.inbox['build.scene']!.at(-1)!.spaces.length === 0)
    // Saved with the scene.
    a.room.send('build.plot', plot([40, 20, 40], [47, 20, 47]))
    await until(() => a.inbox['build.scene']!.at(-1)!.spaces.length === 1)
    a.room.send('build.save', { note: 'plot' })
    await until(() => a.inbox['build.saved']?.some((m) => m.note === 'plot'))
    const stored = parseScene((await api(`/api/builder/worlds/${id}/scene`, friend)).body, 'scene')
    expect(stored.spaces.map((s) => s.area)).toEqual([[40, 40, 48, 48]])
  })

  it('marks out a stage that events are hosted on', async () => {
    const id = await newWorld(friend)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, friend)).body, 'scene')
    const a = await open(id, friend, scene)
    const stage = (from: number[], to: number[], facing = 0) => ({
      action: 'set',
      from,
      to,
      title: { 'zh-CN': '村晚舞台', en: 'Village stage' },
      facing,
    })
    a.room.send('build.stage', stage([100, 20, 100], [102, 20, 120]))
    await until(() => errors(a, 'bad_edit').length)
    expect(errors(a, 'bad_edit')[0]!.message).toMatch(/4 to 32 blocks/)
    a.room.send('build.stage', stage([100, 20, 100], [115, 20, 109]))
    await until(() => a.inbox['build.scene']!.at(-1)!.stages.length === 1)
    const [made] = a.inbox['build.scene']!.at(-1)!.stages
    // Facing -z: the screen on the far (low z) side, the audience 4 blocks past the near side.
    expect(made).toMatchObject({
      area: [100, 100, 116, 110],
      floorY: 20,
      screen: { position: [108, expect.any(Number), 100.1], rotY: 0, width: 15 },
      audience: { position: [108, expect.any(Number), 114], heading: 0 },
    })
    a.room.send('build.save', { note: 'stage' })
    await until(() => a.inbox['build.saved']?.some((m) => m.note === 'stage'))
    // An event on it: created, and its room opens for an attendee.
    const event = await createEvent(server.url, friend, { world: id, stage: made!.id })
    const attendee = await attend(server.url, event.id, 'Guest', friend)
    expect(attendee.inbox['event.welcome'].length + attendee.inbox.welcome.length).toBeGreaterThan(
      0,
    )
    await attendee.leave()
  })

  it('saves the last edits when everyone has left', async () => {
    const id = await newWorld(friend)
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, friend)).body, 'scene')
    const a = await open(id, friend, scene)
    const top = scene.voxel!.size[1] - 1
    a.room.send('build.edit', { ref: 1, edit: { from: [5, top, 5], to: [6, top, 6], material: 1 } })
    await until(() => a.seq === 1)
    await a.room.leave()
    const saved = async () => {
      const v = await api(`/api/builder/worlds/${id}/versions`, friend)
      return (v.body.versions as { note: string }[])[0]!.note === 'autosave'
    }
    const end = Date.now() + 10_000
    while (!(await saved())) {
      expect(Date.now()).toBeLessThan(end)
      await new Promise((r) => setTimeout(r, 100))
    }
    const stored = decodeGrid(
      inflateRawSync((await api(`/api/builder/worlds/${id}/voxels`, friend)).body),
    )
    expect(stored.data[(5 * stored.dims[0] + 5) * stored.dims[1] + top]).toBe(1)
  }, 30_000)

  it('takes edits from builders in two instances in one order, and hands over when one closes', async () => {
    // (The friend's world: the owner's wallet has made its five a minute.)
    const id = await newWorld(friend)
    await change(`/api/builder/worlds/${id}/builders`, friend, {
      address: wallet(0).address,
      add: true,
    })
    const scene = parseScene((await api(`/api/builder/worlds/${id}/scene`, friend)).body, 'scene')
    const a = await open(id, friend, scene)
    // B and a stranger each in another instance of the same world (a full first one, say).
    const b = await open(id, owner, scene, true, 'new')
    const c = await open(id, stranger, scene, false, 'new')
    expect(b.room.roomId).not.toBe(a.room.roomId)
    const top = scene.voxel!.size[1] - 2
    const instance = (p: Page) => (p.room.state as { instance: number }).instance
    await until(() => instance(b) === 2)

    // Both build over each other: one order, the same grid in both instances, each hears back.
    for (let i = 0; i < 20; i++) {
      const x = 10 + (i % 5)
      a.room.send('build.edit', {
        ref: 100 + i,
        edit: { from: [x, top - 2, 10], to: [x + 2, top, 12], material: 1 + (i % 3) },
      })
      b.room.send('build.edit', {
        ref: 200 + i,
        edit: { from: [x + 1, top - 1, 11], to: [x + 1, top, 11], material: i % 2 },
      })
    }
    const acked = (p: Page, ref: number) =>
      (p.inbox['build.applied'] ?? []).some((m) => m.by === p.room.sessionId && m.ref === ref)
    await until(
      () => acked(a, 119) && acked(b, 219),
      `both acknowledged (${JSON.stringify(b.inbox.error)})`,
    )
    await until(() => b.seq === a.seq)
    expect(Buffer.from(encodeGrid(b.grid!)).equals(Buffer.from(encodeGrid(a.grid!)))).toBe(true)

    // The first instance keeps B's undo steps; the stranger is refused from the second.
    const cell: [number, number, number] = [30, top, 30]
    b.room.send('build.edit', { ref: 300, edit: { from: cell, to: cell, material: 2 } })
    await until(() => a.grid!.get(...cell) === 2)
    b.room.send('build.undo', {})
    await until(() => a.grid!.get(...cell) !== 2 && b.grid!.get(...cell) !== 2)
    c.room.send('build.edit', { ref: 1, edit: { from: cell, to: cell, material: 1 } })
    await until(() => errors(c, 'not_builder').length)
    // The visitor layer crosses too (B adds a point; A sees it).
    b.room.send('build.poi', {
      action: 'set',
      kind: 'landmark',
      title: { 'zh-CN': '古桥', en: 'Old bridge' },
      body: { 'zh-CN': '一座石桥。', en: 'A stone bridge.' },
      position: [20, top, 20],
    })
    await until(() =>
      a.inbox['build.scene']?.some((l) => l.pois.some((x) => x.title.en === 'Old bridge')),
    )

    // A leaves: its instance saves and closes; B's instance takes the edits and B goes on.
    await a.room.leave()
    const before = b.seq
    const later: [number, number, number] = [31, top, 31]
    // (Edits sent while the first instance is closing are refused: "try again".)
    const end = Date.now() + 25_000
    for (let ref = 400; b.seq === before; ref++) {
      expect(Date.now(), 'an edit taken by the second instance').toBeLessThan(end)
      b.room.send('build.edit', { ref, edit: { from: later, to: later, material: 3 } })
      await new Promise((r) => setTimeout(r, 300))
    }
    expect(b.grid!.get(...later)).toBe(3)
    b.room.send('build.save', { note: 'after the handover' })
    await until(() => b.inbox['build.saved']?.some((m) => m.note === 'after the handover'))
    const stored = decodeGrid(
      inflateRawSync((await api(`/api/builder/worlds/${id}/voxels`, owner)).body),
    )
    expect(Buffer.from(stored.data).equals(b.grid!.data)).toBe(true)
  }, 60_000)

  it('a world that is not a builder world refuses build messages', async () => {
    const client = new Client(server.url.replace(/^http/, 'ws'))
    const room = await client.joinOrCreate('world', { world: TEST_WORLD, name: 'X' })
    rooms.push(room)
    const got: ServerMessages['error'][] = []
    room.onMessage('error', (e: ServerMessages['error']) => got.push(e))
    room.onMessage('*', () => {})
    room.send('build.undo', {})
    await until(() => got.length)
    expect(got[0]!.code).toBe('not_builder_world')
  })
})
