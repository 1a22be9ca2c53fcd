// The media server's admission rules against a real Janus (the embedded one, started by the
// voice service on free ports in a temporary folder): only a pass in a room's `allowed` list
// admits a publisher, once; only a token this server signed, before it expires, opens a
// session; a subscriber needs its own publisher's private id; a crash is noticed and Janus is
// restarted; without a binary voice is off and says why.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JanusError, type JanusSession } from '../../src/protocol/janus'
import { NO_JANUS_REASON } from '../media/janus'
import { MediaService, type MediaRoom } from '../media/service'
import { joinPublisher, mediaSession, publishFake } from '../media/testJanus'
import { VIDEOROOM, signJanusToken } from '../media/tokens'

let tmp: string
let voice: MediaService
const sessions: JanusSession[] = []

async function until<T>(read: () => T, what: string, ms = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms
  for (;;) {
    const v = read()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** A visitor's session with a token this server signed. */
async function visitor(): Promise<JanusSession> {
  const s = await mediaSession(voice.publicUrl, voice.mediaToken().token)
  sessions.push(s)
  return s
}

async function refusedWith(work: Promise<unknown>): Promise<JanusError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(JanusError)
  return err as JanusError
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-voice-admission-'))
  voice = new MediaService({ mode: 'embedded' }, { dataDir: tmp })
  await voice.firstStart
  expect(voice.status()).toEqual({ available: true })
}, 60_000)

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.destroy()))
  await voice?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('the embedded media server', () => {
  it('writes its config with fresh secrets and takes signalling on loopback only', () => {
    const janus = voice.embedded!
    expect(janus.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    expect(path.dirname(janus.dir)).toBe(path.join(tmp, 'janus'))
    const jcfg = fs.readFileSync(path.join(janus.dir, 'janus.jcfg'), 'utf8')
    expect(jcfg).toContain(`token_auth_secret = "${janus.tokenSecret}"`)
    // No ICE interface list: Janus never gathers on loopback, so "lo" would match nothing and
    // let libnice gather everywhere, IPv6 too (wire.test checks the candidates it offers).
    expect(jcfg).not.toContain('ice_enforce_list')
    expect(fs.statSync(path.join(janus.dir, 'janus.jcfg')).mode & 0o077).toBe(0)
    const vr = fs.readFileSync(path.join(janus.dir, 'janus.plugin.videoroom.jcfg'), 'utf8')
    expect(vr).toContain(`admin_key = "${janus.adminKey}"`)
  })
})

describe('admission', () => {
  let a: MediaRoom
  let b: MediaRoom
  beforeAll(async () => {
    a = await voice.createRoom(8, 'room a')
    b = await voice.createRoom(8, 'room b')
  })

  it('admits a publisher with a pass from the allowed list, under its feed id', async () => {
    await voice.allowed(a, 'add', ['pass-one'])
    const p = await joinPublisher(await visitor(), a.id, 4242, 'pass-one', 'seat-1')
    expect(p.joined).toMatchObject({ videoroom: 'joined', room: a.id, id: 4242 })
    expect(p.privateId).toBeGreaterThan(0)
    const list = await voice.participants(a)
    expect(list.map((x) => [x.id, x.display])).toEqual([[4242, 'seat-1']])
  })

  it('refuses a join without a pass, with a used pass, or with another room’s pass', async () => {
    const s = await visitor()
    expect((await refusedWith(joinPublisher(s, a.id, 1, undefined, 'x'))).code).toBe(433)
    expect((await refusedWith(joinPublisher(s, a.id, 2, 'made-up', 'x'))).code).toBe(433)
    // Used (the server removes a pass once its feed is seen): it admits nobody after that.
    await voice.allowed(a, 'add', ['pass-two'])
    await joinPublisher(s, a.id, 3, 'pass-two', 'seat-3')
    await voice.allowed(a, 'remove', ['pass-two'])
    expect((await refusedWith(joinPublisher(s, a.id, 4, 'pass-two', 'x'))).code).toBe(433)
    await voice.allowed(b, 'add', ['pass-of-b'])
    expect((await refusedWith(joinPublisher(s, a.id, 5, 'pass-of-b', 'x'))).code).toBe(433)
    expect((await voice.participants(a)).map((x) => x.id).sort()).toEqual([3, 4242])
  })

  it('opens no session with a forged or expired token', async () => {
    const url = voice.publicUrl
    const forged = signJanusToken('not-the-secret', [VIDEOROOM], 600)
    await expect(mediaSession(url, forged)).rejects.toMatchObject({ code: 403 })
    const expired = signJanusToken(voice.embedded!.tokenSecret, [VIDEOROOM], -5)
    await expect(mediaSession(url, expired)).rejects.toMatchObject({ code: 403 })
    await expect(mediaSession(url, '')).rejects.toBeInstanceOf(JanusError)
    // A token for another plugin opens a session but attaches no VideoRoom handle.
    const streaming = signJanusToken(voice.embedded!.tokenSecret, ['janus.plugin.streaming'], 60)
    const s = await mediaSession(url, streaming)
    sessions.push(s)
    await expect(s.attach(VIDEOROOM)).rejects.toBeInstanceOf(JanusError)
  })

  it('refuses a subscriber without its own publisher’s private id', async () => {
    // A room set up as ours, plus Janus' dummy publisher: a feed that is "live" without WebRTC.
    const admin = await mediaSession(
      voice.publicUrl,
      signJanusToken(voice.embedded!.tokenSecret, [VIDEOROOM], 60),
    )
    sessions.push(admin)
    const h = await admin.attach(VIDEOROOM)
    const room = 1 + Math.floor(Math.random() * 1e9)
    await h.request({
      request: 'create',
      room,
      admin_key: voice.embedded!.adminKey,
      secret: 's',
      allowed: ['p'],
      require_pvtid: true,
      dummy_publisher: true,
      dummy_streams: [{ codec: 'opus' }],
    })
    const list = (await h.request({ request: 'listparticipants', room })).participants as {
      id: number
      dummy?: boolean
    }[]
    const dummy = list.find((x) => x.dummy)!.id
    const s = await visitor()
    const sub = await s.attach(VIDEOROOM)
    const join = { request: 'join', ptype: 'subscriber', room, streams: [{ feed: dummy }] }
    const err = await refusedWith(sub.message(join))
    expect(err.code).toBe(433)
    expect(err.message).toMatch(/private_id/)
    await expect(sub.message({ ...join, private_id: 12345 })).rejects.toMatchObject({ code: 433 })
    // With the private id of a publisher admitted to the room, the subscription goes ahead.
    const p = await joinPublisher(s, room, 77, 'p', 'seat')
    const ok = await s.attach(VIDEOROOM)
    const reply = await ok.message({ ...join, private_id: p.privateId })
    expect(reply.data.videoroom).toBe('attached')
    expect(reply.jsep?.type).toBe('offer')
  })

  it('lets a moderator mute a published audio stream (mid 0), and tells the publisher', async () => {
    await voice.allowed(a, 'add', ['pass-mute'])
    const p = await joinPublisher(await visitor(), a.id, 9001, 'pass-mute', 'seat-9')
    await expect(voice.moderate(a, 9001, '0', true)).rejects.toMatchObject({ code: 428 })
    await publishFake(p)
    await voice.moderate(a, 9001, '0', true)
    await until(
      () => p.events.find((e) => e.data?.moderation === 'muted' && e.data.id === 9001),
      'the moderation event',
    )
  })

  it('kicks a participant', async () => {
    await voice.allowed(a, 'add', ['pass-kick'])
    await joinPublisher(await visitor(), a.id, 555, 'pass-kick', 'seat-5')
    await voice.kick(a, 555)
    expect((await voice.participants(a)).map((x) => x.id)).not.toContain(555)
    await voice.kick(a, 555) // gone already: no error
  })
})

describe('supervision', () => {
  it('notices a crash, says voice is off, and starts Janus again with new secrets', async () => {
    const before = voice.embedded!
    let lost = ''
    const off = voice.onLost((reason) => (lost = reason))
    process.kill(before.pid, 'SIGKILL')
    await until(() => lost, 'the loss')
    expect(voice.status().available).toBe(false)
    expect(voice.status().reason).toMatch(/media server/)
    await until(() => voice.available, 'the restart', 30_000)
    off()
    expect(voice.embedded!.pid).not.toBe(before.pid)
    expect(voice.embedded!.tokenSecret).not.toBe(before.tokenSecret)
    // The old secret opens nothing on the new process.
    const old = signJanusToken(before.tokenSecret, [VIDEOROOM], 60)
    await expect(mediaSession(voice.publicUrl, old)).rejects.toMatchObject({ code: 403 })
    const s = await visitor()
    expect(s.open).toBe(true)
  }, 60_000)

  it('is off, with the reason and how to get Janus, when there is no binary', async () => {
    const none = new MediaService(
      { mode: 'embedded', binary: path.join(tmp, 'no-janus-here') },
      { dataDir: tmp },
    )
    await none.firstStart
    expect(none.status().available).toBe(false)
    expect(none.status().reason).toContain(NO_JANUS_REASON)
    await none.stop()
    const off = new MediaService({ mode: 'off' }, { dataDir: tmp })
    expect(off.status()).toEqual({
      available: false,
      reason: 'voice is turned off on this server (VOICE=off)',
    })
  })
})
