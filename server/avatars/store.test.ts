// AvatarStore against both real engines (PGlite and a throwaway PostgreSQL): files stored once
// by their hash, the per-wallet quota (also under concurrent uploads), reads back, and a
// collectible's file: outside the quota, worn only under a grant that ends.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../db/database'
import { ENGINES, migratedDatabase, type TestDatabase } from '../db/testEngines'
import { vrmFixture } from '../../src/avatar/vrmFixture'
import { AvatarLimitError, AvatarStore, avatarId } from './store'

const A = '0xaAaAaAaaAaAaAaaAaAAAAAAAAaaaAaAaAaaAaaAa'
const B = '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB'
const files = Array.from({ length: 4 }, (_, i) => vrmFixture({ name: `avatar ${i}` }))

describe.each(ENGINES)('AvatarStore on %s', (engine) => {
  let opened: TestDatabase
  let db: Database
  let store: AvatarStore

  beforeAll(async () => {
    opened = await migratedDatabase(engine, 'avatars')
    db = opened.db
    store = new AvatarStore(db, 3)
  })
  afterAll(() => opened?.close())
  beforeEach(() =>
    db.query('truncate avatar_files, avatar_uploads, avatar_collectibles, avatar_grants'),
  )

  it('stores a file once under its SHA-256 and gives its bytes back', async () => {
    const id = await store.add(A, files[0]!)
    expect(id).toBe(avatarId(files[0]!))
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    expect(Buffer.from((await store.get(id))!).equals(Buffer.from(files[0]!))).toBe(true)
    // Again, and from another wallet: one file, each wallet's upload counted once.
    expect(await store.add(A, files[0]!)).toBe(id)
    expect(await store.add(B, files[0]!)).toBe(id)
    const [{ n }] = (await db.query<{ n: number }>(
      'select count(*)::int as n from avatar_files',
    )) as [{ n: number }]
    expect(n).toBe(1)
    expect(await store.countOf(A)).toBe(1)
    expect(await store.get('0'.repeat(64))).toBeNull()
    expect(await store.get('not an id')).toBeNull()
  })

  it('keeps each wallet to its quota, even when uploads race', async () => {
    const results = await Promise.allSettled(files.map((f) => store.add(A, f)))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    const refused = results.filter((r) => r.status === 'rejected')
    expect(refused).toHaveLength(1)
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(AvatarLimitError)
    expect(await store.countOf(A)).toBe(3)
    // Another wallet is not held by A's quota; A's own files again still go through.
    await store.add(B, files[3]!)
    const mine = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    expect(await store.add(A, (await store.get(mine[0]!))!)).toBe(mine[0])
  })

  it("marks a collectible's file as its token's, outside the quota, worn only under a grant", async () => {
    const token = {
      chainId: 31337,
      contract: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      tokenId: '6',
    }
    const uploaded = await store.add(B, files[1]!)
    const id = await store.addCollectible(A, token, files[0]!)
    expect(id).toBe(avatarId(files[0]!))
    expect(await store.countOf(A)).toBe(0)
    expect(await store.mayWear(A, id)).toBe(true)
    expect(await store.mayWear(B, id)).toBe(false)
    expect(await store.mayWear(null, id)).toBe(false)
    // An uploaded file stays anyone's to wear; an id nobody stored names no collectible.
    expect(await store.mayWear(null, uploaded)).toBe(true)
    expect(await store.mayWear(B, 'f'.repeat(64))).toBe(true)
    // Uploading the same bytes does not make them anyone's: the file is still the token's.
    await store.add(B, files[0]!)
    expect(await store.mayWear(B, id)).toBe(false)

    const other = { ...token, contract: token.contract.replace('5', '6') }
    expect(await store.grantsOf(A, token, ['5', '6'])).toEqual([{ ...token, address: A, id }])
    expect(await store.grantsOf(A, other, ['6'])).toEqual([])
    expect(await store.grantsOf(B, token, ['6'])).toEqual([])
    // Again for the same holder: one grant.
    expect(await store.addCollectible(A, token, files[0]!)).toBe(id)
    const [{ n }] = (await db.query<{ n: number }>(
      'select count(*)::int as n from avatar_grants',
    )) as [{ n: number }]
    expect(n).toBe(1)

    expect(await store.endGrant({ ...token, address: A, id })).toBe(true)
    expect(await store.endGrant({ ...token, address: A, id })).toBe(false)
    expect(await store.mayWear(A, id)).toBe(false)
    expect(await store.get(id)).not.toBeNull()
  })
})
