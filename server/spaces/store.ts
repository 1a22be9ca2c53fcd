// Creator spaces in the database: who owns a space, who may edit it, and its exhibit layouts as
// immutable versions. Server only; rooms call it after checking the session and the chain.
// Everything going in or coming out is validated (stored rows are input too).
// One file (~600 lines): every operation is a transaction over the same rows, checked by the same
// row schemas; splitting it would split the one place that says what a stored space is.
import { getAddress, isAddress } from 'ethers'
import { z } from 'zod'
import { Space as SceneSpace, SpaceSlot, WorldId } from '../../src/protocol/scene'
import { SpaceMode } from '../../src/protocol/spaces'
import type { Database, Queryable, SqlParam } from '../db/database'

/** The most exhibits any layout may hold (a scene may set a lower limit per space). */
export const MAX_EXHIBITS = 64
export const MAX_COLLABORATORS = 16

export type SpaceErrorCode =
  | 'bad_input'
  | 'no_space'
  | 'space_taken'
  | 'claim_limit'
  | 'world_mismatch'
  | 'assigned'
  | 'not_owner'
  | 'not_editor'
  | 'version_conflict'
  | 'no_version'
  | 'too_many_exhibits'
  | 'too_many_collaborators'
  | 'bad_data'

export class SpaceError extends Error {
  constructor(
    readonly code: SpaceErrorCode,
    message: string,
    /** version_conflict: the space's current version, to rebase on. */
    readonly current?: number,
  ) {
    super(message)
    this.name = 'SpaceError'
  }
}

// ---- exhibits -------------------------------------------------------------------------------

/** An EVM address in any case; comes out EIP-55 checksummed. */
const Address = z
  .string()
  .refine((a) => isAddress(a), 'not an EVM address (0x and 40 hex digits, valid checksum)')
  .transform((a) => getAddress(a))

const Coord = z.number().min(-100_000).max(100_000)

export const ExhibitPlacement = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slot'), slot: SpaceSlot.shape.id }),
  z.strictObject({
    kind: z.literal('free'),
    x: Coord,
    y: Coord,
    z: Coord,
    /** Radians. */
    rotY: z.number().min(-100).max(100),
    scale: z.number().positive().max(100),
  }),
])
export type ExhibitPlacement = z.infer<typeof ExhibitPlacement>

/** A collectible placed in a space. JSON-serialisable; stored as-is in layout_versions. */
export const Exhibit = z.strictObject({
  id: z.uuid(),
  chainId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Contract address (EVM: checksummed) or class id on a non-EVM chain. */
  contract: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'printable ASCII, 1–128 characters'),
  /** Decimal string (uint256). */
  tokenId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'a decimal token id'),
  standard: z.enum(['erc721', 'erc1155']),
  placement: ExhibitPlacement,
  /** Plain text, shown as text, never as HTML. */
  title: z.string().max(200),
  issuer: z.string().max(200).nullable(),
  addedBy: Address,
  /** ms since the epoch. */
  addedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
})
export type Exhibit = z.infer<typeof Exhibit>

const ExhibitList = z.array(Exhibit).superRefine((list, ctx) => {
  const ids = new Set<string>()
  const slots = new Set<string>()
  list.forEach((e, i) => {
    if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'duplicate id' })
    ids.add(e.id)
    if (e.placement.kind !== 'slot') return
    if (slots.has(e.placement.slot)) {
      ctx.addIssue({ code: 'custom', path: [i, 'placement', 'slot'], message: 'slot taken' })
    }
    slots.add(e.placement.slot)
  })
})

// ---- results --------------------------------------------------------------------------------

export interface Space {
  spaceId: string
  world: string
  /** EIP-55 checksummed. */
  owner: string
  /** Given by configuration rather than claimed. */
  assigned: boolean
  /** ms since the epoch. */
  claimedAt: number
  collaborators: string[]
  /** The current layout version; 0 before the first commit. */
  version: number
  /** How it shows its exhibits; the owner's choice, kept apart from the layout versions. */
  mode: SpaceMode
}

/** A space a lapsed claim gave back. */
export interface Freed {
  spaceId: string
  world: string
}

export interface Layout {
  version: number
  exhibits: Exhibit[]
}

export interface LayoutVersion {
  version: number
  createdAt: number
  createdBy: string
  note: string
  /** How many exhibits the version holds. */
  count: number
}

