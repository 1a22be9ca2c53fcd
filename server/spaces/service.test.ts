// Creator spaces through the real stack: a world room over WebSocket, wallet sign-in, the local
// anvil with the demo collections, PGlite. Claims and placements follow the rules (owner or
// collaborator, verified on chain now, free slot, fresh version), everyone in the room sees
// them, a transfer hides the exhibit and tells the owner, and so does the periodic re-check when
// the watcher has not seen it, and layouts survive a restart.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { matchMaker } from '@colyseus/core'
import { Client, type Room } from 'colyseus.js'
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import type { Space } from '../../src/protocol/scene'
import { clampFree, type FreeBounds } from '../../src/protocol/spaces'
import { startServer, type RunningServer } from '../app'
import { testConfig } from '../testConfig'
import { freshPgliteDir } from '../db/testPglite'
import { captureLogs } from '../log'
import { devWallets, mined } from '../devchain'
import type { WorldState } from '../rooms/WorldState'
import { spacesChannel } from './room'
import type { SpaceChange } from './service'
import { signIn as signInAt } from '../events/testKit'

const WORLD = 'block-park-village'
const SPACE = 'test-plot'
let tmp: string
let server: RunningServer
let deployment: { pixels: string; copycat: string }
/** The test plot's bounds, as the editor knows them from the scene. */
let bounds: FreeBounds
const rooms: Room[] = []

function env(extra: Record<string, string> = {}) {
  return {
    PORT: '0',
    CLIENT: 'none',
    DATA_DIR: path.join(tmp, 'data'),
    SCENES_DIR: path.join(tmp, 'scenes'),
    ANVIL_PORT: '0',
    CHAIN_POLL_MS: '200',
    SPACE_RECHECK_S: '0',
    SPACE_ASSIGN: `${WORLD}/assigned-plot=${devWallets()[2]!.address}`,
    // Account #2 holds the assigned plot and may claim one more.
    SPACE_LIMIT: '2',
    ...extra,
  }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-spaces-'))
  // The real scenes, with one space of our own in the village.
  fs.cpSync('scenes', path.join(tmp, 'scenes'), { recursive: true })
  const file = path.join(tmp, 'scenes', `${WORLD}.json`)
  const scene = JSON.parse(fs.readFileSync(file, 'utf8'))
  const [x, y, z] = scene.spawn.position
  const space: Omit<Space, 'height' | 'limits'> & { limits: { exhibits: number } } = {
    id: SPACE,
    kind: 'plot',
    title: { 'zh-CN': '测试地块', en: 'Test plot' },
    area: [x - 5, z - 4, x + 5, z + 4],
    floorY: y,
    slots: [
      { id: 'a', kind: 'wall', position: [x - 2, y + 1.5, z - 4], rotY: 0, size: 1.5 },
      { id: 'b', kind: 'wall', position: [x + 2, y + 1.5, z - 4], rotY: 0, size: 1.5 },
      { id: 'c', kind: 'pedestal', position: [x, y + 1, z], rotY: 0, size: 1 },
    ],
    limits: { exhibits: 3 },
  }
  bounds = { area: space.area, floorY: space.floorY, height: 6 }
  const assigned = { ...space, id: 'assigned-plot', title: { 'zh-CN': '指定', en: 'Assigned' } }
  const spare = { ...space, id: 'spare-plot', title: { 'zh-CN': '备用', en: 'Spare' } }
  scene.spaces = [
    ...(scene.spaces ?? []).filter((s: { id: string }) => s.id !== SPACE),
    space,
    assigned,
    spare,
  ]
  fs.writeFileSync(file, JSON.stringify(scene))
  // An initialised empty database, copied (PGlite's initdb in a new folder took about 4 s).
  await freshPgliteDir(env().DATA_DIR)
  server = await startServer(testConfig(env()))
  await server.spaces
  deployment = JSON.parse(fs.readFileSync(path.join(tmp, 'data/chain/deployment.json'), 'utf8'))
}, 300_000)

