// EventStore against both real engines: PGlite in a temp folder and a throwaway PostgreSQL
// cluster (Debian's postgresql). The same suite runs on each; no mocks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { getAddress } from 'ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EventDraft } from '../../src/protocol/events'
import { openDatabase, type Database } from '../db/database'
import { migrate } from '../db/migrations'
import { freshPgliteDir } from '../db/testPglite'
import { startTestPostgres, type TestPostgres } from '../db/testPostgres'
import {
  ENDED_LISTED_MS,
  EventStore,
  EventStoreError,
  MAX_EVENTS_PER_HOST,
  type EventStoreErrorCode,
} from './store'
import { TEST_STAGE, TEST_WORLD, writeTestScenes } from './testScenes'

const addr = (digit: string) => getAddress(`0x${digit.repeat(40)}`)
const [A, B, C] = ['a', 'b', 'c'].map(addr) as [string, string, string]
const HOUR = 3600_000

function draft(over: Partial<EventDraft> = {}, now = Date.now()): EventDraft {
  return {
    title: { 'zh-CN': '湖畔音乐会', en: 'Lakeside concert' },
    description: { 'zh-CN': '一起来听', en: 'Come and listen' },
    world: TEST_WORLD,
    stage: TEST_STAGE,
    startsAt: now + HOUR,
    endsAt: now + 2 * HOUR,
    capacity: 50,
    ...over,
  }
}

