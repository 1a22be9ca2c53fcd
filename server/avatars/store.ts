// Avatar files (VRM) in the database, PGlite or PostgreSQL: each file's bytes once, under its
// SHA-256, and which wallet uploaded which, for the per-wallet quota. Files are checked
// (src/avatar/vrmCheck.ts) before they get here; an id is never reused for other bytes.
import { createHash } from 'node:crypto'
import { isVrmId } from '../../src/avatar/vrmCheck'
import type { Database } from '../db/database'

/** Files one wallet may have uploaded. */
export const MAX_AVATARS_PER_ADDRESS = 5

/** Advisory lock class of a wallet's uploads (any constant no other code uses). */
const UPLOAD_LOCK = 6_370_019

export class AvatarLimitError extends Error {
  constructor(readonly max: number) {
    super(`one wallet uploads at most ${max} avatar files`)
    this.name = 'AvatarLimitError'
  }
}

/** A file's id: its SHA-256 in lowercase hex. */
export const avatarId = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

export class AvatarStore {
  constructor(
    private readonly db: Database,
    private readonly maxPerAddress = MAX_AVATARS_PER_ADDRESS,
  ) {}

  /**
   * Stores a checked file for `address` and returns its id. The same file again (from anyone)
   * is stored once; a wallet's own file again does not count twice. Throws AvatarLimitError
   * past the quota.
   */
  async add(address: string, bytes: Uint8Array): Promise<string> {
    const id = avatarId(bytes)
    return this.db.transaction(async (tx) => {
      // One upload of a wallet at a time: two at once cannot both take its last place.
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [UPLOAD_LOCK, address])
      const mine = await tx.query<{ id: string }>(
        'select id from avatar_uploads where address = $1',
        [address],
      )
      if (mine.some((r) => r.id === id)) return id
      if (mine.length >= this.maxPerAddress) throw new AvatarLimitError(this.maxPerAddress)
      await tx.query(
        'insert into avatar_files (id, bytes) values ($1, $2) on conflict (id) do nothing',
        [id, bytes],
      )
      await tx.query('insert into avatar_uploads (address, id) values ($1, $2)', [address, id])
      return id
    })
  }

  /** A stored file's bytes, or null. */
  async get(id: string): Promise<Uint8Array | null> {
    if (!isVrmId(id)) return null
    const rows = await this.db.query<{ bytes: Uint8Array }>(
      'select bytes from avatar_files where id = $1',
      [id],
    )
    return rows[0]?.bytes ?? null
  }

  /** How many files a wallet uploaded. */
  async countOf(address: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      'select count(*)::int as n from avatar_uploads where address = $1',
      [address],
    )
    return row?.n ?? 0
  }
}