afterAll(async () => {
  await Promise.all(rooms.map((r) => r.connection.isOpen && r.leave().catch(() => {})))
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function until<T>(read: () => T, ms = 10_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms
  for (;;) {
    const v = read()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out waiting for ${read.toString()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** A session per wallet, reused: sign-in is rate-limited per client address (10, then one per
 * 2 s), and this file's visitors all come from 127.0.0.1. Cleared when the server restarts. */
const tokens = new Map<number, string>()

/** A dev wallet's token, signed in once per wallet (server/events/testKit.ts does the SIWE steps). */
async function signIn(index: number): Promise<string> {
  const known = tokens.get(index)
  if (known) return known
  const token = await signInAt(server.url, index)
  tokens.set(index, token)
  return token
}

type Inbox = { [T in keyof ServerMessages]: ServerMessages[T][] }

async function visitor(name: string, walletIndex?: number) {
  const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate<WorldState>(
    'world',
    { world: WORLD, name },
  )
  rooms.push(room)
  const inbox = {} as Inbox
  for (const type of ['error', 'authed', 'space.ok', 'space.hidden'] as const) {
    inbox[type] = []
    room.onMessage(type, (m) => (inbox[type] as unknown[]).push(m))
  }
  room.onMessage('*', () => {})
  if (walletIndex !== undefined) {
    room.send('auth', { token: await signIn(walletIndex) })
    await until(() => inbox.authed.length > 0)
  }
  /** Sends a space edit and waits for its answer: the ack, or the error. */
  const edit = async (type: string, payload: object) => {
    const [oks, errors] = [inbox['space.ok'].length, inbox.error.length]
    room.send(type, { space: SPACE, ...payload })
    await until(() => inbox['space.ok'].length > oks || inbox.error.length > errors)
    return inbox.error.length > errors
      ? { error: inbox.error.at(-1)!.code }
      : { ok: inbox['space.ok'].at(-1)! }
  }
  const space = () => room.state.spaces?.get(SPACE)
  return { room, inbox, edit, space }
}

const pixel = (tokenId: number) => ({
  chainId: 31337,
  contract: deployment.pixels,
  tokenId: String(tokenId),
})
const slot = (s: string) => ({ kind: 'slot' as const, slot: s })

describe('creator spaces', () => {
  let placed = ''

  it('lets a signed-in wallet claim a free plot and place a verified collectible', async () => {
    const anon = await visitor('anon')
    expect(await anon.edit('space.claim', {})).toEqual({ error: 'not_signed_in' })

    const owner = await visitor('owner', 1)
    const friend = await visitor('friend', 2)
    // Nobody owns it yet: placing is refused.
    expect(
      await owner.edit('space.place', { base: 0, token: pixel(2), placement: slot('a') }),
    ).toEqual({ error: 'not_editor' })
    expect((await owner.edit('space.claim', {})).ok).toMatchObject({ op: 'claim', version: 0 })
    expect(await friend.edit('space.claim', {})).toEqual({ error: 'space_taken' })
    await until(() => anon.space()?.owner === devWallets()[1]!.address)

    const place = await owner.edit('space.place', {
      base: 0,
      token: pixel(2),
      placement: slot('a'),
    })
    expect(place.ok).toMatchObject({ op: 'place', version: 1 })
    placed = place.ok!.id!
    // Everyone in the room sees it.
    const seen = await until(() => anon.space()?.exhibits.get(placed))
    expect(seen).toMatchObject({ tokenId: '2', slot: 'a', hidden: '' })
    expect(seen.title.length).toBeGreaterThan(0)
  })

  it('gives a space to the address configuration assigns it to', async () => {
    const anyone = await visitor('anyone')
    const space = await until(() => anyone.room.state.spaces?.get('assigned-plot'))
    expect(space.owner).toBe(devWallets()[2]!.address)
  })

  it('refuses a claim from a wallet without a verified collectible or an assignment', async () => {
    // Account #0 deploys the demo collections and holds none of them: a throwaway key.
    const empty = await visitor('empty', 0)
    expect(await empty.edit('space.claim', { space: 'spare-plot' })).toEqual({
      error: 'no_credential',
    })
    expect(empty.room.state.spaces?.get('spare-plot')).toBeUndefined()
  })

  it('lets an owner release a claimed space, and nobody else', async () => {
    const friend = await visitor('friend', 2)
    const owner = await visitor('owner', 1)
    const other = await visitor('other')
    expect((await friend.edit('space.claim', { space: 'spare-plot' })).ok).toMatchObject({
      op: 'claim',
    })
    await until(() => other.room.state.spaces?.get('spare-plot')?.owner)
    expect(await owner.edit('space.release', { space: 'spare-plot' })).toEqual({
      error: 'not_owner',
    })
    // An assigned space stays with its assignee.
    expect(await friend.edit('space.release', { space: 'assigned-plot' })).toEqual({
      error: 'not_owner',
    })
    expect((await friend.edit('space.release', { space: 'spare-plot' })).ok).toMatchObject({
      op: 'release',
      version: 0,
    })
    await until(() => !other.room.state.spaces?.has('spare-plot'))
    expect(other.room.state.spaces?.get('assigned-plot')?.owner).toBe(devWallets()[2]!.address)
    expect(await friend.edit('space.release', { space: 'spare-plot' })).toEqual({
      error: 'unknown_space',
    })
  })

  it('frees a claim that got no exhibit within the TTL, and everyone sees it free', async () => {
    const friend = await visitor('friend', 2)
    const other = await visitor('other')
    expect((await friend.edit('space.claim', { space: 'spare-plot' })).ok).toBeDefined()
    await until(() => other.room.state.spaces?.get('spare-plot')?.owner)
    const { spaces } = await server.spaces
    // Not yet: the claim is fresh.
    expect(await spaces.expireUnused()).toEqual([])
    // Two TTLs on: the unused spare plot lapses; the test plot (with exhibits) stays.
    const lapsed = await spaces.expireUnused(Date.now() + 2 * 86_400_000)
    expect(lapsed).toEqual([{ spaceId: 'spare-plot', world: WORLD }])
    await until(() => !other.room.state.spaces?.has('spare-plot'))
    expect(other.room.state.spaces?.get(SPACE)?.owner).toBe(devWallets()[1]!.address)
  })

  it('refuses what the rules do not allow, and changes nothing', async () => {
    const owner = await visitor('owner', 1)
    const friend = await visitor('friend', 2)
    await until(() => owner.space()?.version === 1)
    const copycat = { chainId: 31337, contract: deployment.copycat, tokenId: '1' }
    expect(
      await owner.edit('space.place', { base: 1, token: copycat, placement: slot('b') }),
    ).toEqual({
      error: 'not_verified',
    })
    // Account #2's pixel: not the owner's to exhibit.
    expect(
      await owner.edit('space.place', { base: 1, token: pixel(7), placement: slot('b') }),
    ).toEqual({
      error: 'not_verified',
    })
    expect(
      await friend.edit('space.place', { base: 1, token: pixel(7), placement: slot('b') }),
    ).toEqual({
      error: 'not_editor',
    })
    expect(
      await owner.edit('space.place', { base: 1, token: pixel(3), placement: slot('a') }),
    ).toEqual({
      error: 'slot_taken',
    })
    expect(
      await owner.edit('space.place', { base: 0, token: pixel(3), placement: slot('b') }),
    ).toEqual({
      error: 'version_conflict',
    })
    const outside = { kind: 'free', x: 0, y: 0, z: 0, rotY: 0, scale: 1 }
    expect(
      await owner.edit('space.place', { base: 1, token: pixel(3), placement: outside }),
    ).toEqual({
      error: 'bad_placement',
    })
    expect(owner.space()?.version).toBe(1)
    expect(owner.space()?.exhibits.size).toBe(1)
  })

  it('lets a collaborator place, and the owner restore an earlier version', async () => {
    const owner = await visitor('owner', 1)
    const friend = await visitor('friend', 2)
    await until(() => owner.space()?.version === 1)
    const add = await owner.edit('space.collaborator', {
      address: devWallets()[2]!.address,
      add: true,
    })
    expect(add.ok).toBeDefined()
    const theirs = await friend.edit('space.place', {
      base: 1,
      token: pixel(7),
      placement: slot('b'),
    })
    expect(theirs.ok).toMatchObject({ version: 2 })
    await until(() => owner.space()?.exhibits.size === 2)
    const restored = await owner.edit('space.restore', { version: 1 })
    expect(restored.ok).toMatchObject({ version: 3 })
    await until(() => owner.space()?.exhibits.size === 1 && owner.space()?.version === 3)
    // The history, newest first, for the owner and the collaborator; not for anyone else.
    const history = await friend.edit('space.history', {})
    expect(history.ok?.versions?.map((v) => [v.version, v.note, v.count])).toEqual([
      [3, 'restore:1', 1],
      [2, 'place', 2],
      [1, 'place', 1],
    ])
    expect(history.ok?.versions?.[1]?.by.toLowerCase()).toBe(devWallets()[2]!.address.toLowerCase())
    const stranger = await visitor('stranger', 0)
    expect(await stranger.edit('space.history', {})).toEqual({ error: 'not_editor' })

    // Only the owner turns it into an immersive exhibition, and everyone in the room sees it
    // so (that the mode outlives layout edits is the store's test). No layout version is made.
    expect(await friend.edit('space.mode', { mode: 'immersive' })).toEqual({ error: 'not_owner' })
    expect(await stranger.edit('space.mode', { mode: 'immersive' })).toEqual({
      error: 'not_owner',
    })
    // A free space has no owner to choose (the spare plot is free again by now).
    expect(await owner.edit('space.mode', { space: 'spare-plot', mode: 'immersive' })).toEqual({
      error: 'unknown_space',
    })
    // Published, not only reloaded here: the world's other instances show it too.
    const published: SpaceChange[] = []
    const onChange = (c: SpaceChange) => published.push(c)
    await matchMaker.presence.subscribe(spacesChannel(WORLD), onChange)
    const mode = await owner.edit('space.mode', { mode: 'immersive' })
    expect(mode.ok).toMatchObject({ op: 'mode', version: 3 })
    await until(() => published.length > 0)
    await matchMaker.presence.unsubscribe(spacesChannel(WORLD), onChange)
    expect(published).toEqual([{ world: WORLD, space: SPACE }])
    await until(() => stranger.space()?.mode === 'immersive')
    expect(stranger.space()?.version).toBe(3)
    expect((await owner.edit('space.mode', { mode: 'gallery' })).ok).toBeDefined()
    await until(() => stranger.space()?.mode === 'gallery')
  })

  it('hides an exhibit whose token changes hands, and tells the owner', async () => {
    const owner = await visitor('owner', 1)
    const other = await visitor('other')
    await until(() => other.space()?.exhibits.get(placed))
    const provider = new JsonRpcProvider(
      JSON.parse(fs.readFileSync(path.join(tmp, 'data/chain/trust-registry.json'), 'utf8'))
        .chains[0].rpcUrls[0],
      31337,
      { staticNetwork: true },
    )
    const signer = new NonceManager(new Wallet(devWallets()[1]!.privateKey, provider))
    const pixels = new Contract(
      deployment.pixels,
      ['function transferFrom(address from, address to, uint256 tokenId)'],
      signer,
    )
    const tx = await pixels.getFunction('transferFrom')(
      devWallets()[1]!.address,
      devWallets()[2]!.address,
      2,
    )
    await mined(tx)
    const hidden = await until(() => other.space()?.exhibits.get(placed)?.hidden, 30_000)
    expect(hidden).toContain('not_owner')
    const told = await until(() => owner.inbox['space.hidden'][0])
    expect(told).toMatchObject({ space: SPACE, id: placed })
    provider.destroy()
  })

  it('keeps the layout across a restart, and skips an assignment that conflicts', async () => {
    for (const r of rooms.splice(0)) await r.leave().catch(() => {})
    await server.stop()
    tokens.clear() // sessions live in this process's memory
    const logs = captureLogs()
    // Configuration now gives the test plot, owned by account #1, to account #0.
    const conflicting = `${WORLD}/test-plot=${devWallets()[0]!.address}`
    server = await startServer(
      testConfig(env({ SPACE_ASSIGN: `${env().SPACE_ASSIGN},${conflicting}` })),
    )
    await server.spaces
    logs.stop()
    const skipped = logs.entries.filter((e) => e.msg === 'SPACE_ASSIGN skipped')
    expect(skipped).toMatchObject([{ level: 'warn', world: WORLD, space: 'test-plot' }])
    // Sign-in still works: spaces are on.
    await visitor('signs-in', 1)
    const late = await visitor('late')
    const space = await until(() => (late.space()?.exhibits.size ? late.space() : null))
    expect(space.owner).toBe(devWallets()[1]!.address)
    expect(space.version).toBe(3)
    expect(space.exhibits.get(placed)?.hidden).toContain('not_owner')
  }, 120_000)

  it('stores a free placement exactly as the editor proposes it, and refuses one outside', async () => {
    const owner = await visitor('owner', 1)
    const base = (await until(() => owner.space())).version
    // Off the grid and past the east edge: what the editor never sends. Refused, nothing changes.
    const raw = {
      kind: 'free' as const,
      x: bounds.area[2] + 0.6,
      y: bounds.floorY + 0.37,
      z: bounds.area[1] + 1.13,
      rotY: -0.3,
      scale: 1.4,
    }
    expect(await owner.edit('space.move', { base, id: placed, placement: raw })).toEqual({
      error: 'bad_placement',
    })
    const p = clampFree(bounds, raw)
    const moved = await owner.edit('space.move', { base, id: placed, placement: p })
    expect(moved.ok).toMatchObject({ op: 'move', version: base + 1 })
    const e = await until(() =>
      owner.space()?.version === base + 1 ? owner.space()?.exhibits.get(placed) : null,
    )
    // float32 in the room state.
    for (const k of ['x', 'y', 'z', 'rotY', 'scale'] as const) expect(e[k]).toBeCloseTo(p[k], 4)
    expect(e.slot).toBe('')
  })

  it('hides an exhibit on the periodic re-check once its token is gone, and keeps the others', async () => {
    for (const r of rooms.splice(0)) await r.leave().catch(() => {})
    await server.stop()
    tokens.clear()
    // The watcher's first poll is 10 minutes away: only the re-check (every second) can notice.
    server = await startServer(testConfig(env({ SPACE_RECHECK_S: '1', CHAIN_POLL_MS: '600000' })))
    await server.spaces
    const owner = await visitor('owner', 1)
    const other = await visitor('other')
    const base = (await until(() => owner.space())).version
    const gone = await owner.edit('space.place', { base, token: pixel(3), placement: slot('b') })
    const kept = await owner.edit('space.place', {
      base: base + 1,
      token: pixel(4),
      placement: slot('c'),
    })
    expect(gone.ok && kept.ok, JSON.stringify([gone, kept])).toBeTruthy()
    const [a, b] = [gone.ok!.id!, kept.ok!.id!]
    await until(() => other.space()?.exhibits.get(b))
    const rpc = JSON.parse(
      fs.readFileSync(path.join(tmp, 'data/chain/trust-registry.json'), 'utf8'),
    ).chains[0].rpcUrls[0]
    const provider = new JsonRpcProvider(rpc, 31337, { staticNetwork: true })
    const move = async (by: number, to: number) => {
      const pixels = new Contract(
        deployment.pixels,
        ['function transferFrom(address from, address to, uint256 tokenId)'],
        new NonceManager(new Wallet(devWallets()[by]!.privateKey, provider)),
      )
      const [from, dest] = [devWallets()[by]!.address, devWallets()[to]!.address]
      await mined(await pixels.getFunction('transferFrom')(from, dest, 3))
    }
    try {
      await move(1, 2)
      const hidden = await until(() => other.space()?.exhibits.get(a)?.hidden, 90_000)
      expect(hidden).toContain('not_owner')
      expect(await until(() => owner.inbox['space.hidden'][0], 30_000)).toMatchObject({ id: a })
      // Back with its owner: a later re-check shows it again. Rounds run one at a time, so a
      // whole round (the one that hid it) checked the other exhibit while its owner held it;
      // the owner's patches and messages come in order on one connection.
      await move(2, 1)
      await until(() => owner.space()?.exhibits.get(a)?.hidden === '', 90_000)
      expect(owner.space()?.exhibits.get(b)?.hidden).toBe('')
      expect(owner.inbox['space.hidden'].map((m) => m.id)).toEqual([a])
      expect(other.space()?.owner).toBe(devWallets()[1]!.address)
    } finally {
      provider.destroy()
    }
  }, 240_000)
})