export interface HiddenExhibit {
  exhibitId: string
  reason: string
  hiddenAt: number
}

// ---- validation helpers ----------------------------------------------------------------------

const SpaceId = SceneSpace.shape.id
const Note = z.string().regex(/^[\x20-\x7e]{1,64}$/, 'printable ASCII, 1–64 characters')
const Reason = z.string().min(1).max(200)
const ExhibitId = z.uuid()

function input<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  const at = issue.path.length ? `${what}.${issue.path.join('.')}` : what
  throw new SpaceError('bad_input', `${at}: ${issue.message}`)
}

function stored<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issue = r.error.issues[0]!
  throw new SpaceError(
    'bad_data',
    `${what} is invalid in the database: ${issue.path.join('.')}: ${issue.message}`,
  )
}

const SpaceRow = z.object({
  space_id: z.string(),
  world: z.string(),
  owner: z.string(),
  assigned: z.boolean(),
  claimed_at: z.date(),
  current_version: z.number().int().min(0),
  mode: SpaceMode,
  collaborators: z.array(z.string()),
})

const SPACE_SELECT = `
  select s.space_id, s.world, s.owner, s.assigned, s.claimed_at, s.current_version, s.mode,
    coalesce((select array_agg(c.address order by c.added_at, c.address)
              from space_collaborators c where c.space_id = s.space_id), '{}'::text[]) as collaborators
  from spaces s`

function toSpace(row: unknown): Space {
  const r = stored(SpaceRow, row, 'a space row')
  return {
    spaceId: r.space_id,
    world: r.world,
    owner: r.owner,
    assigned: r.assigned,
    claimedAt: r.claimed_at.getTime(),
    collaborators: r.collaborators,
    version: r.current_version,
    mode: r.mode,
  }
}

/** Advisory lock class for claims, keyed by the claiming address (see claim()). */
const CLAIM_LOCK = 6_370_002

// ---- the store -------------------------------------------------------------------------------

export class SpaceStore {
  private readonly maxExhibits: number
  private readonly maxCollaborators: number

  constructor(
    private readonly db: Database,
    options: { maxExhibits?: number; maxCollaborators?: number } = {},
  ) {
    this.maxExhibits = Math.min(options.maxExhibits ?? MAX_EXHIBITS, MAX_EXHIBITS)
    this.maxCollaborators = options.maxCollaborators ?? MAX_COLLABORATORS
  }

  async space(spaceId: string): Promise<Space | null> {
    return this.spaceIn(this.db, input(SpaceId, spaceId, 'spaceId'))
  }

  /** Every owned space of a world, by id. */
  async spacesIn(world: string): Promise<Space[]> {
    const w = input(WorldId, world, 'world')
    const rows = await this.db.query(`${SPACE_SELECT} where s.world = $1 order by s.space_id`, [w])
    return rows.map(toSpace)
  }

  /** The spaces an address owns, oldest claim first. */
  async spacesOf(address: string): Promise<Space[]> {
    const a = input(Address, address, 'address')
    const rows = await this.db.query(
      `${SPACE_SELECT} where s.owner = $1 order by s.claimed_at, s.space_id`,
      [a],
    )
    return rows.map(toSpace)
  }

