// Tests only: what the event tests share. A trust registry that lets wallets sign in without
// any chain running (sign-in checks signatures only), real SIWE sign-in over HTTP, and an
// attendee: a colyseus.js client in an event room that records every message and its close code.
import fs from 'node:fs'
import { Client, type Room } from 'colyseus.js'
import type { HDNodeWallet } from 'ethers'
import { buildSiweMessage } from '../../src/chain/siwe'
import type { EventDraft, EventInfo } from '../../src/protocol/events'
import type { ServerMessages } from '../../src/protocol/messages'
import { devWallets } from '../devchain'
import type { EventRoomState } from './state'
import { TEST_STAGE, TEST_WORLD } from './testScenes'

/** A registry naming a local chain whose RPC is never called (the poll interval is huge). */
export function writeSignInRegistry(file: string) {
  fs.writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      chains: [
        {
          chainId: 31337,
          kind: 'evm',
          local: true,
          name: { 'zh-CN': '测试链', en: 'Test chain' },
          rpcUrls: ['http://127.0.0.1:9'],
          issuers: [],
        },
      ],
    }),
  )
}

export const signInEnv = (registry: string) => ({
  CHAIN: 'registry',
  TRUST_REGISTRY: registry,
  CHAIN_POLL_MS: '600000',
})

export const wallet = (i: number): HDNodeWallet => devWallets(undefined, 6)[i]!

export async function until<T>(read: () => T, what = read.toString(), ms = 10_000) {
  const end = Date.now() + ms
  for (;;) {
    const v = read()
    if (v) return v as NonNullable<T>
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Signs in with dev wallet `index` at `server`; returns the bearer token. */
export async function signIn(server: string, index: number): Promise<string> {
  const w = wallet(index)
  const get = async (route: string, init?: RequestInit) => {
    const res = await fetch(new URL(route, server), init)
    const body = (await res.json()) as Record<string, unknown>
    if (!res.ok) throw new Error(`${route}: ${res.status} ${JSON.stringify(body)}`)
    return body
  }
  const chain = await get('/api/chain')
  const nonce = (await get('/api/auth/nonce', { method: 'POST' }))['nonce'] as string
  const siwe = chain['siwe'] as { domain: string; uri: string; chainId: number }
  const message = buildSiweMessage({
    domain: siwe.domain,
    address: w.address,
    uri: siwe.uri,
    version: '1',
    chainId: siwe.chainId,
    nonce,
    issuedAt: new Date().toISOString(),
  })
  const body = JSON.stringify({ message, signature: await w.signMessage(message) })
  return (await get('/api/auth/verify', { method: 'POST', body }))['token'] as string
}

export function draft(over: Partial<EventDraft> = {}): EventDraft {
  const now = Date.now()
  return {
    title: { 'zh-CN': '湖畔音乐会', en: 'Lakeside concert' },
    description: { 'zh-CN': '', en: '' },
    world: TEST_WORLD,
    stage: TEST_STAGE,
    startsAt: now + 60_000,
    endsAt: now + 3600_000,
    capacity: 10,
    ...over,
  }
}

export async function createEvent(server: string, token: string, over: Partial<EventDraft> = {}) {
  const res = await fetch(new URL('/api/events', server), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(draft(over)),
  })
  const body = (await res.json()) as EventInfo
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(body)}`)
  return body
}

type Inbox = { [T in keyof ServerMessages]: ServerMessages[T][] }
const TYPES = [
  'welcome',
  'error',
  'chat',
  'correction',
  'pong',
  'authed',
  'event.welcome',
  'event.role',
  'event.ok',
  'event.announcement',
  'event.reactions',
  'event.hands',
  'event.called',
  'event.muted',
  'stage.publish',
  'stage.watch',
  'stage.token',
  'stage.ended',
  'tour.group',
] as const

export interface Attendee {
  room: Room<EventRoomState>
  inbox: Inbox
  closed: Promise<number>
  /** Sends an event message and waits for its `event.ok` (returns null) or error (its code). */
  act(type: string, payload: object): Promise<string | null>
  leave(): Promise<void>
}

export const attendees: Attendee[] = []

/** After each test: every attendee leaves, and every room in `rooms` still open (it empties). */
export async function leaveAll(rooms: Room[]) {
  await Promise.all(attendees.splice(0).map((a) => a.leave()))
  await Promise.all(rooms.splice(0).map((r) => r.connection.isOpen && r.leave().catch(() => {})))
}

export async function attend(
  server: string,
  event: string,
  name: string,
  token?: string,
): Promise<Attendee> {
  const client = new Client(server.replace(/^http/, 'ws'))
  const inbox = {} as Inbox
  const room = await client.joinOrCreate<EventRoomState>('event', { event, name, token })
  for (const type of TYPES) {
    inbox[type] = []
    room.onMessage(type, (m) => (inbox[type] as unknown[]).push(m))
  }
  room.onMessage('*', () => {})
  const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)))
  await until(() => inbox['event.welcome'].length > 0, `${name}'s welcome`)
  const act = async (type: string, payload: object) => {
    const [oks, errors] = [inbox['event.ok'].length, inbox.error.length]
    room.send(type, payload)
    await until(() => inbox['event.ok'].length > oks || inbox.error.length > errors, type)
    return inbox.error.length > errors ? inbox.error.at(-1)!.code : null
  }
  const a: Attendee = {
    room,
    inbox,
    closed,
    act,
    leave: async () => {
      if (room.connection.isOpen) await room.leave().catch(() => {})
    },
  }
  attendees.push(a)
  return a
}

/** Why a join was refused (the matchmaking error's message). */
export async function refusal(server: string, event: string, token?: string): Promise<string> {
  const client = new Client(server.replace(/^http/, 'ws'))
  try {
    const room = await client.joinOrCreate('event', { event, name: 'x', token })
    room.onMessage('*', () => {})
    await room.leave()
    return 'joined'
  } catch (err) {
    return (err as Error).message
  }
}
