// Live gatherings through the real stack in one process: the events API with wallet sign-in,
// event rooms over WebSocket with colyseus.js clients, PGlite. Roles and permissions, the
// stage closed to the audience, moderation (mute, kick, ban), overflow into a second instance
// that mirrors the screen, announcements, the cast and attendance, and ending the event.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EVENT_LIMITS, type EventInfo, type ScreenState } from '../src/protocol/events'
import { CLOSE_CODES } from '../src/protocol/messages'
import type { Stage } from '../src/protocol/scene'
import { matchMaker } from '@colyseus/core'
import { type RunningServer } from './app'
import { REACTION_WINDOW_MS } from './events/audience'
import {
  attend,
  attendees,
  createEvent,
  draft,
  refusal,
  signIn,
  type Attendee,
  until,
  wallet,
} from './events/testKit'
import { startEventsServer, stopEventsServer } from './events/testServer'

let tmp: string
let server: RunningServer
let stage: Stage
const tokens: string[] = []

beforeAll(async () => {
  // Room for every test's events; the last test floods past it.
  ;({ server, tmp, stage } = await startEventsServer('events', { EVENTS_PER_HOUR: '40' }))
  for (let i = 0; i < 5; i++) tokens.push(await signIn(server.url, i))
}, 60_000)

afterEach(async () => {
  await Promise.all(attendees.splice(0).map((a) => a.leave()))
})

afterAll(() => stopEventsServer(server, tmp))

const HOST = 0
const screenOf = (a: { room: { state: { event?: { screen: string } } } }) =>
  JSON.parse(a.room.state.event?.screen ?? 'null') as ScreenState | null

describe('the events API', () => {
  it('creates an event for a signed-in host, lists it and reads it back', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(new URL('/api/events', server.url), {
        method: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body: JSON.stringify(body),
      })
    const anon = await post(draft())
    expect(anon.status).toBe(401)
    expect(await anon.json()).toMatchObject({ error: 'no_session' })
    const bad = await post({ ...draft(), capacity: 1 }, tokens[HOST])
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'bad_input' })
    const noStage = await post(draft({ stage: 'nowhere' }), tokens[HOST])
    expect(await noStage.json()).toMatchObject({ error: 'unknown_stage' })

    const created = await post(draft(), tokens[HOST])
    expect(created.status).toBe(201)
    const event = (await created.json()) as EventInfo
    expect(event).toMatchObject({
      host: wallet(HOST).address,
      status: 'upcoming',
      attendance: 0,
      capacity: 10,
      stage: stage.id,
    })
    const list = (await (await fetch(new URL('/api/events', server.url))).json()) as {
      events: EventInfo[]
    }
    expect(list.events.map((e) => e.id)).toContain(event.id)
    const one = await fetch(new URL(`/api/events/${event.id}`, server.url))
    expect(await one.json()).toEqual(event)
    const missing = await fetch(new URL('/api/events/zzzzzzzzzzzz', server.url))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: 'unknown_event' })
    // A long id is not quoted back (log lines and answers stay bounded).
    const long = await fetch(new URL(`/api/events/${'x'.repeat(4000)}`, server.url))
    expect(long.status).toBe(404)
    const body = (await long.json()) as { message: string }
    expect(body.message).toBe('there is no event with that id')
  })
})