  /**
   * Claims a free space for `address`. Claiming a space one already owns returns it.
   * Concurrent claims are safe: the insert decides who gets a space, and an advisory lock on
   * the address makes its count-then-insert atomic, so the limit holds across processes.
   */
  async claim(
    spaceId: string,
    world: string,
    address: string,
    options: {
      limitPerAddress: number
      /** Claims made before this (ms since the epoch) that never got an exhibit are free again. */
      unusedBefore?: number
    },
  ): Promise<Space & { expired?: Freed[] }> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const w = input(WorldId, world, 'world')
    const owner = input(Address, address, 'address')
    const limit = input(z.number().int().min(0), options.limitPerAddress, 'limitPerAddress')
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CLAIM_LOCK, owner])
      // Lapsed claims on this space or of this address do not block the claim nor count.
      if (options.unusedBefore === undefined) return this.claimIn(tx, id, w, owner, limit)
      const expired = await this.expireIn(
        tx,
        options.unusedBefore,
        'and (space_id = $2 or owner = $3)',
        [id, owner],
      )
      return { ...(await this.claimIn(tx, id, w, owner, limit)), expired }
    })
  }

  /**
   * Frees every claim made before `before` (ms since the epoch) that never got an exhibit
   * (layout version 0); assigned spaces never lapse. Returns the freed spaces.
   */
  async expireUnused(before: number): Promise<Freed[]> {
    return this.expireIn(this.db, before, '', [])
  }

  private async expireIn(
    q: Queryable,
    before: number,
    also: string,
    params: SqlParam[],
  ): Promise<Freed[]> {
    const at = input(z.number().int().min(0).max(8.64e15), before, 'before')
    const rows = await q.query<{ space_id: string; world: string }>(
      `delete from spaces where not assigned and current_version = 0 and claimed_at < $1 ${also}
       returning space_id, world`,
      [new Date(at), ...params],
    )
    return rows.map((r) => ({ spaceId: r.space_id, world: r.world }))
  }

  private async claimIn(
    tx: Queryable,
    id: string,
    w: string,
    owner: string,
    limit: number,
  ): Promise<Space> {
    const existing = await this.spaceIn(tx, id)
    if (existing) return this.alreadyOwned(existing, w, owner)
    const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(
      'select count(*)::int as n from spaces where owner = $1',
      [owner],
    )
    if (n >= limit) {
      throw new SpaceError('claim_limit', `${owner} already owns ${n} spaces (limit ${limit})`)
    }
    await tx.query(
      `insert into spaces (space_id, world, owner) values ($1, $2, $3)
       on conflict (space_id) do nothing`,
      [id, w, owner],
    )
    // Read back: another transaction may have inserted it first (it then waited for us).
    const space = await this.spaceIn(tx, id)
    if (!space) throw new SpaceError('no_space', `space ${id} vanished while claiming it`)
    return this.alreadyOwned(space, w, owner)
  }

  /** Gives a space to an address by configuration: idempotent; no claim limit applies. */
  async assign(spaceId: string, world: string, address: string): Promise<Space> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const w = input(WorldId, world, 'world')
    const owner = input(Address, address, 'address')
    return this.db.transaction(async (tx) => {
      await tx.query(
        `insert into spaces (space_id, world, owner, assigned) values ($1, $2, $3, true)
         on conflict (space_id) do nothing`,
        [id, w, owner],
      )
      const space = this.alreadyOwned((await this.spaceIn(tx, id))!, w, owner)
      if (space.assigned) return space
      await tx.query('update spaces set assigned = true where space_id = $1', [id])
      return { ...space, assigned: true }
    })
  }

  /** Gives up a claimed space: its layouts, collaborators and flags go with it. */
  async release(spaceId: string, address: string): Promise<void> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const by = input(Address, address, 'address')
    await this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (space.owner !== by) throw new SpaceError('not_owner', `${by} does not own space ${id}`)
      if (space.assigned) {
        throw new SpaceError('assigned', `space ${id} is assigned by configuration`)
      }
      await tx.query('delete from spaces where space_id = $1', [id])
    })
  }

  async addCollaborator(spaceId: string, by: string, address: string): Promise<Space> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const owner = input(Address, by, 'by')
    const who = input(Address, address, 'address')
    return this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (space.owner !== owner) {
        throw new SpaceError('not_owner', `only the owner adds collaborators to space ${id}`)
      }
      if (who === owner || space.collaborators.includes(who)) return space
      if (space.collaborators.length >= this.maxCollaborators) {
        throw new SpaceError(
          'too_many_collaborators',
          `space ${id} has ${space.collaborators.length} collaborators (limit ${this.maxCollaborators})`,
        )
      }
      await tx.query(
        'insert into space_collaborators (space_id, address, added_by) values ($1, $2, $3)',
        [id, who, owner],
      )
      return (await this.spaceIn(tx, id))!
    })
  }

  /** The owner removes a collaborator, or a collaborator leaves. */
  async removeCollaborator(spaceId: string, by: string, address: string): Promise<Space> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const actor = input(Address, by, 'by')
    const who = input(Address, address, 'address')
    return this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (space.owner !== actor && actor !== who) {
        throw new SpaceError('not_owner', `only the owner removes collaborators from space ${id}`)
      }
      await tx.query('delete from space_collaborators where space_id = $1 and address = $2', [
        id,
        who,
      ])
      return (await this.spaceIn(tx, id))!
    })
  }

  /** The owner shows the space as a gallery or an immersive exhibition. */
  async setMode(spaceId: string, world: string, address: string, mode: SpaceMode): Promise<Space> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const w = input(WorldId, world, 'world')
    const by = input(Address, address, 'address')
    const m = input(SpaceMode, mode, 'mode')
    return this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (space.world !== w) {
        throw new SpaceError('world_mismatch', `space ${id} is in world ${space.world}, not ${w}`)
      }
      if (space.owner !== by) {
        throw new SpaceError('not_owner', `only the owner chooses how space ${id} shows`)
      }
      if (space.mode === m) return space
      await tx.query('update spaces set mode = $2 where space_id = $1', [id, m])
      return { ...space, mode: m }
    })
  }

  /** Whether `address` is the owner or a collaborator (false for a malformed address). */
  async canEdit(spaceId: string, address: string): Promise<boolean> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const who = Address.safeParse(address)
    if (!who.success) return false
    return this.editor(this.db, id, who.data)
  }

  /** The current layout; version 0 and no exhibits before the first commit (or no space). */
  async layout(spaceId: string): Promise<Layout> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const [row] = await this.db.query<{ version: number; exhibits: unknown }>(
      `select s.current_version as version, v.exhibits from spaces s
       left join layout_versions v on v.space_id = s.space_id and v.version = s.current_version
       where s.space_id = $1`,
      [id],
    )
    if (!row || row.version === 0) return { version: 0, exhibits: [] }
    return {
      version: row.version,
      exhibits: stored(ExhibitList, row.exhibits, `layout ${id} v${row.version}`),
    }
  }

  /** One earlier version, or null when it does not exist. */
  async layoutAt(spaceId: string, version: number): Promise<Layout | null> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const v = input(z.number().int().min(1), version, 'version')
    const [row] = await this.db.query<{ exhibits: unknown }>(
      'select exhibits from layout_versions where space_id = $1 and version = $2',
      [id, v],
    )
    return row
      ? { version: v, exhibits: stored(ExhibitList, row.exhibits, `layout ${id} v${v}`) }
      : null
  }

  /**
   * Commits a new layout version on top of `baseVersion`; resolves once it is committed.
   * Fails with version_conflict when someone committed since (the error carries `current`).
   */
  async commitLayout(
    spaceId: string,
    by: string,
    exhibits: readonly Exhibit[],
    options: { baseVersion: number; note: string; maxExhibits?: number },
  ): Promise<{ version: number }> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const editor = input(Address, by, 'by')
    const base = input(z.number().int().min(0), options.baseVersion, 'baseVersion')
    const note = input(Note, options.note, 'note')
    const max = Math.min(options.maxExhibits ?? this.maxExhibits, this.maxExhibits)
    if (!Array.isArray(exhibits)) throw new SpaceError('bad_input', 'exhibits: not a list')
    if (exhibits.length > max) {
      throw new SpaceError('too_many_exhibits', `${exhibits.length} exhibits (limit ${max})`)
    }
    const list = input(ExhibitList, exhibits, 'exhibits')
    return this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (!(await this.editor(tx, id, editor))) {
        throw new SpaceError('not_editor', `${editor} may not edit space ${id}`)
      }
      if (space.version !== base) {
        throw new SpaceError(
          'version_conflict',
          `space ${id} is at version ${space.version}, not ${base}`,
          space.version,
        )
      }
      return this.writeVersion(tx, id, space.version + 1, editor, note, list)
    })
  }

  /** Newest first. */
  async versions(spaceId: string, limit = 20): Promise<LayoutVersion[]> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const n = input(z.number().int().min(1).max(500), limit, 'limit')
    const rows = await this.db.query(
      `select version, created_at, created_by, note, jsonb_array_length(exhibits)::int as count
       from layout_versions where space_id = $1 order by version desc limit $2`,
      [id, n],
    )
    const Row = z.object({
      version: z.number().int(),
      created_at: z.date(),
      created_by: z.string(),
      note: z.string(),
      count: z.number().int(),
    })
    return rows.map((row) => {
      const r = stored(Row, row, `a layout version of ${id}`)
      return {
        version: r.version,
        createdAt: r.created_at.getTime(),
        createdBy: r.created_by,
        note: r.note,
        count: r.count,
      }
    })
  }

  /** Makes a NEW version with the exhibits of `version` (note `restore:<n>`). */
  async restore(spaceId: string, by: string, version: number): Promise<{ version: number }> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const editor = input(Address, by, 'by')
    const from = input(z.number().int().min(1), version, 'version')
    return this.db.transaction(async (tx) => {
      const space = await this.lockSpace(tx, id)
      if (!(await this.editor(tx, id, editor))) {
        throw new SpaceError('not_editor', `${editor} may not edit space ${id}`)
      }
      const [row] = await tx.query<{ exhibits: unknown }>(
        'select exhibits from layout_versions where space_id = $1 and version = $2',
        [id, from],
      )
      if (!row) throw new SpaceError('no_version', `space ${id} has no version ${from}`)
      const list = stored(ExhibitList, row.exhibits, `layout ${id} v${from}`)
      return this.writeVersion(tx, id, space.version + 1, editor, `restore:${from}`, list)
    })
  }

  /** Hides an exhibit whose ownership check failed, in every version, until unhide(). */
  async hide(spaceId: string, exhibitId: string, reason: string): Promise<void> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const ex = input(ExhibitId, exhibitId, 'exhibitId')
    const why = input(Reason, reason, 'reason')
    const rows = await this.db.query(
      `insert into exhibit_flags (space_id, exhibit_id, hidden_reason)
       select space_id, $2, $3 from spaces where space_id = $1
       on conflict (space_id, exhibit_id) do update set hidden_reason = excluded.hidden_reason
       returning exhibit_id`,
      [id, ex, why],
    )
    if (rows.length === 0) throw new SpaceError('no_space', `no space ${id}`)
  }

  /** Shows it again (it passed re-verification); false when it was not hidden. */
  async unhide(spaceId: string, exhibitId: string): Promise<boolean> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const ex = input(ExhibitId, exhibitId, 'exhibitId')
    const rows = await this.db.query(
      'delete from exhibit_flags where space_id = $1 and exhibit_id = $2 returning exhibit_id',
      [id, ex],
    )
    return rows.length > 0
  }

  async hidden(spaceId: string): Promise<HiddenExhibit[]> {
    const id = input(SpaceId, spaceId, 'spaceId')
    const rows = await this.db.query(
      `select exhibit_id, hidden_reason, hidden_at from exhibit_flags
       where space_id = $1 order by hidden_at, exhibit_id`,
      [id],
    )
    const Row = z.object({ exhibit_id: z.string(), hidden_reason: z.string(), hidden_at: z.date() })
    return rows.map((row) => {
      const r = stored(Row, row, `an exhibit flag of ${id}`)
      return { exhibitId: r.exhibit_id, reason: r.hidden_reason, hiddenAt: r.hidden_at.getTime() }
    })
  }

  // ---- internals ----

  private async spaceIn(q: Queryable, id: string): Promise<Space | null> {
    const [row] = await q.query(`${SPACE_SELECT} where s.space_id = $1`, [id])
    return row ? toSpace(row) : null
  }

  /** Reads the space and locks its row until the transaction ends (serialises its edits). */
  private async lockSpace(tx: Queryable, id: string): Promise<Space> {
    const locked = await tx.query('select 1 from spaces where space_id = $1 for update', [id])
    if (locked.length === 0) throw new SpaceError('no_space', `no space ${id}`)
    return (await this.spaceIn(tx, id))!
  }

  private alreadyOwned(space: Space, world: string, owner: string): Space {
    if (space.owner !== owner) {
      throw new SpaceError('space_taken', `space ${space.spaceId} belongs to ${space.owner}`)
    }
    if (space.world !== world) {
      throw new SpaceError(
        'world_mismatch',
        `space ${space.spaceId} is in world ${space.world}, not ${world}`,
      )
    }
    return space
  }

  private async editor(q: Queryable, id: string, address: string): Promise<boolean> {
    const rows = await q.query(
      `select 1 from spaces s where s.space_id = $1 and (s.owner = $2 or exists (
         select 1 from space_collaborators c where c.space_id = s.space_id and c.address = $2))`,
      [id, address],
    )
    return rows.length > 0
  }

  private async writeVersion(
    tx: Queryable,
    id: string,
    version: number,
    by: string,
    note: string,
    exhibits: readonly Exhibit[],
  ): Promise<{ version: number }> {
    await tx.query(
      `insert into layout_versions (space_id, version, created_by, note, exhibits)
       values ($1, $2, $3, $4, $5::jsonb)`,
      [id, version, by, note, JSON.stringify(exhibits)],
    )
    await tx.query('update spaces set current_version = $2 where space_id = $1', [id, version])
    return { version }
  }
}
