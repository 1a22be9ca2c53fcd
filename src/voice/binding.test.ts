// The voice binding's handling of the server's messages and state, on a stand-in room link (no
// media: nothing here joins voice, so no microphone, WebRTC or media server is involved).
import { beforeEach, describe, expect, it } from 'vitest'
import type { RoomLink, SessionHost, WireState } from '../net/featureBinding'
import type { ServerMessages } from '../protocol/messages'
import { bind, micProblem } from './binding'
import { current } from './current'
import { useVoice } from './store'

type Handler = (m: never) => void

function fakeRoom() {
  const handlers = new Map<string, Handler>()
  const changes: (() => void)[] = []
  const sent: [string, unknown][] = []
  const voice = new Map<string, { feed: number; muted: boolean }>()
  const link: RoomLink = {
    sessionId: 'me',
    state: { voice } as unknown as WireState,
    isOpen: () => true,
    send: (type, payload) => void sent.push([type, payload]),
    onMessage: (type, handler) => void handlers.set(type, handler as Handler),
    onStateChange: (handler) => void changes.push(handler),
  }
  const deliver = <T extends keyof ServerMessages>(type: T, m: ServerMessages[T]) =>
    (handlers.get(type) as ((m: ServerMessages[T]) => void) | undefined)?.(m)
  const patch = async () => {
    for (const c of changes) c()
    await Promise.resolve()
  }
  return { link, sent, voice, deliver, patch }
}

const host: SessionHost = {
  world: 'w',
  room: () => null,
  refreshPeople: () => {},
  refreshVisible: () => {},
  problem: () => {},
}

describe('the voice binding', () => {
  beforeEach(() => {
    useVoice.getState().available()
    useVoice.getState().sessionEnded()
  })

  it('reads the room state voice map into the store', async () => {
    const room = fakeRoom()
    const b = bind(host, {})
    b.joined!(room.link)
    room.voice.set('a', { feed: 11, muted: false })
    room.voice.set('bad', { feed: -3, muted: false })
    await room.patch()
    expect(useVoice.getState().seats).toEqual({ a: { feed: 11, muted: false } })
    room.voice.set('a', { feed: 11, muted: true })
    await room.patch()
    expect(useVoice.getState().seats.a?.muted).toBe(true)
    b.leave!()
  })

  it('turns voice_off into off with the reason, and leaves other errors to others', () => {
    const room = fakeRoom()
    const b = bind(host, {})
    b.joined!(room.link)
    expect(b.error!({ code: 'voice_off', type: 'voice.join', message: 'no janus' })).toBe(true)
    expect(useVoice.getState()).toMatchObject({ status: 'off', message: 'no janus' })
    expect(b.error!({ code: 'rate_limited', type: 'chat', message: 'slow' })).toBe(false)
    b.leave!()
    expect(useVoice.getState().status).toBe('off')
  })

  it('says why voice ended, and keeps a moderator mute with its end', () => {
    const room = fakeRoom()
    const b = bind(host, {})
    b.joined!(room.link)
    const until = Date.now() + 60_000
    room.deliver('voice.muted', { until })
    expect(useVoice.getState().mutedUntil).toBe(until)
    room.deliver('voice.ended', { reason: 'kicked by a moderator' })
    expect(useVoice.getState()).toMatchObject({ status: 'error', message: 'kicked by a moderator' })
    b.leave!()
  })

  it('hands back a ticket nobody asked for, and a malformed one fails with the reason', async () => {
    const room = fakeRoom()
    const b = bind(host, {})
    b.joined!(room.link)
    const ticket = {
      url: 'ws://127.0.0.1:1/',
      room: 1,
      token: 't',
      expires: Date.now() + 600_000,
      pass: 'p',
      feed: 5,
      radius: 20,
      cap: 8,
    }
    room.deliver('voice.ticket', ticket)
    await Promise.resolve()
    expect(room.sent).toEqual([['voice.leave', {}]])
    room.deliver('voice.ticket', { ...ticket, url: 'http://evil.example' })
    await Promise.resolve()
    expect(useVoice.getState().status).toBe('error')
    expect(useVoice.getState().message).toMatch(/WebSocket/)
    b.leave!()
  })

  it('offers its api while the session is open, and none after', () => {
    const b = bind(host, {})
    expect(current.session).not.toBeNull()
    b.leave!()
    expect(current.session).toBeNull()
  })
})

describe('micProblem', () => {
  it('says how to allow a refused microphone, and names a missing one', () => {
    expect(micProblem(new DOMException('denied', 'NotAllowedError'))).toBe('voice.micDenied')
    expect(micProblem(new DOMException('none', 'NotFoundError'))).toBe('voice.micMissing')
    expect(micProblem(new Error('voice.micInsecure'))).toBe('voice.micInsecure')
    expect(micProblem(new Error('something else'))).toBe('something else')
  })
})