async function failsWith(promise: Promise<unknown>, code: EventStoreErrorCode) {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`)
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(EventStoreError)
  expect((err as EventStoreError).code, (err as Error).message).toBe(code)
}

describe.each(['pglite', 'postgres'] as const)('EventStore on %s', (engine) => {
  let tmp: string
  let postgres: TestPostgres | undefined
  let db: Database
  let store: EventStore
  let now = Date.now()

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-events-'))
    writeTestScenes(path.join(tmp, 'scenes'))
    if (engine === 'postgres') {
      postgres = await startTestPostgres()
      db = await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
    } else {
      db = await openDatabase({ dataDir: await freshPgliteDir(tmp) })
    }
    await migrate(db)
    store = new EventStore(db, { scenesDir: path.join(tmp, 'scenes'), now: () => now })
  })

  afterAll(async () => {
    await db?.close()
    await postgres?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  beforeEach(async () => {
    now = Date.now()
    await db.query('truncate events, event_bans')
  })

  it('creates an event and reads it back', async () => {
    const e = await store.create(A.toLowerCase(), draft())
    expect(e.id).toMatch(/^[a-z0-9]{12}$/)
    expect(e).toMatchObject({
      host: A,
      world: TEST_WORLD,
      stage: TEST_STAGE,
      capacity: 50,
      performers: [],
      moderators: [],
      status: 'upcoming',
      title: { 'zh-CN': '湖畔音乐会', en: 'Lakeside concert' },
    })
    expect(await store.get(e.id)).toEqual(e)
    expect(await store.get('nope')).toBeNull()
    expect(await store.get('aaaaaaaaaaaa')).toBeNull()
  })

  it('refuses bad drafts, unknown worlds and stages', async () => {
    await failsWith(store.create(A, { ...draft(), title: { 'zh-CN': '', en: '' } }), 'bad_input')
    await failsWith(store.create(A, draft({ endsAt: now + HOUR - 1 })), 'bad_input')
    await failsWith(store.create(A, draft({ capacity: 1 })), 'bad_input')
    await failsWith(
      store.create(A, draft({ startsAt: now - 2 * HOUR, endsAt: now - 1 })),
      'bad_input',
    )
    await failsWith(
      store.create(A, draft({ startsAt: now + 400 * 24 * HOUR, endsAt: now + 401 * 24 * HOUR })),
      'bad_input',
    )
    await failsWith(store.create('0x12', draft()), 'bad_input')
    await failsWith(store.create(A, draft({ world: 'cangqiong' })), 'unknown_world')
    await failsWith(store.create(A, draft({ stage: 'nowhere' })), 'unknown_stage')
    expect(await store.list()).toEqual([])
  })

  it('holds a host to MAX_EVENTS_PER_HOST upcoming or live events, even when racing', async () => {
    const tries = await Promise.allSettled(
      Array.from({ length: MAX_EVENTS_PER_HOST + 3 }, () => store.create(A, draft())),
    )
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(MAX_EVENTS_PER_HOST)
    await failsWith(store.create(A, draft()), 'event_limit')
    // Ending one frees a place; another host is not affected.
    const first = (await store.list())[0]!
    await store.end(first.id)
    await store.create(A, draft())
    await store.create(B, draft())
  })

  it('lists upcoming and live soonest first, then recently ended', async () => {
    const later = await store.create(A, draft({ startsAt: now + 3 * HOUR, endsAt: now + 4 * HOUR }))
    const soon = await store.create(A, draft({ startsAt: now + HOUR, endsAt: now + 2 * HOUR }))
    const ended = await store.create(B, draft({ startsAt: now, endsAt: now + HOUR }))
    const old = await store.create(B, draft({ startsAt: now, endsAt: now + HOUR }))
    await store.setLive(soon.id)
    await store.end(ended.id)
    await store.end(old.id)
    await db.query(`update events set ended_at = now() - interval '2 hours' where event_id = $1`, [
      old.id,
    ])
    const list = await store.list()
    expect(list.map((e) => [e.id, e.status])).toEqual([
      [soon.id, 'live'],
      [later.id, 'upcoming'],
      [ended.id, 'ended'],
    ])
    // Past its end time an event counts as ended, and drops out an hour later.
    now += 4 * HOUR + 1
    expect((await store.list()).map((e) => [e.id, e.status])).toEqual([[later.id, 'ended']])
    now += ENDED_LISTED_MS
    expect(await store.list()).toEqual([])
  })

  it('lists live events before upcoming ones that start sooner', async () => {
    const upcoming = await store.create(A, draft({ startsAt: now + HOUR, endsAt: now + 2 * HOUR }))
    const live = await store.create(B, draft({ startsAt: now + 3 * HOUR, endsAt: now + 4 * HOUR }))
    await store.setLive(live.id)
    expect((await store.list()).map((e) => e.id)).toEqual([live.id, upcoming.id])
  })

  it('holds every host together to createPerHour new events, across stores', async () => {
    const opts = { scenesDir: path.join(tmp, 'scenes'), createPerHour: 3 }
    const [one, two] = [new EventStore(db, opts), new EventStore(db, opts)]
    const tries = await Promise.allSettled(
      [A, B, C, A, B, C].map((host, i) => (i % 2 ? one : two).create(host, draft())),
    )
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(3)
    await failsWith(one.create(C, draft()), 'busy')
    const err = await one.create(A, draft()).then(
      () => null,
      (e: unknown) => e as EventStoreError,
    )
    expect(err?.retryAfterS).toBeGreaterThanOrEqual(1)
    expect(err?.retryAfterS).toBeLessThanOrEqual(3600)
    // An hour on (by the database clock), the window has room again.
    await db.query(`update events set created_at = now() - interval '61 minutes'`)
    expect(await one.create(C, draft())).toMatchObject({ host: C })
  })

  it('goes live and ends; an ended event cannot go live again', async () => {
    const e = await store.create(A, draft())
    expect((await store.setLive(e.id)).status).toBe('live')
    expect((await store.setLive(e.id)).status).toBe('live')
    expect((await store.end(e.id)).status).toBe('ended')
    expect((await store.end(e.id)).status).toBe('ended')
    await failsWith(store.setLive(e.id), 'event_ended')
    await failsWith(store.setLive('aaaaaaaaaaaa'), 'unknown_event')
    await failsWith(store.end('aaaaaaaaaaaa'), 'unknown_event')
  })

  it('sets roles by address; the host keeps theirs', async () => {
    const e = await store.create(A, draft())
    expect((await store.setRole(e.id, B.toLowerCase(), 'performer')).performers).toEqual([B])
    const both = await store.setRole(e.id, C, 'moderator')
    expect(both).toMatchObject({ performers: [B], moderators: [C] })
    // One role at a time: moving B to moderator takes the performer role away.
    expect(await store.setRole(e.id, B, 'moderator')).toMatchObject({
      performers: [],
      moderators: [C, B],
    })
    expect(await store.setRole(e.id, C, 'audience')).toMatchObject({ moderators: [B] })
    await failsWith(store.setRole(e.id, A, 'audience'), 'not_allowed')
    await failsWith(store.setRole('aaaaaaaaaaaa', B, 'performer'), 'unknown_event')
    for (let i = 0; i < 16; i++) {
      await store.setRole(
        e.id,
        getAddress(`0x${(i + 1).toString(16).padStart(40, '0')}`),
        'performer',
      )
    }
    await failsWith(store.setRole(e.id, C, 'performer'), 'too_many')
  })

  it('bans and unbans addresses per event', async () => {
    const e = await store.create(A, draft())
    const other = await store.create(A, draft())
    expect(await store.isBanned(e.id, B)).toBe(false)
    await store.ban(e.id, B.toLowerCase(), A)
    await store.ban(e.id, B, A)
    expect(await store.isBanned(e.id, B)).toBe(true)
    expect(await store.isBanned(e.id, B.toLowerCase())).toBe(true)
    expect(await store.isBanned(other.id, B)).toBe(false)
    expect(await store.isBanned(e.id, 'junk')).toBe(false)
    await failsWith(store.ban(e.id, A, C), 'not_allowed')
    await failsWith(store.ban('aaaaaaaaaaaa', B, A), 'unknown_event')
    expect(await store.unban(e.id, B)).toBe(true)
    expect(await store.unban(e.id, B)).toBe(false)
    expect(await store.isBanned(e.id, B)).toBe(false)
  })
})
