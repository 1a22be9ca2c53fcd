// SpaceStore against both real engines: PGlite in a temp folder and a throwaway PostgreSQL
// cluster (Debian's postgresql). The same suite runs on each; no mocks.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { getAddress } from 'ethers'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../db/database'
import { migrate } from '../db/migrations'
import { SpaceError, SpaceStore, type Exhibit, type SpaceErrorCode } from './store'
import { freshPgliteDir } from '../db/testPglite'
import { startTestPostgres, type TestPostgres } from '../db/testPostgres'

const addr = (digit: string) => getAddress(`0x${digit.repeat(40)}`)
const [A, B, C, D] = ['a', 'b', 'c', 'd'].map(addr) as [string, string, string, string]
const WORLD = 'block-park-village'

let seq = 0
function exhibit(over: Partial<Exhibit> = {}): Exhibit {
  seq++
  return {
    id: `00000000-0000-4000-8000-${seq.toString(16).padStart(12, '0')}`,
    chainId: 31337,
    contract: getAddress(`0x${'5'.repeat(40)}`),
    tokenId: String(seq),
    standard: 'erc721',
    placement: { kind: 'slot', slot: `slot-${seq}` },
    title: `Exhibit ${seq} 「苍穹」`,
    issuer: null,
    addedBy: A,
    addedAt: 1_760_000_000_000 + seq,
    ...over,
  }
}

