// Creator spaces: the rules between a room message and the database. A space edit is accepted
// only when the seat's wallet owns (or collaborates on) the space and, for a placement, this
// server has just verified the collectible for that wallet on chain; it is acknowledged only
// after the new layout version is committed. Every change is announced on the presence
// channel of the world, so every instance on every process reloads the space.
//
// Re-verification: a Transfer of a placed token (from the chain watcher) or the periodic
// re-check makes the server verify the exhibit again; one that fails is hidden, the owner is
// told why, and it comes back when a later check passes.
//
// Spaces are scarce: a claim needs a verified collectible from an allowlisted issuer (or a space
// assigned by configuration), a claim that never gets an exhibit lapses after `claimTtlMs`, and
// owners can release their space.
//
// One file (~470 lines): claims, edits and re-verification share the service's view of which
// exhibit is where (the recheck index), kept in step by every edit.
import { randomUUID } from 'node:crypto'
import { getAddress } from 'ethers'
import type { Collectible } from '../../src/chain/types'
import type { Space as SceneSpace } from '../../src/protocol/scene'
import {
  GRID_STEP,
  SCALE_RANGE,
  freeInside,
  snapFree,
  type Placement,
  type SpaceErrorCode,
  type SpaceMode,
  type TokenRef,
} from '../../src/protocol/spaces'
import { ChainUnavailableError } from '../../src/chain/types'
import { background } from '../background'
import { errorField, log as processLog, type Logger } from '../log'
import type { CollectibleService } from '../collectibles'
import { SpaceError, type Exhibit, type SpaceStore } from './store'

/** A refusal the creator sees: a protocol error code and a sentence. */
export class SpaceRefusal extends Error {
  constructor(
    readonly code: SpaceErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'SpaceRefusal'
  }
}

export interface SpaceView {
  spaceId: string
  owner: string | null
  collaborators: string[]
  version: number
  mode: SpaceMode
  exhibits: (Exhibit & { hidden: string | null })[]
}

export interface SpaceChange {
  world: string
  space: string
  /** Set when an exhibit was hidden: the owner is told. */
  hidden?: { id: string; reason: string; owner: string }
}

export interface SpaceServiceOptions {
  /** Spaces one address may claim. */
  limitPerAddress: number
  /** How often every placed exhibit is verified again, ms (0: only on transfers). */
  recheckMs: number
  /** A claim without any exhibit after this long lapses and the space is free, ms (0: never). */
  claimTtlMs?: number
  /** Announces a change to every instance of the world (presence publish). */
  publish: (change: SpaceChange) => void
  log?: Logger
}

/** How many versions the history lists (restoring any of them makes a new one). */
const HISTORY_LENGTH = 20

const tokenKey = (t: { chainId: number; contract: string; tokenId: string }) =>
  `${t.chainId}:${t.contract.toLowerCase()}:${t.tokenId}`

function refusalFrom(err: unknown): never {
  if (err instanceof SpaceRefusal) throw err
  if (err instanceof SpaceError) {
    const map: Partial<Record<SpaceError['code'], SpaceErrorCode>> = {
      space_taken: 'space_taken',
      claim_limit: 'claim_limit',
      not_owner: 'not_owner',
      not_editor: 'not_editor',
      version_conflict: 'version_conflict',
      too_many_exhibits: 'too_many_exhibits',
      no_space: 'unknown_space',
      assigned: 'not_owner',
      world_mismatch: 'unknown_space',
      no_version: 'version_conflict',
    }
    throw new SpaceRefusal(map[err.code] ?? 'bad_placement', err.message)
  }
  if (err instanceof ChainUnavailableError) {
    throw new SpaceRefusal('chain_unavailable', `${err.message}; try again in a moment`)
  }
  throw err
}

export class SpaceService {
  /** Placed tokens → where they stand, for re-verification. */
  private readonly placed = new Map<
    string,
    Map<string, { world: string; space: string; exhibit: Exhibit }>
  >()
  private timer: ReturnType<typeof setInterval> | null = null
  private rechecking = false
  private sweeper: ReturnType<typeof setInterval> | null = null
  private readonly log: Logger
  private readonly stopWatching: () => void