describe('the events listing', () => {
  type Listing = { events: EventInfo[] }
  const listing = async () =>
    (await (await fetch(new URL('/api/events', server.url))).json()) as Listing

  it('ranks live events by attendance, then upcoming ones by start time', async () => {
    const now = Date.now()
    const small = await createEvent(server.url, tokens[3]!, { startsAt: now + 60_000 })
    const big = await createEvent(server.url, tokens[4]!, { startsAt: now + 90_000 })
    const hours = (h: number) => ({
      startsAt: now + h * 3600_000,
      endsAt: now + (h + 1) * 3600_000,
    })
    const later = await createEvent(server.url, tokens[1]!, hours(2))
    const sooner = await createEvent(server.url, tokens[2]!, hours(1))
    const smallHost = await attend(server.url, small.id, 'Small', tokens[3])
    const bigHost = await attend(server.url, big.id, 'Big', tokens[4])
    expect(await smallHost.act('event.live', { live: true })).toBe(null)
    expect(await bigHost.act('event.live', { live: true })).toBe(null)
    await attend(server.url, big.id, 'Fan 1')
    await attend(server.url, big.id, 'Fan 2')
    const mine = [small.id, big.id, later.id, sooner.id]
    // Instances report attendance about once a second: wait for the counts, not for a time.
    let seen: EventInfo[] = []
    for (let i = 0; i < 400; i++) {
      const { events } = await listing()
      seen = events.filter((e) => mine.includes(e.id))
      const count = (id: string) => seen.find((e) => e.id === id)?.attendance
      if (count(big.id) === 3 && count(small.id) === 1) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(seen.map((e) => [e.id, e.status])).toEqual([
      [big.id, 'live'],
      [small.id, 'live'],
      [sooner.id, 'upcoming'],
      [later.id, 'upcoming'],
    ])
  })
})

describe('an event room', () => {
  it('gives each role what it may do, and nothing more', async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    expect(host.inbox['event.welcome'][0]).toMatchObject({ role: 'host', instance: 1 })
    const guest = await attend(server.url, event.id, 'Guest')
    expect(guest.inbox['event.welcome'][0]).toMatchObject({ role: 'audience' })

    const video = { action: 'load', media: { kind: 'video', url: '/assets/video/demo.mp4' } }
    expect(await guest.act('event.screen', video)).toBe('not_allowed')
    expect(await guest.act('event.announce', { text: 'hi all' })).toBe('not_allowed')
    expect(await guest.act('event.live', { live: true })).toBe('not_allowed')
    expect(
      await guest.act('event.moderate', { action: 'kick', session: host.room.sessionId }),
    ).toBe('not_allowed')
    expect(await guest.act('event.role', { address: wallet(4).address, role: 'moderator' })).toBe(
      'not_allowed',
    )
    expect(screenOf(guest)?.media).toBeNull()

    // The host makes wallet 1 a moderator; their seat learns it at once.
    const mod = await attend(server.url, event.id, 'Mod', tokens[1])
    expect(mod.inbox['event.welcome'][0]).toMatchObject({ role: 'audience' })
    expect(await host.act('event.role', { address: wallet(1).address, role: 'moderator' })).toBe(
      null,
    )
    await until(() => mod.inbox['event.role'].at(-1)?.role === 'moderator')
    expect(await mod.act('event.screen', video)).toBe('not_allowed')
    expect(await mod.act('event.announce', { text: '请保持安静' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].some((a) => a.text === '请保持安静'))
    // Cleaned like chat: no control or bidi-override characters reach anyone.
    expect(await mod.act('event.announce', { text: 'a\u202e\u0007b  \u200bc' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].some((a) => a.text === 'a b c'))
    expect(await mod.act('event.moderate', { action: 'kick', session: host.room.sessionId })).toBe(
      'not_allowed',
    )

    // The host runs the screen: every screen changes with the server's time.
    expect(await host.act('event.screen', video)).toBe(null)
    const pressed = Date.now()
    expect(await host.act('event.screen', { action: 'play', position: 12 })).toBe(null)
    const screen = await until(() => (screenOf(guest)?.playing ? screenOf(guest) : null))
    expect(screen).toMatchObject({ media: video.media, position: 12 })
    // Stamped when the server took the play (this process's clock), however slowly it came.
    expect(screen.at).toBeGreaterThanOrEqual(pressed)
    expect(screen.at).toBeLessThanOrEqual(Date.now())
    expect(await host.act('event.screen', { action: 'slide', slide: 1 })).toBe('bad_media')
  })

  it('keeps the audience off the stage; the host may stand there', async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const guest = await attend(server.url, event.id, 'Guest')
    const [x0, z0, x1] = stage.area
    const [ax, ay, az] = stage.audience.position
    const onStage = { x: (x0 + x1) / 2, y: stage.floorY, z: z0 + 1, h: 0, a: 'walk' }
    // The guest walks towards the stage in small steps; the last one would be on it.
    for (let z = az; z < z0 + 1; z += 1) {
      guest.room.send('pose', { ...onStage, x: ax, y: ay, z: Math.min(z + 1, z0 + 1) })
      await new Promise((r) => setTimeout(r, 120))
    }
    const fix = await until(() => guest.inbox.correction[0])
    expect(fix.z).toBeLessThan(z0)
    expect(guest.inbox.error.map((e) => e.code)).toContain('out_of_bounds')
    // The host spawned on the stage and moves about on it without corrections. The room
    // answers a seat's messages in order: a correction would come before the pong.
    host.room.send('pose', onStage)
    host.room.send('ping', { t: 1 })
    await until(() => host.inbox.pong.length === 1, 'the pong after the pose')
    expect(host.inbox.error).toEqual([])
    expect(host.inbox.correction).toEqual([])
  })

  it('a host who signs out in the event is a guest there from then on', async () => {
    // A token of the host's own, so the file's shared one stays signed in.
    const token = await signIn(server.url, HOST)
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', token)
    expect(host.inbox['event.welcome'][0]!.role).toBe('host')
    const out = await fetch(new URL('/api/auth/logout', server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
    })
    expect(out.status).toBe(200)
    await until(() => host.inbox['event.role'].some((r) => r.role === 'audience'))
    expect(host.inbox.error.some((e) => e.code === 'bad_token' && e.type === 'auth')).toBe(true)
    expect(await host.act('event.live', { live: true })).toBe('not_allowed')
  })

  it('delivers an announcement that pub/sub lost (as while Redis restarts) from the backlog', async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const guest = await attend(server.url, event.id, 'Guest')
    expect(await host.act('event.announce', { text: 'one' })).toBe(null)
    await until(() => guest.inbox['event.announcement'].length === 1)
    // Stored as the megaphone stores it, but never published: only the counter says so.
    const presence = matchMaker.presence
    const seq = Number(await presence.incr(`cq:event:${event.id}:seq`))
    const lost = { seq, text: 'missed', from: 'Host', at: Date.now() }
    await presence.hset(`cq:event:${event.id}:ann`, String(seq), JSON.stringify(lost))
    await until(() => guest.inbox['event.announcement'].some((a) => a.text === 'missed'))
    expect(guest.inbox['event.announcement'].map((a) => a.seq)).toEqual([1, 2])
  })

  it('mutes, kicks and bans', async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const chatty = await attend(server.url, event.id, 'Chatty', tokens[2])
    const rude = await attend(server.url, event.id, 'Rude', tokens[3])
    const guest = await attend(server.url, event.id, 'Guest')

    expect(
      await host.act('event.moderate', {
        action: 'mute',
        session: chatty.room.sessionId,
        minutes: 5,
      }),
    ).toBe(null)
    const muted = await until(() => chatty.inbox['event.muted'][0])
    expect(muted.until).toBeGreaterThan(Date.now() + 4 * 60_000)
    chatty.room.send('chat', { text: 'hello?' })
    await until(() => chatty.inbox.error.some((e) => e.code === 'muted'))
    guest.room.send('chat', { text: 'hello from the guest' })
    await until(() => host.inbox.chat.length > 0)
    expect(host.inbox.chat.map((c) => c.text)).toEqual(['hello from the guest'])

    expect(
      await host.act('event.moderate', { action: 'kick', session: guest.room.sessionId }),
    ).toBe(null)
    expect(await guest.closed).toBe(CLOSE_CODES.kicked)
    expect(
      await host.act('event.moderate', { action: 'kick', session: guest.room.sessionId }),
    ).toBe('unknown_target')

    expect(await host.act('event.moderate', { action: 'ban', address: wallet(3).address })).toBe(
      null,
    )
    expect(await rude.closed).toBe(CLOSE_CODES.banned)
    expect(await refusal(server.url, event.id, tokens[3])).toMatch(/^banned: /)
    expect(await refusal(server.url, event.id, 'not-a-token-at-all-0123456789')).toMatch(
      /^bad_token: /,
    )
    expect(await refusal(server.url, 'zzzzzzzzzzzz')).toMatch(/^unknown_event: /)
    expect(await host.act('event.moderate', { action: 'unban', address: wallet(3).address })).toBe(
      null,
    )
    expect(await refusal(server.url, event.id, tokens[3])).toBe('joined')
  })

  it("keeps the host's name the host's: look-alikes and reserved words get a neutral one", async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const nameOf = (a: Attendee) => a.room.state.players.get(a.room.sessionId)?.name
    const host = await attend(server.url, event.id, 'Li Wei', tokens[HOST])
    expect(nameOf(host)).toBe('Li Wei')
    for (const fake of ['L1 W\u200bei', 'ＬＩ ＷＥＩ', '主持人', '\u3164主持人']) {
      const impostor = await attend(server.url, event.id, fake, tokens[2])
      expect(nameOf(impostor), fake).toBe(`Visitor ${impostor.room.sessionId.slice(0, 4)}`)
    }
    const guest = await attend(server.url, event.id, 'Li Weiming')
    expect(nameOf(guest)).toBe('Li Weiming')
  })

  it('keeps a kicked address out for a while, and a mute across a rejoin', async () => {
    const event = await createEvent(server.url, tokens[HOST]!)
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const chatty = await attend(server.url, event.id, 'Chatty', tokens[2])
    const rude = await attend(server.url, event.id, 'Rude', tokens[3])
    const mute = { action: 'mute', session: chatty.room.sessionId, minutes: 5 }
    expect(await host.act('event.moderate', mute)).toBe(null)
    await until(() => chatty.inbox['event.muted'][0])
    // Leaving and coming back does not shake the mute off: it is held by address.
    await chatty.leave()
    const again = await attend(server.url, event.id, 'Chatty', tokens[2])
    const held = await until(() => again.inbox['event.muted'][0], 'the mute on rejoining')
    expect(held.until).toBeGreaterThan(Date.now() + 4 * 60_000)
    again.room.send('chat', { text: 'me again' })
    await until(() => again.inbox.error.some((e) => e.code === 'muted'))

    // A kicked address cannot walk straight back in.
    expect(await host.act('event.moderate', { action: 'kick', session: rude.room.sessionId })).toBe(
      null,
    )
    expect(await rude.closed).toBe(CLOSE_CODES.kicked)
    expect(await refusal(server.url, event.id, tokens[3])).toMatch(/^kicked: .*10 min/)
    // A kicked guest: guests from that client address are held; signed-in people are not.
    const guest = await attend(server.url, event.id, 'Guest')
    expect(
      await host.act('event.moderate', { action: 'kick', session: guest.room.sessionId }),
    ).toBe(null)
    expect(await guest.closed).toBe(CLOSE_CODES.kicked)
    expect(await refusal(server.url, event.id)).toMatch(/^kicked: /)
    expect(await refusal(server.url, event.id, tokens[4])).toBe('joined')
  })

  it('overflows into a second instance that mirrors the stage', async () => {
    const event = await createEvent(server.url, tokens[HOST]!, { capacity: 2 })
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const one = await attend(server.url, event.id, 'One')
    const two = await attend(server.url, event.id, 'Two')
    expect(host.room.roomId).toBe(one.room.roomId)
    expect(two.room.roomId).not.toBe(one.room.roomId)
    expect(two.inbox['event.welcome'][0]).toMatchObject({ instance: 2 })
    expect(host.inbox.welcome[0]).toMatchObject({ capacity: 2 })

    expect(await host.act('event.live', { live: true })).toBe(null)
    const slides = { kind: 'slides', urls: ['/assets/a.png', 'https://example.com/b.png'] }
    expect(await host.act('event.screen', { action: 'load', media: slides })).toBe(null)
    expect(await host.act('event.screen', { action: 'slide', slide: 1 })).toBe(null)
    expect(await host.act('event.announce', { text: 'Welcome, everyone' })).toBe(null)
    await until(() => two.room.state.event?.status === 'live')
    await until(() => screenOf(two)?.slide === 1)
    expect(screenOf(two)?.media).toEqual(slides)
    await until(() => two.inbox['event.announcement'].length === 1)
    expect(JSON.parse(await until(() => two.room.state.event.announcement))).toMatchObject({
      seq: 1,
    })
    await until(() => two.room.state.event.attendance === 3 && two.room.state.event.instances === 2)
    await until(() => one.room.state.event.attendance === 3)
    // The host stands in instance 1; instance 2 sees them in its cast.
    host.room.send('pose', { ...stagePose(), a: 'walk' })
    const cast = await until(() => two.room.state.event.cast.get(wallet(HOST).address))
    expect(cast).toMatchObject({ role: 'host', instance: 1, name: 'Host' })
    await until(
      () =>
        Math.abs((two.room.state.event.cast.get(wallet(HOST).address)?.z ?? 0) - stagePose().z) <
        0.1,
    )
    expect(one.room.state.event.cast.size).toBe(0)

    // A late joiner in instance 2 gets the announcements so far.
    const late = await attend(server.url, event.id, 'Late')
    expect(late.inbox['event.welcome'][0]).toMatchObject({ instance: 2 })
    expect(late.inbox['event.announcement'].map((a) => a.seq)).toEqual([1])
    const api = (await (
      await fetch(new URL(`/api/events/${event.id}`, server.url))
    ).json()) as EventInfo
    expect(api.status).toBe('live')

    // Reactions from both instances arrive summed, at most one message per window that passed
    // (a slow machine may spread them over more windows, never send one per reaction).
    const sentAt = Date.now()
    for (const a of [one, two, late]) a.room.send('event.react', { reaction: 'applause' })
    two.room.send('event.react', { reaction: 'hearts' })
    const sum = () =>
      one.inbox['event.reactions'].reduce(
        (s, r) => ({ applause: s.applause + r.applause, hearts: s.hearts + r.hearts }),
        { applause: 0, hearts: 0 },
      )
    await until(() => sum().applause === 3 && sum().hearts === 1)
    const windows = Math.floor((Date.now() - sentAt) / REACTION_WINDOW_MS) + 1
    expect(one.inbox['event.reactions'].length).toBeLessThanOrEqual(windows)
  })

  it('delivers every announcement to every instance in order, with no gaps', async () => {
    const event = await createEvent(server.url, tokens[HOST]!, { capacity: 2 })
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const mod = await attend(server.url, event.id, 'Mod', tokens[1])
    const a = await attend(server.url, event.id, 'A')
    const b = await attend(server.url, event.id, 'B')
    expect(new Set([host, mod, a, b].map((x) => x.room.roomId)).size).toBe(2)
    await host.act('event.role', { address: wallet(1).address, role: 'moderator' })
    await until(() => mod.inbox['event.role'].at(-1)?.role === 'moderator')
    // Two announcers in two instances at once (each within its rate limit).
    for (let i = 0; i < 3; i++) {
      host.room.send('event.announce', { text: `host ${i}` })
      mod.room.send('event.announce', { text: `mod ${i}` })
    }
    for (const x of [host, mod, a, b]) {
      await until(() => x.inbox['event.announcement'].length === 6)
      expect(x.inbox['event.announcement'].map((n) => n.seq)).toEqual([1, 2, 3, 4, 5, 6])
    }
  })

  it('queues raised hands across instances for the host to call', async () => {
    const event = await createEvent(server.url, tokens[HOST]!, { capacity: 2 })
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    await attend(server.url, event.id, 'One')
    const two = await attend(server.url, event.id, 'Two')
    expect(await two.act('event.hand', { up: true })).toBe(null)
    const hands = await until(() => host.inbox['event.hands'].find((h) => h.hands.length === 1))
    expect(hands.hands[0]).toMatchObject({ session: two.room.sessionId, name: 'Two', instance: 2 })
    expect(await host.act('event.call', { session: two.room.sessionId })).toBe(null)
    expect(await until(() => two.inbox['event.called'][0])).toEqual({ by: 'Host' })
    await until(() => host.inbox['event.hands'].at(-1)?.hands.length === 0)
    expect(await host.act('event.call', { session: two.room.sessionId })).toBe('unknown_target')
  })

  it('sends hosts one capped list per burst of hand changes, not the whole queue per change', async () => {
    const n = EVENT_LIMITS.handsListed + 5
    const event = await createEvent(server.url, tokens[HOST]!, { capacity: 15 })
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const crowd: Attendee[] = []
    for (let i = 0; i < n; i++) crowd.push(await attend(server.url, event.id, `P${i}`))
    const lists = () => host.inbox['event.hands'].slice(1) // [0]: the list on joining
    for (const p of crowd) p.room.send('event.hand', { up: true })
    const full = await until(() => lists().find((m) => m.total === n), 'every hand', 30_000)
    // Capped, oldest first, and counted in full.
    expect(full.hands).toHaveLength(EVENT_LIMITS.handsListed)
    const ats = full.hands.map((h) => h.at)
    expect(ats).toEqual([...ats].sort((x, y) => x - y))
    // n changes came as a few lists, not n lists of up to n hands each (n² hands in all).
    const sent = lists().length
    expect(sent).toBeLessThan(n / 3)
    const listed = lists().reduce((sum, m) => sum + m.hands.length, 0)
    expect(listed).toBeLessThanOrEqual(sent * EVENT_LIMITS.handsListed)
    // Raising a raised hand keeps its place; lowering one drops it from the count.
    const first = full.hands[0]!.session
    crowd.find((p) => p.room.sessionId === first)!.room.send('event.hand', { up: true })
    const other = crowd.find((p) => p.room.sessionId !== first)!
    other.room.send('event.hand', { up: false })
    const after = await until(() => lists().find((m) => m.total === n - 1), 'a lowered hand')
    expect(after.hands[0]!.session).toBe(first)
    expect(after.hands.some((h) => h.session === other.room.sessionId)).toBe(false)
  })

  it('ends: every instance closes and nobody can join any more', async () => {
    const event = await createEvent(server.url, tokens[HOST]!, { capacity: 2 })
    const host = await attend(server.url, event.id, 'Host', tokens[HOST])
    const one = await attend(server.url, event.id, 'One')
    const two = await attend(server.url, event.id, 'Two')
    host.room.send('event.live', { live: false })
    expect(await Promise.all([host.closed, one.closed, two.closed])).toEqual([
      CLOSE_CODES.ended,
      CLOSE_CODES.ended,
      CLOSE_CODES.ended,
    ])
    expect(await refusal(server.url, event.id)).toMatch(/^event_ended: /)
  })
})