async function failsWith(promise: Promise<unknown>, code: SpaceErrorCode): Promise<SpaceError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`)
    },
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(SpaceError)
  expect((err as SpaceError).code, (err as Error).message).toBe(code)
  return err as SpaceError
}

describe.each(['pglite', 'postgres'] as const)('SpaceStore on %s', (engine) => {
  let tmp: string
  let postgres: TestPostgres | undefined
  let db: Database
  /** A second connection, as a second server process would have (PGlite: the same one). */
  let db2: Database
  let store: SpaceStore
  let store2: SpaceStore

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-spaces-'))
    if (engine === 'postgres') {
      postgres = await startTestPostgres()
      db = await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
      db2 = await openDatabase({ dataDir: tmp, databaseUrl: postgres.url })
    } else {
      db = db2 = await openDatabase({ dataDir: await freshPgliteDir(tmp) })
    }
    expect(db.engine).toBe(engine)
    await migrate(db)
    store = new SpaceStore(db)
    store2 = new SpaceStore(db2)
  })

  afterAll(async () => {
    await db2?.close()
    if (db2 !== db) await db?.close()
    await postgres?.stop()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  beforeEach(async () => {
    await db.query('truncate spaces, space_collaborators, layout_versions, exhibit_flags')
  })

  describe('claiming', () => {
    it('claims a free space for a checksummed owner and finds it again', async () => {
      const space = await store.claim('plot-1', WORLD, A.toLowerCase(), { limitPerAddress: 3 })
      expect(space).toMatchObject({
        spaceId: 'plot-1',
        world: WORLD,
        owner: A,
        assigned: false,
        collaborators: [],
        version: 0,
        mode: 'gallery',
      })
      expect(Math.abs(space.claimedAt - Date.now())).toBeLessThan(60_000)
      expect(await store.space('plot-1')).toEqual(space)
      expect(await store.space('plot-2')).toBeNull()
      await store.claim('plot-2', 'cangqiong', A, { limitPerAddress: 3 })
      expect((await store.spacesIn(WORLD)).map((s) => s.spaceId)).toEqual(['plot-1'])
      expect((await store.spacesOf(A)).map((s) => s.spaceId)).toEqual(['plot-1', 'plot-2'])
      expect(await store.spacesOf(B)).toEqual([])
    })

    it('returns a space its owner claims again; others get space_taken', async () => {
      const first = await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      // At the limit, re-claiming one's own space is still fine.
      expect(await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })).toEqual(first)
      const err = await failsWith(
        store.claim('plot-1', WORLD, B, { limitPerAddress: 5 }),
        'space_taken',
      )
      expect(err.message).toContain(A)
      await failsWith(
        store.claim('plot-1', 'cangqiong', A, { limitPerAddress: 5 }),
        'world_mismatch',
      )
    })

    it('stops at the claim limit per address', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 2 })
      await store.claim('plot-2', WORLD, A, { limitPerAddress: 2 })
      await failsWith(store.claim('plot-3', WORLD, A, { limitPerAddress: 2 }), 'claim_limit')
      await failsWith(store.claim('plot-3', WORLD, B, { limitPerAddress: 0 }), 'claim_limit')
      expect(await store.space('plot-3')).toBeNull()
      await store.claim('plot-3', WORLD, B, { limitPerAddress: 2 })
    })

    it('rejects malformed ids and addresses', async () => {
      await failsWith(store.claim('Plot 1', WORLD, A, { limitPerAddress: 1 }), 'bad_input')
      await failsWith(store.claim('plot-1', 'World!', A, { limitPerAddress: 1 }), 'bad_input')
      await failsWith(store.claim('plot-1', WORLD, '0x1234', { limitPerAddress: 1 }), 'bad_input')
      // Mixed case with a wrong checksum is a typo, not an address.
      const swapped = [...A.slice(2)].map((ch) =>
        ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase(),
      )
      const typo = `0x${swapped.join('')}`
      expect(typo).not.toBe(A.toLowerCase())
      await failsWith(store.claim('plot-1', WORLD, typo, { limitPerAddress: 1 }), 'bad_input')
    })

    it('gives a space to exactly one of many concurrent claimers', async () => {
      const claimers = ['1', '2', '3', '4', '5', '6', '7', '8'].map(addr)
      const results = await Promise.allSettled(
        claimers.map((who, i) =>
          (i % 2 ? store2 : store).claim('hall-1', 'cangqiong', who, { limitPerAddress: 5 }),
        ),
      )
      const won = results.filter((r) => r.status === 'fulfilled')
      expect(won).toHaveLength(1)
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as SpaceError).code).toBe('space_taken')
      }
      const owner = (won[0] as PromiseFulfilledResult<{ owner: string }>).value.owner
      expect((await store.space('hall-1'))?.owner).toBe(owner)
    })

    it('holds the limit when one address claims many spaces at once', async () => {
      const ids = Array.from({ length: 10 }, (_, i) => `plot-${i}`)
      const results = await Promise.allSettled(
        ids.map((id, i) => (i % 2 ? store2 : store).claim(id, WORLD, A, { limitPerAddress: 3 })),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as SpaceError).code).toBe('claim_limit')
      }
      expect(await store.spacesOf(A)).toHaveLength(3)
    })
  })

  describe('assigning and releasing', () => {
    it('assigns idempotently and never over another owner', async () => {
      const s = await store.assign('hall-1', 'cangqiong', B)
      expect(s).toMatchObject({ owner: B, assigned: true, version: 0 })
      expect(await store.assign('hall-1', 'cangqiong', B.toLowerCase())).toEqual(s)
      await failsWith(store.assign('hall-1', 'cangqiong', A), 'space_taken')
      // A claimed space becomes assigned when configuration names its owner.
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      expect(await store.assign('plot-1', WORLD, A)).toMatchObject({ owner: A, assigned: true })
      expect((await store.space('plot-1'))?.assigned).toBe(true)
    })

    it('releases a claimed space with its layouts; assigned spaces stay', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      await store.commitLayout('plot-1', A, [exhibit()], { baseVersion: 0, note: 'place' })
      await failsWith(store.release('plot-1', B), 'not_owner')
      await store.release('plot-1', A)
      expect(await store.space('plot-1')).toBeNull()
      expect(await store.layout('plot-1')).toEqual({ version: 0, exhibits: [] })
      const s = await store.claim('plot-1', WORLD, B, { limitPerAddress: 1 })
      expect(s.version).toBe(0)
      expect(await store.versions('plot-1')).toEqual([])
      await store.assign('hall-1', 'cangqiong', A)
      await failsWith(store.release('hall-1', A), 'assigned')
      await failsWith(store.release('hall-9', A), 'no_space')
    })
  })

  describe('unused claims', () => {
    it('lapse after the TTL when no exhibit was placed; used and assigned ones stay', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 2 })
      await store.claim('plot-2', WORLD, A, { limitPerAddress: 2 })
      await store.commitLayout('plot-2', A, [exhibit()], { baseVersion: 0, note: 'place' })
      await store.assign('hall-1', 'cangqiong', B)
      // Two days ago, as the database sees it.
      await db.query(`update spaces set claimed_at = now() - interval '2 days'`)
      const dayAgo = Date.now() - 86_400_000
      expect(await store.expireUnused(dayAgo - 86_400_000 * 2)).toEqual([])
      expect(await store.expireUnused(dayAgo)).toEqual([{ spaceId: 'plot-1', world: WORLD }])
      expect(await store.space('plot-1')).toBeNull()
      expect((await store.space('plot-2'))?.owner).toBe(A)
      expect((await store.space('hall-1'))?.owner).toBe(B)
    })

    it('free a lapsed space for the next claimer, and stop counting against the owner', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      await db.query(`update spaces set claimed_at = now() - interval '2 days'`)
      const dayAgo = Date.now() - 86_400_000
      // Without the TTL the claim still holds.
      await failsWith(store.claim('plot-1', WORLD, B, { limitPerAddress: 1 }), 'space_taken')
      await failsWith(store.claim('plot-2', WORLD, A, { limitPerAddress: 1 }), 'claim_limit')
      const b = await store.claim('plot-1', WORLD, B, { limitPerAddress: 1, unusedBefore: dayAgo })
      expect(b).toMatchObject({ owner: B, expired: [{ spaceId: 'plot-1', world: WORLD }] })
      // B's fresh claim is not lapsed; A may claim elsewhere now.
      await failsWith(
        store.claim('plot-1', WORLD, C, { limitPerAddress: 1, unusedBefore: dayAgo }),
        'space_taken',
      )
      const a = await store.claim('plot-2', WORLD, A, { limitPerAddress: 1, unusedBefore: dayAgo })
      expect(a).toMatchObject({ owner: A, expired: [] })
    })
  })

  describe('collaborators', () => {
    it('only the owner adds and removes them; they may edit while listed', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      await failsWith(store.addCollaborator('plot-1', B, C), 'not_owner')
      const s = await store.addCollaborator('plot-1', A, B.toLowerCase())
      expect(s.collaborators).toEqual([B])
      expect(await store.addCollaborator('plot-1', A, B)).toEqual(s) // idempotent
      expect((await store.addCollaborator('plot-1', A, A)).collaborators).toEqual([B]) // owner: no-op
      expect((await store.addCollaborator('plot-1', A, C)).collaborators).toEqual([B, C])
      expect(await store.canEdit('plot-1', A)).toBe(true)
      expect(await store.canEdit('plot-1', B)).toBe(true)
      expect(await store.canEdit('plot-1', D)).toBe(false)
      expect(await store.canEdit('plot-1', 'nonsense')).toBe(false)
      expect(await store.canEdit('plot-9', A)).toBe(false)

      await failsWith(store.removeCollaborator('plot-1', C, B), 'not_owner')
      expect((await store.removeCollaborator('plot-1', A, B)).collaborators).toEqual([C])
      expect(await store.canEdit('plot-1', B)).toBe(false)
      // A collaborator may leave on their own.
      expect((await store.removeCollaborator('plot-1', C, C)).collaborators).toEqual([])
      await failsWith(store.addCollaborator('plot-9', A, B), 'no_space')
    })

    it('caps collaborators per space', async () => {
      const small = new SpaceStore(db, { maxCollaborators: 2 })
      await small.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      await small.addCollaborator('plot-1', A, B)
      await small.addCollaborator('plot-1', A, C)
      await failsWith(small.addCollaborator('plot-1', A, D), 'too_many_collaborators')
    })
  })

  describe('display mode', () => {
    it('starts as a gallery; only the owner switches it, and it outlives layout edits', async () => {
      const claimed = await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      expect(claimed.mode).toBe('gallery')
      await store.addCollaborator('plot-1', A, B)
      await failsWith(store.setMode('plot-1', WORLD, B, 'immersive'), 'not_owner')
      await failsWith(store.setMode('plot-1', WORLD, D, 'immersive'), 'not_owner')
      await failsWith(store.setMode('plot-1', 'cangqiong', A, 'immersive'), 'world_mismatch')
      await failsWith(store.setMode('plot-9', WORLD, A, 'immersive'), 'no_space')
      await failsWith(store.setMode('plot-1', WORLD, A, 'dazzle' as 'immersive'), 'bad_input')
      expect((await store.setMode('plot-1', WORLD, A.toLowerCase(), 'immersive')).mode).toBe(
        'immersive',
      )
      // Read back on another connection; a layout commit keeps it; no layout version was made.
      expect(await store2.space('plot-1')).toMatchObject({ mode: 'immersive', version: 0 })
      await store.commitLayout('plot-1', B, [exhibit({ addedBy: B })], {
        baseVersion: 0,
        note: 'place',
      })
      expect(await store.space('plot-1')).toMatchObject({ mode: 'immersive', version: 1 })
      expect((await store.setMode('plot-1', WORLD, A, 'gallery')).mode).toBe('gallery')
      // Released and claimed again: a new space starts as a gallery.
      await store.setMode('plot-1', WORLD, A, 'immersive')
      await store.release('plot-1', A)
      expect((await store.claim('plot-1', WORLD, C, { limitPerAddress: 1 })).mode).toBe('gallery')
    })

    it('keeps a mode this server does not know out of the table itself', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      // The column's check keeps unknown modes out of the table itself.
      await expect(
        db.query(`update spaces set mode = 'dazzle' where space_id = 'plot-1'`),
      ).rejects.toThrow()
    })
  })

  describe('layouts', () => {
    beforeEach(async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      await store.addCollaborator('plot-1', A, B)
    })

    it('starts empty, and commits new versions that read back exactly', async () => {
      expect(await store.layout('plot-1')).toEqual({ version: 0, exhibits: [] })
      expect(await store.layout('plot-9')).toEqual({ version: 0, exhibits: [] })
      const one = [
        exhibit(),
        exhibit({
          placement: { kind: 'free', x: 1.25, y: 0, z: -3.1, rotY: Math.PI / 3, scale: 0.7 },
          standard: 'erc1155',
          tokenId: '115792089237316195423570985008687907853269984665640564039457584007913129639935',
          issuer: '数字藏品平台',
          addedBy: B.toLowerCase(),
        }),
      ]
      expect(await store.commitLayout('plot-1', A, one, { baseVersion: 0, note: 'place' })).toEqual(
        {
          version: 1,
        },
      )
      const read = await store.layout('plot-1')
      expect(read.version).toBe(1)
      expect(read.exhibits).toEqual([one[0], { ...one[1], addedBy: B }])
      // A collaborator commits on top.
      expect(
        await store.commitLayout('plot-1', B, [one[0]!], { baseVersion: 1, note: 'remove' }),
      ).toEqual({ version: 2 })
      expect((await store.space('plot-1'))?.version).toBe(2)
      expect(await store.layout('plot-1')).toEqual({ version: 2, exhibits: [one[0]] })
      expect(await store.layoutAt('plot-1', 1)).toEqual(read)
      expect(await store.layoutAt('plot-1', 3)).toBeNull()
    })

    it('refuses strangers, stale bases and unknown spaces', async () => {
      await failsWith(
        store.commitLayout('plot-1', C, [exhibit()], { baseVersion: 0, note: 'place' }),
        'not_editor',
      )
      await store.commitLayout('plot-1', A, [exhibit()], { baseVersion: 0, note: 'place' })
      const err = await failsWith(
        store.commitLayout('plot-1', B, [exhibit()], { baseVersion: 0, note: 'place' }),
        'version_conflict',
      )
      expect(err.current).toBe(1)
      await failsWith(
        store.commitLayout('plot-9', A, [], { baseVersion: 0, note: 'place' }),
        'no_space',
      )
      expect((await store.layout('plot-1')).version).toBe(1)
    })

    it('lets exactly one of several concurrent commits on one base win', async () => {
      const results = await Promise.allSettled(
        [A, B, A, B, A, B].map((who, i) =>
          (i % 2 ? store2 : store).commitLayout('plot-1', who, [exhibit()], {
            baseVersion: 0,
            note: 'place',
          }),
        ),
      )
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      for (const r of results) {
        if (r.status === 'rejected') expect((r.reason as SpaceError).code).toBe('version_conflict')
      }
      expect((await store.versions('plot-1')).map((v) => v.version)).toEqual([1])
    })

    it('caps exhibits per layout', async () => {
      const many = Array.from({ length: 65 }, () => exhibit())
      await failsWith(
        store.commitLayout('plot-1', A, many, { baseVersion: 0, note: 'place' }),
        'too_many_exhibits',
      )
      await store.commitLayout('plot-1', A, many.slice(0, 64), { baseVersion: 0, note: 'place' })
      await failsWith(
        store.commitLayout('plot-1', A, many.slice(0, 3), {
          baseVersion: 1,
          note: 'place',
          maxExhibits: 2, // the scene's limit for this space
        }),
        'too_many_exhibits',
      )
      expect((await store.layout('plot-1')).exhibits).toHaveLength(64)
    })

    it('validates every exhibit on the way in', async () => {
      const bad: unknown[] = [
        { ...exhibit(), id: 'not-a-uuid' },
        { ...exhibit(), tokenId: '0x10' },
        { ...exhibit(), standard: 'erc20' },
        { ...exhibit(), chainId: 0 },
        { ...exhibit(), extra: 1 },
        { ...exhibit(), title: 'x'.repeat(201) },
        { ...exhibit(), addedBy: '0xabc' },
        { ...exhibit(), placement: { kind: 'slot', slot: '../etc' } },
        { ...exhibit(), placement: { kind: 'free', x: NaN, y: 0, z: 0, rotY: 0, scale: 1 } },
        { ...exhibit(), placement: { kind: 'free', x: Infinity, y: 0, z: 0, rotY: 0, scale: 1 } },
        { ...exhibit(), placement: { kind: 'free', x: 0, y: 0, z: 0, rotY: 0, scale: 0 } },
        { ...exhibit(), placement: { kind: 'hover' } },
      ]
      for (const e of bad) {
        const err = await failsWith(
          store.commitLayout('plot-1', A, [e as Exhibit], { baseVersion: 0, note: 'place' }),
          'bad_input',
        )
        expect(err.message).toMatch(/^exhibits\.0[.:]/)
      }
      const one = exhibit()
      await failsWith(
        store.commitLayout('plot-1', A, [one, { ...one, tokenId: '9' }], {
          baseVersion: 0,
          note: 'place',
        }),
        'bad_input',
      )
      const slot = { kind: 'slot', slot: 'wall-1' } as const
      await failsWith(
        store.commitLayout(
          'plot-1',
          A,
          [exhibit({ placement: slot }), exhibit({ placement: slot })],
          {
            baseVersion: 0,
            note: 'place',
          },
        ),
        'bad_input',
      )
      await failsWith(
        store.commitLayout('plot-1', A, [], { baseVersion: 0, note: '' }),
        'bad_input',
      )
      await failsWith(
        store.commitLayout('plot-1', A, [], { baseVersion: -1, note: 'place' }),
        'bad_input',
      )
      expect(await store.versions('plot-1')).toEqual([])
    })

    it('treats stored layouts as input too', async () => {
      await store.commitLayout('plot-1', A, [exhibit()], { baseVersion: 0, note: 'place' })
      await db.query(
        `update layout_versions set exhibits = '[{"id": "x", "title": "<script>"}]'::jsonb`,
      )
      await failsWith(store.layout('plot-1'), 'bad_data')
      await failsWith(store.restore('plot-1', A, 1), 'bad_data')
    })

    it('lists versions newest first and restores an old one as a new version', async () => {
      const [e1, e2, e3] = [exhibit(), exhibit(), exhibit()]
      await store.commitLayout('plot-1', A, [e1!], { baseVersion: 0, note: 'place' })
      await store.commitLayout('plot-1', B, [e1!, e2!], { baseVersion: 1, note: 'place' })
      await store.commitLayout('plot-1', A, [e1!, e2!, e3!], { baseVersion: 2, note: 'place' })
      await store.commitLayout('plot-1', A, [e3!], { baseVersion: 3, note: 'remove' })

      const listed = await store.versions('plot-1')
      expect(
        listed.map(({ version, createdBy, note, count }) => ({ version, createdBy, note, count })),
      ).toEqual([
        { version: 4, createdBy: A, note: 'remove', count: 1 },
        { version: 3, createdBy: A, note: 'place', count: 3 },
        { version: 2, createdBy: B, note: 'place', count: 2 },
        { version: 1, createdBy: A, note: 'place', count: 1 },
      ])
      expect(listed[0]!.createdAt).toBeGreaterThanOrEqual(listed[3]!.createdAt)
      expect((await store.versions('plot-1', 2)).map((v) => v.version)).toEqual([4, 3])

      expect(await store.restore('plot-1', B, 2)).toEqual({ version: 5 })
      expect(await store.layout('plot-1')).toEqual({ version: 5, exhibits: [e1, e2] })
      expect((await store.versions('plot-1', 1))[0]).toMatchObject({
        version: 5,
        note: 'restore:2',
        createdBy: B,
        count: 2,
      })
      // Old versions stay as they were.
      expect(await store.layoutAt('plot-1', 4)).toEqual({ version: 4, exhibits: [e3] })
      await failsWith(store.restore('plot-1', C, 1), 'not_editor')
      await failsWith(store.restore('plot-1', A, 9), 'no_version')
      await failsWith(store.restore('plot-9', A, 1), 'no_space')
    })
  })

  describe('hidden exhibits', () => {
    it('hides exhibits across versions until they pass again', async () => {
      await store.claim('plot-1', WORLD, A, { limitPerAddress: 1 })
      const [e1, e2] = [exhibit(), exhibit()]
      await store.commitLayout('plot-1', A, [e1!, e2!], { baseVersion: 0, note: 'place' })
      expect(await store.hidden('plot-1')).toEqual([])
      await store.hide('plot-1', e1!.id, 'not_owner')
      await store.hide('plot-1', e1!.id, 'metadata_unavailable') // a later check, new reason
      const hidden = await store.hidden('plot-1')
      expect(hidden).toEqual([
        { exhibitId: e1!.id, reason: 'metadata_unavailable', hiddenAt: expect.any(Number) },
      ])
      // Hiding is not a layout change, and a restore does not bring the exhibit back.
      expect((await store.layout('plot-1')).version).toBe(1)
      await store.commitLayout('plot-1', A, [e2!], { baseVersion: 1, note: 'remove' })
      await store.restore('plot-1', A, 1)
      expect((await store.hidden('plot-1')).map((h) => h.exhibitId)).toEqual([e1!.id])

      expect(await store.unhide('plot-1', e1!.id)).toBe(true)
      expect(await store.unhide('plot-1', e1!.id)).toBe(false)
      expect(await store.hidden('plot-1')).toEqual([])
      await failsWith(store.hide('plot-9', e1!.id, 'not_owner'), 'no_space')
      await failsWith(store.hide('plot-1', 'nope', 'not_owner'), 'bad_input')
      await failsWith(store.hide('plot-1', e1!.id, ''), 'bad_input')
    })
  })
})
