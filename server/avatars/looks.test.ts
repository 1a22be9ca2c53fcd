// Avatar looks on a whole server (embedded chain for sign-in, PGlite): the look a visitor
// arrives in and every change from the editor reach the others through the room's state; a look
// the schema refuses changes nothing; signing in keeps the look for the address, and the same
// address signing in on another device puts that look on there (`avatar.saved`).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { defaultLook, encodeLook, type AvatarLook } from '../../src/protocol/avatar'
import type { ServerMessages } from '../../src/protocol/messages'
import type { WireState } from '../../src/net/featureBinding'
import { startServer, type RunningServer } from '../app'
import { freshPgliteDir } from '../db/testPglite'
import { signIn, until } from '../events/testKit'
import { testConfig } from '../testConfig'

let tmp: string
let server: RunningServer
const rooms: Room[] = []

beforeAll(async () => {
  tmp = await freshPgliteDir(fs.mkdtempSync(path.join(os.tmpdir(), 'cq-looks-')))
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', DATA_DIR: tmp, ANVIL_PORT: '0' }),
  )
  await server.spaces
}, 300_000)

afterAll(async () => {
  await Promise.all(rooms.map((r) => r.leave().catch(() => {})))
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

interface Visitor {
  room: Room<WireState>
  errors: ServerMessages['error'][]
  saved: ServerMessages['avatar.saved'][]
}

async function visit(name: string, look?: unknown): Promise<Visitor> {
  const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate<WireState>(
    'world',
    { world: 'block-park-village', name, color: '#aa3322', ...(look !== undefined && { look }) },
  )
  rooms.push(room)
  const v: Visitor = { room, errors: [], saved: [] }
  room.onMessage('error', (m: ServerMessages['error']) => v.errors.push(m))
  room.onMessage('avatar.saved', (m: ServerMessages['avatar.saved']) => v.saved.push(m))
  room.onMessage('*', () => {})
  return v
}

/** The look `watcher` sees on `of`'s figure. */
const lookOf = (watcher: Visitor, of: Visitor) =>
  watcher.room.state.players?.get(of.room.sessionId)?.look

async function signInAs(v: Visitor, account: number) {
  let authed = false
  v.room.onMessage('authed', () => (authed = true))
  v.room.send('auth', { token: await signIn(server.url, account) })
  await until(() => authed, 'authed')
}

const hanfu: AvatarLook = {
  ...defaultLook('#c0392b'),
  outfit: 'hanfu',
  hair: 'bun',
  accessory: 'hairpin',
  height: 0.96,
}
const tangzhuang: AvatarLook = { ...defaultLook('#29335c'), outfit: 'tangzhuang', body: 'sturdy' }

it('shows a look to everyone, keeps it for the address and wears it on another device', async () => {
  const a = await visit('Ada', hanfu)
  const b = await visit('Bo')
  await until(() => lookOf(b, a) === encodeLook(hanfu), "Ada's look, as Bo sees it")
  // No look: the colour alone.
  await until(() => lookOf(a, b) !== undefined, 'Bo, as Ada sees him')
  expect(lookOf(a, b)).toBe('')

  // A change from the editor reaches the others.
  a.room.send('avatar.look', { look: tangzhuang })
  await until(() => lookOf(b, a) === encodeLook(tangzhuang), "Ada's new look")

  // A look the schema refuses is answered and changes nothing.
  a.room.send('avatar.look', { look: { ...tangzhuang, outfit: 'spacesuit' } })
  a.room.send('avatar.look', { look: { ...tangzhuang, height: 3 } })
  await until(() => a.errors.filter((e) => e.type === 'avatar.look').length === 2, 'refusals')
  expect(a.errors.every((e) => e.code === 'bad_shape')).toBe(true)
  expect(lookOf(b, a)).toBe(encodeLook(tangzhuang))

  // Signing in with an address that has no look yet keeps the one worn now: the same address
  // on another device, dressed otherwise, wears it there.
  await signInAs(a, 4)
  expect(a.saved).toEqual([])
  const c = await visit('Ada on her phone', hanfu)
  await signInAs(c, 4)
  await until(() => c.saved.length === 1, 'avatar.saved')
  expect(c.saved[0]!.look).toEqual(tangzhuang)
  await until(() => lookOf(b, c) === encodeLook(tangzhuang), 'the kept look on the phone')

  // An edit while signed in is kept for the address: a third device gets it.
  c.room.send('avatar.look', { look: hanfu })
  await until(() => lookOf(b, c) === encodeLook(hanfu), 'the edit on the phone')
  const d = await visit('Ada on a laptop')
  await signInAs(d, 4)
  await until(() => d.saved.length === 1, 'avatar.saved on the laptop')
  expect(d.saved[0]!.look).toEqual(hanfu)
}, 120_000)

it('ignores a look at joining that is not one', async () => {
  const watcher = await visit('Watcher')
  for (const bad of ['{}', { ...hanfu, vrm: 'http://elsewhere/x.vrm' }, 'x'.repeat(400), 7]) {
    const v = await visit('Odd', bad)
    await until(() => watcher.room.state.players?.get(v.room.sessionId), 'the odd visitor')
    expect(lookOf(watcher, v)).toBe('')
  }
}, 60_000)