  constructor(
    private readonly store: SpaceStore,
    private readonly collectibles: CollectibleService,
    private readonly opts: SpaceServiceOptions,
  ) {
    this.log = opts.log ?? processLog
    this.stopWatching = collectibles.onTransfer((t) => {
      for (const tokenId of t.tokenIds) {
        const at = this.placed.get(tokenKey({ chainId: t.chainId, contract: t.contract, tokenId }))
        if (at) {
          for (const p of at.values()) {
            background(this.recheck(p.world, p.space, p.exhibit), '[spaces] re-check')
          }
        }
      }
    })
    if (opts.recheckMs > 0) {
      this.timer = setInterval(
        () => background(this.recheckAll(), '[spaces] re-check'),
        opts.recheckMs,
      )
    }
    const ttl = opts.claimTtlMs ?? 0
    if (ttl > 0) {
      // Sweep a few times per TTL (at most once a minute) so a lapsed claim shows as free.
      const every = Math.max(60_000, Math.min(ttl / 4, 3_600_000))
      this.sweeper = setInterval(
        () => background(this.expireUnused(), '[spaces] expiring unused claims'),
        every,
      )
      this.sweeper.unref?.()
    }
  }

  stop() {
    this.stopWatching()
    if (this.timer) clearInterval(this.timer)
    if (this.sweeper) clearInterval(this.sweeper)
  }

  /** Frees claims older than the TTL that never got an exhibit, as of `now`; announces each. */
  async expireUnused(now = Date.now()) {
    const ttl = this.opts.claimTtlMs ?? 0
    if (ttl <= 0) return []
    const freed = await this.store.expireUnused(now - ttl)
    for (const f of freed) {
      this.log.info(
        { world: f.world, space: f.spaceId },
        'space claim lapsed: no exhibit within the TTL',
      )
      this.opts.publish({ world: f.world, space: f.spaceId })
    }
    return freed
  }

  /** The current state of a space (owner null when free), and indexes its exhibits. */
  async view(world: string, spaceId: string): Promise<SpaceView> {
    const space = await this.store.space(spaceId)
    if (!space || space.world !== world) {
      return {
        spaceId,
        owner: null,
        collaborators: [],
        version: 0,
        mode: 'gallery',
        exhibits: [],
      }
    }
    const [layout, hidden] = await Promise.all([
      this.store.layout(spaceId),
      this.store.hidden(spaceId),
    ])
    const why = new Map(hidden.map((h) => [h.exhibitId, h.reason]))
    this.index(world, spaceId, layout.exhibits)
    return {
      spaceId,
      owner: space.owner,
      collaborators: space.collaborators,
      version: layout.version,
      mode: space.mode,
      exhibits: layout.exhibits.map((e) => ({ ...e, hidden: why.get(e.id) ?? null })),
    }
  }

  private index(world: string, space: string, exhibits: Exhibit[]) {
    for (const entries of this.placed.values()) {
      for (const [id, p] of entries) if (p.space === space && p.world === world) entries.delete(id)
    }
    for (const exhibit of exhibits) {
      const key = tokenKey(exhibit)
      let entries = this.placed.get(key)
      if (!entries) this.placed.set(key, (entries = new Map()))
      entries.set(exhibit.id, { world, space, exhibit })
    }
  }

  async claim(world: string, scene: SceneSpace, address: string) {
    try {
      await this.requireCredential(address)
      const ttl = this.opts.claimTtlMs ?? 0
      const space = await this.store.claim(scene.id, world, address, {
        limitPerAddress: this.opts.limitPerAddress,
        ...(ttl > 0 && { unusedBefore: Date.now() - ttl }),
      })
      for (const f of space.expired ?? []) this.opts.publish({ world: f.world, space: f.spaceId })
      this.opts.publish({ world, space: scene.id })
      return { version: space.version }
    } catch (err) {
      refusalFrom(err)
    }
  }

  /** The owner gives a claimed space back (its layouts go with it); assigned spaces stay. */
  async release(world: string, scene: SceneSpace, address: string) {
    try {
      await this.store.release(scene.id, address)
      this.opts.publish({ world, space: scene.id })
      return { version: 0 }
    } catch (err) {
      refusalFrom(err)
    }
  }

