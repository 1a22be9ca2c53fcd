// Avatar files (VRM) in the database, PGlite or PostgreSQL: each file's bytes once, under its
// SHA-256, and which wallet uploaded which, for the per-wallet quota. Files are checked
// (src/avatar/vrmCheck.ts) before they get here; an id is never reused for other bytes.
//
// A file that came from a collectible's model (server/avatars/wear.ts) is marked as that token's
// and is worn only under a grant: the address that proved it held the token, until the token
// moves away. Anyone may still download it (others must see it worn).
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

/** A token whose model became an avatar file. */
export interface AvatarToken {
  chainId: number
  contract: string
  tokenId: string
}

/** A grant: `address` may wear file `id` because it holds the token. */
export interface AvatarGrant extends AvatarToken {
  address: string
  id: string
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

  /**
   * Stores a collectible's checked model as an avatar file, marked as that token's (no upload
   * quota counts it), and grants `address` the right to wear it: one grant per token and holder
   * (a token whose model changed gets the new file). Returns the file's id.
   */
  async addCollectible(address: string, token: AvatarToken, bytes: Uint8Array): Promise<string> {
    const id = avatarId(bytes)
    const key = [token.chainId, token.contract, token.tokenId]
    await this.db.transaction(async (tx) => {
      await tx.query(
        'insert into avatar_files (id, bytes) values ($1, $2) on conflict (id) do nothing',
        [id, bytes],
      )
      await tx.query(
        `insert into avatar_collectibles (id, chain_id, contract, token_id)
         values ($1, $2, $3, $4) on conflict do nothing`,
        [id, ...key],
      )
      await tx.query(
        `insert into avatar_grants (chain_id, contract, token_id, address, id)
         values ($1, $2, $3, $4, $5)
         on conflict (chain_id, contract, token_id, address)
         do update set id = excluded.id, granted_at = now()`,
        [...key, address, id],
      )
    })
    return id
  }

  /**
   * Whether `address` (null: not signed in) may wear file `id`: any uploaded file, and a
   * collectible's only under a grant to that address.
   */
  async mayWear(address: string | null, id: string): Promise<boolean> {
    const [row] = await this.db.query<{ restricted: boolean; granted: boolean }>(
      `select exists (select 1 from avatar_collectibles where id = $1) as restricted,
              exists (select 1 from avatar_grants where id = $1 and address = $2) as granted`,
      [id, address ?? ''],
    )
    return !row?.restricted || Boolean(row.granted)
  }

  /** The grants of these tokens of a contract held by `address`. */
  async grantsOf(
    address: string,
    token: { chainId: number; contract: string },
    tokenIds: readonly string[],
  ): Promise<AvatarGrant[]> {
    const rows = await this.db.query<{ token_id: string; id: string }>(
      `select token_id, id from avatar_grants
       where chain_id = $1 and contract = $2 and address = $3
         and token_id in (select jsonb_array_elements_text($4::jsonb))`,
      [token.chainId, token.contract, address, JSON.stringify(tokenIds)],
    )
    return rows.map((r) => ({ ...token, tokenId: r.token_id, address, id: r.id }))
  }

  /** Ends a grant; true when there was one. */
  async endGrant(grant: AvatarGrant): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `delete from avatar_grants
       where chain_id = $1 and contract = $2 and token_id = $3 and address = $4 and id = $5
       returning id`,
      [grant.chainId, grant.contract, grant.tokenId, grant.address, grant.id],
    )
    return rows.length > 0
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