function stagePose() {
  const [x0, z0, x1, z1] = stage.area
  return { x: (x0 + x1) / 2 + 1, y: stage.floorY, z: (z0 + z1) / 2 + 1, h: 0 }
}

// Last: it uses up the hour's events for the whole server.
describe('the global create rate', () => {
  it('refuses new events from fresh wallets past EVENTS_PER_HOUR with 429 and Retry-After', async () => {
    const post = (token: string) =>
      fetch(new URL('/api/events', server.url), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify(draft()),
      })
    let refused: Response | null = null
    let created = 0
    // Each wallet is within its own limits; together they reach the global one.
    for (let i = 0; i < 45 && !refused; i++) {
      const res = await post(tokens[i % tokens.length]!)
      if (res.status === 201) created++
      else refused = res
    }
    expect(refused?.status).toBe(429)
    expect(created).toBeLessThanOrEqual(40)
    const retry = Number(refused!.headers.get('retry-after'))
    expect(retry).toBeGreaterThanOrEqual(1)
    expect(retry).toBeLessThanOrEqual(3600)
    expect(await refused!.json()).toMatchObject({ error: 'busy', retryAfterS: retry })
    // Any other wallet too; listing and joining still work.
    expect((await post(tokens[0]!)).status).toBe(429)
    expect((await fetch(new URL('/api/events', server.url))).status).toBe(200)
  })
})