  /**
   * Something scarce behind every claim, so throwaway keys cannot take every space: a space
   * assigned by configuration, or at least one verified collectible from an allowlisted issuer.
   */
  private async requireCredential(address: string) {
    if ((await this.store.spacesOf(address)).some((s) => s.assigned)) return
    const { items } = await this.collectibles.list(address)
    if (items.some((c) => c.verified)) return
    throw new SpaceRefusal(
      'no_credential',
      'claiming a space needs a verified collectible from a trusted issuer in this wallet',
    )
  }

  async collaborator(world: string, scene: SceneSpace, by: string, address: string, add: boolean) {
    try {
      const space = add
        ? await this.store.addCollaborator(scene.id, by, address)
        : await this.store.removeCollaborator(scene.id, by, address)
      this.opts.publish({ world, space: scene.id })
      return { version: space.version }
    } catch (err) {
      refusalFrom(err)
    }
  }

  /** The owner shows the space as a gallery or an immersive exhibition. */
  async mode(world: string, scene: SceneSpace, by: string, mode: SpaceMode) {
    try {
      const space = await this.store.setMode(scene.id, world, by, mode)
      this.opts.publish({ world, space: scene.id })
      return { version: space.version }
    } catch (err) {
      refusalFrom(err)
    }
  }

  /** Places a collectible `by` owns, verified on chain now. */
  async place(
    world: string,
    scene: SceneSpace,
    by: string,
    base: number,
    token: TokenRef,
    placement: Placement,
  ) {
    try {
      if (!(await this.store.canEdit(scene.id, by))) {
        throw new SpaceRefusal('not_editor', 'only the owner and collaborators can edit this space')
      }
      const layout = await this.store.layout(scene.id)
      if (layout.version !== base) throw this.conflict(layout.version)
      if (layout.exhibits.length >= scene.limits.exhibits) {
        throw new SpaceRefusal(
          'too_many_exhibits',
          `this space holds at most ${scene.limits.exhibits} exhibits`,
        )
      }
      const where = this.checkPlacement(scene, placement, layout.exhibits, null)
      const proof = await this.collectibles.verify(by, token)
      if (!proof.verified) {
        throw new SpaceRefusal(
          'not_verified',
          `this collectible is not verified for ${by}: ${proof.reasons.join(', ')}`,
        )
      }
      const exhibit: Exhibit = {
        id: randomUUID(),
        chainId: proof.chainId,
        contract: proof.contract,
        tokenId: proof.tokenId,
        standard: proof.standard,
        placement: where,
        title: proof.name.slice(0, 200),
        issuer: issuerText(proof),
        addedBy: getAddress(by),
        addedAt: Date.now(),
      }
      const { version } = await this.store.commitLayout(
        scene.id,
        by,
        [...layout.exhibits, exhibit],
        { baseVersion: base, note: 'place', maxExhibits: scene.limits.exhibits },
      )
      this.opts.publish({ world, space: scene.id })
      return { version, id: exhibit.id }
    } catch (err) {
      refusalFrom(err)
    }
  }

  async move(
    world: string,
    scene: SceneSpace,
    by: string,
    base: number,
    id: string,
    placement: Placement,
  ) {
    return this.edit(world, scene, by, base, 'move', (exhibits) => {
      const i = exhibits.findIndex((e) => e.id === id)
      if (i < 0) throw new SpaceRefusal('unknown_exhibit', 'no such exhibit in this space')
      const where = this.checkPlacement(scene, placement, exhibits, id)
      return exhibits.map((e, k) => (k === i ? { ...e, placement: where } : e))
    })
  }

  async remove(world: string, scene: SceneSpace, by: string, base: number, id: string) {
    return this.edit(world, scene, by, base, 'remove', (exhibits) => {
      if (!exhibits.some((e) => e.id === id)) {
        throw new SpaceRefusal('unknown_exhibit', 'no such exhibit in this space')
      }
      return exhibits.filter((e) => e.id !== id)
    })
  }

  /** The newest versions of a space's layout, for its owner and collaborators. */
  async history(scene: SceneSpace, by: string) {
    try {
      if (!(await this.store.canEdit(scene.id, by))) {
        throw new SpaceRefusal('not_editor', `${by} may not edit space ${scene.id}`)
      }
      const versions = await this.store.versions(scene.id, HISTORY_LENGTH)
      return {
        version: versions[0]?.version ?? 0,
        versions: versions.map((v) => ({
          version: v.version,
          at: v.createdAt,
          by: v.createdBy,
          note: v.note,
          count: v.count,
        })),
      }
    } catch (err) {
      refusalFrom(err)
    }
  }

  async restore(world: string, scene: SceneSpace, by: string, version: number) {
    try {
      const result = await this.store.restore(scene.id, by, version)
      this.opts.publish({ world, space: scene.id })
      return result
    } catch (err) {
      refusalFrom(err)
    }
  }

  private async edit(
    world: string,
    scene: SceneSpace,
    by: string,
    base: number,
    note: string,
    change: (exhibits: Exhibit[]) => Exhibit[],
  ) {
    try {
      const layout = await this.store.layout(scene.id)
      if (layout.version !== base) throw this.conflict(layout.version)
      const result = await this.store.commitLayout(scene.id, by, change(layout.exhibits), {
        baseVersion: base,
        note,
        maxExhibits: scene.limits.exhibits,
      })
      this.opts.publish({ world, space: scene.id })
      return result
    } catch (err) {
      refusalFrom(err)
    }
  }

  private conflict(current: number) {
    return new SpaceRefusal(
      'version_conflict',
      `the space changed meanwhile (now at version ${current}): look again and retry`,
    )
  }

  /** A slot that exists and is free, or a free placement inside the space, snapped. */
  private checkPlacement(
    scene: SceneSpace,
    placement: Placement,
    exhibits: Exhibit[],
    moving: string | null,
  ): Placement {
    if (placement.kind === 'slot') {
      if (!scene.slots.some((s) => s.id === placement.slot)) {
        throw new SpaceRefusal('bad_placement', `this space has no slot "${placement.slot}"`)
      }
      const taken = exhibits.some(
        (e) =>
          e.id !== moving && e.placement.kind === 'slot' && e.placement.slot === placement.slot,
      )
      if (taken) throw new SpaceRefusal('slot_taken', `slot "${placement.slot}" is taken`)
      return placement
    }
    // The same snapping and bounds as the client's editor (src/protocol/spaces.ts).
    const p = snapFree(scene, placement)
    if (!freeInside(scene, p)) {
      const [x0, z0, x1, z1] = scene.area
      throw new SpaceRefusal(
        'bad_placement',
        `free placement must stay inside the space (x ${x0}–${x1}, z ${z0}–${z1}, ` +
          `height ${scene.floorY}–${scene.floorY + scene.height}, scale ${SCALE_RANGE.join('–')}, ` +
          `on a ${GRID_STEP} m grid)`,
      )
    }
    return p
  }

  /** Verifies one placed exhibit again; hides or shows it accordingly. */
  async recheck(world: string, space: string, exhibit: Exhibit) {
    let proof: Collectible
    try {
      proof = await this.collectibles.verify(exhibit.addedBy, exhibit)
    } catch (err) {
      // Chain trouble proves nothing either way: keep the exhibit as it is and try later.
      this.log.warn({ token: tokenKey(exhibit), error: errorField(err) }, 'exhibit re-check failed')
      return
    }
    try {
      if (!proof.verified) {
        const reason = proof.reasons.join(', ')
        const wasHidden = (await this.store.hidden(space)).some((h) => h.exhibitId === exhibit.id)
        if (wasHidden) return
        await this.store.hide(space, exhibit.id, reason)
        const owner = (await this.store.space(space))?.owner ?? exhibit.addedBy
        this.opts.publish({ world, space, hidden: { id: exhibit.id, reason, owner } })
      } else if (await this.store.unhide(space, exhibit.id)) {
        this.opts.publish({ world, space })
      }
    } catch (err) {
      this.log.error(
        { exhibit: exhibit.id, error: errorField(err) },
        'exhibit re-check not recorded',
      )
    }
  }

  private async recheckAll() {
    // A slow chain or database must not stack up rounds: one at a time.
    if (this.rechecking) return
    this.rechecking = true
    try {
      for (const entries of [...this.placed.values()]) {
        for (const p of [...entries.values()]) await this.recheck(p.world, p.space, p.exhibit)
      }
    } finally {
      this.rechecking = false
    }
  }
}

function issuerText(c: Collectible): string | null {
  if (!c.issuer) return null
  const { 'zh-CN': zh, en } = c.issuer
  return zh === en ? en : `${zh} ${en}`
}
