// The builder's part of a world room: in a builder world (id `bw-…`) the room holds the live
// voxel grid. Builders' edits come in as `build.*` messages (handlers.ts), are checked against
// the grid and the seat's rights, applied in arrival order and sent to everyone in the room with
// a sequence number; everyone's page applies the same changes in the same order. Undo and redo
// are per builder, as patches that put back only what that builder's edit changed. The grid is
// saved as a new version after edits settle (autosave), when a builder saves, before a restore,
// and when the room closes. When the world has several instances (more visitors than a room
// holds, possibly on several processes), one of them, the writer, takes every edit: the others
// forward their builders' messages to it over presence and mirror what it tells everyone, so
// every page in every instance applies the same changes in the same order. The writer holds
// its role on a lease; when its room closes (after saving) or its process dies, another
// instance takes over from what it mirrored.
//
// A draft is its owner's and builders' only: in a draft's room the grid, its changes and the
// visitor layer go only to seats signed in as one of them (anyone may join the room by id, as
// any room; what they get there is avatars and chat).
import { randomBytes } from 'node:crypto'
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import {
  MAX_WORLD_STAGES,
  STAGE_SIDE,
  type StageEdit,
  MAX_WORLD_PLOTS,
  PLOT_SIDE,
  type PlotEdit,
  MAX_WORLD_PORTALS,
  MAX_WORLD_POIS,
  type PortalEdit,
  withColour,
  type BoxPatch,
  type BuilderErrorCode,
  type PoiEdit,
  type VisitorLayer,
  type VoxelEdit,
} from '../../src/protocol/builder'
import { cleanText, type ClientMessageType, type ServerMessages } from '../../src/protocol/messages'
import type { Scene } from '../../src/protocol/scene'
import { decodeGrid, encodeGrid } from '../../src/world/voxel/codec'
import { applyEdit, checkEdit } from '../../src/world/voxel/edits'
import { materialTable, VoxelGrid } from '../../src/world/voxel/grid'
import {
  applyBoxPatch,
  applyEditAsPatch,
  checkPatch,
  prefabPatch,
  type PatchResult,
} from '../../src/world/voxel/patch'
import { compilePrefab, type CompiledPrefab, type Rotation } from '../../src/world/voxel/generate'
import { background } from '../background'
import { worldRules } from '../worlds'
import { errorField, log } from '../log'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { AUTOSAVE_NOTE, BuilderError, type BuilderStore } from './store'
import type { ThumbnailSink } from './thumbnailJobs'
import { pictureUrl } from './picture'
import { builderOps } from './handlers'

/** Builder worlds' ids: `bw-` and 12 hex digits (BuilderStore.create). */
export const isBuilderWorld = (id: string) => /^bw-[0-9a-f]{12}$/.test(id)

/** Presence channel on which every instance of a builder world hears of saves and members. */
export const builderChannel = (world: string) => `cq:builder:${world}`

/** How long the instance that takes a world's edits holds the role without renewing it (s). */
const WRITER_TTL_S = 15
/** How often it renews, and how often the others check that it is still there (ms). */
const LEASE_MS = 5_000

/** A builder whose page is in another instance of the world: its messages come over presence. */
export interface RemoteBuilder {
  /** The room (instance) the builder's page is in. */
  remote: string
  client: { sessionId: string }
  address: string | null
}

/** Who sent a builder message: a seat in this room, or one in another instance. */
export type Builder = Seat | RemoteBuilder

const isRemote = (who: Builder): who is RemoteBuilder => 'remote' in who

/** The builder messages an instance mirrors to its own pages, as the writer sends them. */
type Told = 'build.applied' | 'build.sync' | 'build.scene' | 'build.saved'
/** What the writer answers one builder in another instance. */
type Answer = 'error' | 'build.applied' | 'build.scene'

/**
 * What the instances of one builder world say to each other. One instance, the writer, takes
 * the world's edits: the others forward their builders' messages to it (`op`), pass its answers
 * on (`reply`) and mirror what it tells everyone (`told`, the grid as base64 in `build.sync`).
 * `saved`: a version was stored; `members`: the owner changed the builders or published.
 */
export type BuilderNotice =
  | { kind: 'saved'; version: number; room: string }
  | { kind: 'members' }
  | { kind: 'writer'; room: string }
  | { kind: 'writer-gone'; room: string }
  | {
      kind: 'op'
      to: string
      from: string
      session: string
      address: string | null
      type: BuildMessageType
      payload: unknown
    }
  | { kind: 'told'; room: string; type: Told; body: unknown }
  | { kind: 'reply'; to: string; session: string; type: Answer; body: unknown }
  | { kind: 'left'; to: string; session: string }
  | { kind: 'resync'; to: string }

export interface RoomBuilderOptions {
  /** Whether a built-in world (a scene file) of this id exists: a portal may lead there. */
  builtInWorld: (id: string) => Promise<boolean>
  /** Saved this long after the last edit (ms), or every `autosaveMaxMs` while edits go on. */
  autosaveIdleMs: number
  autosaveMaxMs: number
  /** How long a seat's right to edit is trusted before it is asked of the database again. */
  rightsMs: number
  /** Told when a published world is saved (its thumbnail follows it); null while starting. */
  thumbnails: () => ThumbnailSink | null
}

/** Whether `<scenesDir>/<id>.json` is a world (read once, then cached by server/worlds.ts). */
export const builtInWorlds = (scenesDir: string) => (id: string) =>
  worldRules(scenesDir, id).then(
    () => true,
    () => false,
  )

export const ROOM_BUILDER_DEFAULTS: RoomBuilderOptions = {
  builtInWorld: builtInWorlds('scenes'),
  autosaveIdleMs: 5_000,
  autosaveMaxMs: 30_000,
  rightsMs: 10_000,
  thumbnails: () => null,
}

/** Both languages of a builder's text, cleaned like chat; null when either comes out empty. */
function cleanWords(t: { 'zh-CN': string; en: string }, max: number) {
  const words = { 'zh-CN': cleanText(t['zh-CN'], max), en: cleanText(t.en, max) }
  return words['zh-CN'] && words.en ? words : null
}

/**
 * Where an item of the visitor layer goes in `list`: the index of the one `id` names (a change),
 * -1 for a new one (no id); a reason when the id names none or a new one would pass `max`.
 */
function placeIn(
  list: readonly { id: string }[],
  id: string | undefined,
  max: number,
  noun: string,
): number | string {
  const at = list.findIndex((x) => x.id === id)
  if (id !== undefined && at < 0) return `there is no ${noun} "${id}"`
  if (at < 0 && list.length >= max) return `a world has at most ${max} ${noun}s`
  return at
}

/**
 * A stage's screen and audience for its floor `area` ([x0, z0, x1, z1]) and the way the
 * audience looks (`facing`, radians, 0 looks to -z, snapped to a quarter turn): the screen at
 * the far side, facing back, as wide as the side allows (at most 16, 16:9); the audience 4
 * blocks in front of the near side, looking at it. The audience's height is the caller's.
 */
export function stageLayout(
  [x0, z0, x1, z1]: readonly [number, number, number, number],
  floorY: number,
  facing: number,
) {
  const q = (((Math.round(facing / (Math.PI / 2)) % 4) + 4) % 4) as 0 | 1 | 2 | 3
  const [cx, cz] = [(x0 + x1) / 2, (z0 + z1) / 2]
  const along = q % 2 === 0 ? x1 - x0 : z1 - z0
  const width = Math.min(16, along - 1)
  const height = Math.round(((width * 9) / 16) * 100) / 100
  const y = floorY + 1 + height / 2
  // Per quarter: the screen's centre on the far side, its turn, and the audience's spot.
  const layouts = {
    0: { screen: [cx, y, z0 + 0.1], rotY: 0, audience: [cx, z1 + 4] },
    1: { screen: [x0 + 0.1, y, cz], rotY: Math.PI / 2, audience: [x1 + 4, cz] },
    2: { screen: [cx, y, z1 - 0.1], rotY: Math.PI, audience: [cx, z0 - 4] },
    3: { screen: [x1 - 0.1, y, cz], rotY: -Math.PI / 2, audience: [x0 - 4, cz] },
  } as const
  const l = layouts[q]
  return {
    screen: {
      position: [...l.screen] as [number, number, number],
      rotY: l.rotY,
      width,
      height,
    },
    audience: {
      position: [l.audience[0], floorY, l.audience[1]] as [number, number, number],
      heading: [0, Math.PI / 2, Math.PI, -Math.PI / 2][q]!,
    },
  }
}

/** `list` with `item` at `at` (placeIn's answer), or added at the end. */
function withItem<T>(list: readonly T[], at: number, item: T): T[] {
  return at < 0 ? [...list, item] : list.map((x, i) => (i === at ? item : x))
}

/** One builder's undo and redo stacks: at most this many steps, and this many run numbers. */
const UNDO_STEPS = 64
const UNDO_RUNS = 256 * 1024

interface History {
  undo: BoxPatch[]
  redo: BoxPatch[]
  runs: number
}

export type BuildMessageType = Extract<ClientMessageType, `build.${string}`>

export class RoomBuilder implements FeaturePart {
  private grid: VoxelGrid | null = null
  private scene: Scene | null = null
  private version = 0
  private seq = 0
  /** Deflated codec bytes of the grid at `syncSeq` (what a joining page gets). */
  private syncBytes: Uint8Array | null = null
  private syncSeq = -1
  /** The last edit not yet saved, and who made it (the version is theirs). */
  private dirtySince = 0
  private lastEditAt = 0
  private lastEditor: string | null = null
  private readonly rights = new Map<string, { ok: boolean; at: number }>()
  /** Published (everyone sees it), and who owns and builds it (a draft's only viewers). */
  private published = false
  private members = new Set<string>()
  private readonly histories = new Map<string, History>()
  /** Builder operations run one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve()
  private onNotice: ((notice: BuilderNotice) => void) | null = null
  private disposed = false
  private autosaveQueued = false
  /** Saves being written, one after another (save()). */
  private saving: Promise<void> = Promise.resolve()
  private writing = 0
  /** Counts visitor layer changes (a save made meanwhile leaves the world dirty). */
  private sceneVersion = 0
  private readonly prefabs = new Map<string, CompiledPrefab>()
  /** Whether this instance takes the world's edits (the writer) or mirrors the writer's. */
  private role: 'writer' | 'replica' | null = null
  /** The writer's room id, when known. */
  private writerRoom: string | null = null
  /** A mirrored change was missed: the grid waits for the writer's `build.sync`. */
  private stale = false
  /** Lease checks in a row that found no writer although one had claimed the world. */
  private orphaned = 0

  constructor(
    private readonly host: RoomHost,
    private readonly store: () => BuilderStore | null,
    private readonly opts: RoomBuilderOptions = ROOM_BUILDER_DEFAULTS,
  ) {}

  /** Whether this room's world is a builder world (else every `build.*` is refused). */
  get active(): boolean {
    return this.grid !== null
  }

  async start() {
    const world = this.host.state.world
    if (!isBuilderWorld(world)) return
    await this.load()
    this.onNotice = (notice) => this.heard(notice)
    await this.host.presence.subscribe(builderChannel(world), this.onNotice)
    await this.elect()
    this.host.clock.setInterval(() => this.autosave(), 1000)
    this.host.clock.setInterval(() => this.enqueue(() => this.lease()), LEASE_MS)
  }

  dispose() {
    this.disposed = true
    if (this.onNotice)
      background(
        this.host.presence.unsubscribe(builderChannel(this.host.state.world), this.onNotice),
        '[builder] unsubscribe',
      )
    if (this.role !== 'writer') return
    // The last edits are saved after the room is gone (the queue holds no seats by then), and
    // only then may another instance take the edits: it goes on from what it mirrored.
    if (this.dirtySince) this.enqueue(() => this.save(null, AUTOSAVE_NOTE))
    this.enqueue(() => this.release())
  }

  joined(seat: Seat) {
    if (!this.grid || !this.mayView(seat)) return
    // The palette first: the grid may hold colours added since the scene the page loaded.
    this.host.reply(seat.client, 'build.scene', this.visitorLayer())
    this.host.reply(seat.client, 'build.sync', this.sync())
  }

  /** A seat signed in: in a draft, a builder now gets what visitors of a published world get. */
  signedIn(seat: Seat) {
    if (this.grid && !this.published) this.joined(seat)
  }

  left(seat: Seat) {
    this.histories.delete(seat.client.sessionId)
    // The writer keeps this builder's undo steps: they go with the page.
    if (this.role === 'replica' && this.writerRoom && seat.address)
      this.announce({ kind: 'left', to: this.writerRoom, session: seat.client.sessionId })
  }

  /**
   * Runs a `build.*` message after those before it, in the instance that takes the world's
   * edits: here, or forwarded to it (its answers come back over presence).
   */
  run<T extends BuildMessageType>(who: Builder, type: T, payload: unknown) {
    if (!this.grid)
      return this.refuse(who, type, 'not_builder_world', 'this is not a builder world')
    if (this.role === 'replica') {
      if (!this.writerRoom)
        return this.refuse(who, type, 'save_failed', 'the world is changing hands: try again')
      return this.announce({
        kind: 'op',
        to: this.writerRoom,
        from: this.host.roomId,
        session: who.client.sessionId,
        address: who.address,
        type,
        payload,
      })
    }
    this.enqueue(async () => {
      if (!(await this.mayEdit(who, type))) return
      const op = builderOps[type] as (p: RoomBuilder, w: Builder, m: unknown) => unknown
      await op(this, who, payload)
    })
  }

  edit(seat: Builder, ref: number, edit: VoxelEdit) {
    const grid = this.grid!
    const why = checkEdit(grid, edit)
    if (why) return this.refuse(seat, 'build.edit', 'bad_edit', why)
    this.commit(seat, ref, applyEditAsPatch(grid, edit), { edit })
  }

  /** Places a prefab of the world's library: sent to everyone as the patch it makes. */
  prefab(seat: Builder, ref: number, name: string, at: [number, number, number], rotate: Rotation) {
    const compiled = this.compiled(name)
    if (!compiled)
      return this.refuse(seat, 'build.prefab', 'bad_edit', `this world has no piece "${name}"`)
    this.patch(seat, 'build.prefab', ref, (grid) => prefabPatch(grid, compiled, at, rotate))
  }

  /**
   * A change the room works out from its grid (a piece, a terrain brush, a paste): applied and
   * sent to everyone as the patch it makes; `make` says why not with a string.
   */
  patch(
    seat: Builder,
    type: BuildMessageType,
    ref: number,
    make: (grid: VoxelGrid) => BoxPatch | string,
  ) {
    const grid = this.grid!
    const patch = make(grid)
    if (typeof patch === 'string') return this.refuse(seat, type, 'bad_edit', patch)
    const why = checkPatch(grid, patch)
    if (why) return this.refuse(seat, type, 'bad_edit', why)
    this.commit(seat, ref, applyBoxPatch(grid, patch), { patch })
  }

  /** A builder's change, applied: everyone gets it with the next number (nobody, if a no-op). */
  private commit(
    seat: Builder,
    ref: number,
    result: PatchResult,
    change: { edit: VoxelEdit } | { patch: BoxPatch },
  ) {
    const by = seat.client.sessionId
    if (result.changed === 0) {
      // Nothing changed: the sender still hears back, nobody else needs to.
      this.answer(seat, 'build.applied', { seq: this.seq, by, ref })
      return
    }
    this.remember(seat, result)
    this.changed(seat)
    this.tell('build.applied', { seq: this.seq, by, ref, ...change })
  }

  /** Adds or changes a point of interest (texts cleaned like chat, inside the world). */
  async setPoi(seat: Builder, p: PoiEdit) {
    const scene = this.scene!
    const where = this.cellInside(p.position)
    if (!where) return this.refuse(seat, 'build.poi', 'bad_edit', 'the point is outside the world')
    const title = cleanWords(p.title, 40)
    const body = cleanWords(p.body, 160)
    if (!title || !body)
      return this.refuse(
        seat,
        'build.poi',
        'bad_edit',
        'a point needs a title and a text in both languages',
      )
    const at = placeIn(scene.pois, p.id, MAX_WORLD_POIS, 'point')
    if (typeof at === 'string') return this.refuse(seat, 'build.poi', 'bad_edit', at)
    let picture: string | undefined
    if (p.picture) {
      const store = this.store()
      const world = this.host.state.world
      if (!store || !(await store.pictureOf(world, p.picture)))
        return this.refuse(seat, 'build.poi', 'bad_edit', 'there is no such picture in this world')
      picture = pictureUrl(world, p.picture)
    }
    const poi = {
      id: p.id ?? `poi-${randomBytes(4).toString('hex')}`,
      kind: p.kind,
      title,
      body,
      position: where,
      radius: 6,
      ...(picture && { picture }),
    }
    const pois = withItem(scene.pois, at, poi)
    this.sceneChanged(seat, { ...scene, pois })
  }

  removePoi(seat: Builder, id: string) {
    const scene = this.scene!
    if (!scene.pois.some((x) => x.id === id))
      return this.refuse(seat, 'build.poi', 'bad_edit', `there is no point "${id}"`)
    this.sceneChanged(seat, { ...scene, pois: scene.pois.filter((x) => x.id !== id) })
  }

  /**
   * Adds a custom colour to the palette, after the style's materials and the colours before it
   * (ids never move, so the grid and every page's copy stay valid). One already there is kept.
   */
  addColour(seat: Builder, colour: string) {
    const scene = this.scene!
    const voxel = scene.voxel!
    const grown = withColour(voxel.palette, colour)
    if (typeof grown === 'string') return this.refuse(seat, 'build.colour', 'bad_edit', grown)
    // Already there: the sender hears the layer again (its page picks the colour from it).
    if (grown === voxel.palette) return this.answer(seat, 'build.scene', this.visitorLayer())
    const palette = [...grown]
    this.grid!.setMaterials(materialTable(palette))
    this.sceneChanged(seat, { ...scene, voxel: { ...voxel, palette } })
  }

  /**
   * Adds or changes a portal: inside the world, to a world that exists (a built-in one, a
   * published builder world, or a draft the sender builds), never to this one.
   */
  async setPortal(seat: Builder, p: PortalEdit) {
    const refuse = (why: string) => this.refuse(seat, 'build.portal', 'bad_edit', why)
    const where = this.cellInside(p.position)
    if (!where) return refuse('the portal is outside the world')
    const label = cleanWords(p.label, 40)
    if (!label) return refuse('a portal needs a label in both languages')
    if (p.to === this.host.state.world) return refuse('a portal leads to another world')
    if (!(await this.worldExists(p.to, seat.address)))
      return refuse(`there is no world "${p.to}" to lead to`)
    const scene = this.scene!
    const at = placeIn(scene.portals, p.id, MAX_WORLD_PORTALS, 'portal')
    if (typeof at === 'string') return refuse(at)
    const portal = {
      id: p.id ?? `portal-${randomBytes(4).toString('hex')}`,
      to: p.to,
      label,
      position: where,
      radius: 2,
    }
    const portals = withItem(scene.portals, at, portal)
    this.sceneChanged(seat, { ...scene, portals })
  }

  removePortal(seat: Builder, id: string) {
    const scene = this.scene!
    if (!scene.portals.some((x) => x.id === id))
      return this.refuse(seat, 'build.portal', 'bad_edit', `there is no portal "${id}"`)
    this.sceneChanged(seat, { ...scene, portals: scene.portals.filter((x) => x.id !== id) })
  }

  private async worldExists(id: string, viewer: string | null): Promise<boolean> {
    if (!isBuilderWorld(id)) return this.opts.builtInWorld(id)
    const store = this.store()
    return store !== null && (await store.world(id, viewer)) !== null
  }

  /**
   * Marks out (or moves and renames) a creator plot: inside the world, 4–48 cells a side, not
   * over another space, at most MAX_WORLD_PLOTS. People claim it and exhibit there as in any
   * world's plots; this room (and every instance, as they load the saved scene) knows it at once.
   */
  setPlot(seat: Builder, p: PlotEdit) {
    const scene = this.scene!
    const marked = this.markOut(p, 'plot', PLOT_SIDE, scene.spaces, MAX_WORLD_PLOTS, scene.spaces)
    if (typeof marked === 'string') return this.refuse(seat, 'build.plot', 'bad_edit', marked)
    const { area, floorY, title, at } = marked
    const world = this.host.state.world
    const plot = {
      id: p.id ?? `${world}-p${randomBytes(3).toString('hex')}`,
      kind: 'plot' as const,
      title,
      area,
      floorY,
      height: 6,
      slots: [],
      limits: { exhibits: 16, textureMB: 64 },
    }
    const spaces = withItem(scene.spaces, at, plot)
    this.sceneChanged(seat, { ...scene, spaces })
  }

  /** Takes a plot away, unless someone has claimed it (their exhibits stay where they are). */
  removePlot(seat: Builder, id: string) {
    const scene = this.scene!
    if (!scene.spaces.some((s) => s.id === id))
      return this.refuse(seat, 'build.plot', 'bad_edit', `there is no plot "${id}"`)
    if (this.host.state.spaces.get(id)?.owner)
      return this.refuse(
        seat,
        'build.plot',
        'bad_edit',
        'someone has claimed this plot: it stays while they hold it',
      )
    this.sceneChanged(seat, { ...scene, spaces: scene.spaces.filter((s) => s.id !== id) })
  }

  /**
   * Marks out (or moves and renames) a stage: a floor 4–32 cells a side inside the world, over
   * no space or other stage, with its screen at the far side as the audience looks (`facing`,
   * snapped to a quarter turn) and the audience's arrival spot in front, on the ground. Events
   * are hosted on it as on any world's stages (the room's rules follow at once).
   */
  setStage(seat: Builder, p: StageEdit) {
    const refuse = (why: string) => this.refuse(seat, 'build.stage', 'bad_edit', why)
    const scene = this.scene!
    const marked = this.markOut(p, 'stage', STAGE_SIDE, scene.stages, MAX_WORLD_STAGES, [
      ...scene.spaces,
      ...scene.stages,
    ])
    if (typeof marked === 'string') return refuse(marked)
    const { area, floorY, title, at } = marked
    const layout = stageLayout(area, floorY, p.facing)
    const [ax, , az] = layout.audience.position
    const ground = this.grid!.topSolid(Math.floor(ax), Math.floor(az))
    if (ground < 0) return refuse('there is no ground in front of the stage for the audience')
    const world = this.host.state.world
    const stage = {
      id: p.id ?? `${world}-s${randomBytes(3).toString('hex')}`,
      title,
      area,
      floorY,
      screen: layout.screen,
      audience: {
        position: [ax, ground + 1, az] as [number, number, number],
        heading: layout.audience.heading,
      },
    }
    this.sceneChanged(seat, { ...scene, stages: withItem(scene.stages, at, stage) })
    // Saved at once: events are created against the saved scene (server/events/store.ts).
    background(this.save(seat.address, 'stage'), '[builder] save')
  }

  removeStage(seat: Builder, id: string) {
    const scene = this.scene!
    if (!scene.stages.some((s) => s.id === id))
      return this.refuse(seat, 'build.stage', 'bad_edit', `there is no stage "${id}"`)
    this.sceneChanged(seat, { ...scene, stages: scene.stages.filter((s) => s.id !== id) })
  }

  /**
   * The floor a plot or a stage marks out between its two corner cells, in the order the checks
   * are made: inside the world, `side` cells a side, named in both languages, its place in `list`
   * (placeIn), over none of `others` but itself. A reason when it cannot be.
   */
  private markOut(
    p: PlotEdit | StageEdit,
    noun: 'plot' | 'stage',
    side: { min: number; max: number },
    list: readonly { id: string }[],
    max: number,
    others: readonly { id: string; title: { en: string }; area: readonly number[] }[],
  ) {
    const grid = this.grid!
    if (!grid.inBounds(...p.from) || !grid.inBounds(...p.to))
      return `the ${noun} is outside the world`
    const [x0, x1] = [Math.min(p.from[0], p.to[0]), Math.max(p.from[0], p.to[0]) + 1]
    const [z0, z1] = [Math.min(p.from[2], p.to[2]), Math.max(p.from[2], p.to[2]) + 1]
    if ([x1 - x0, z1 - z0].some((n) => n < side.min || n > side.max))
      return `a ${noun} is ${side.min} to ${side.max} blocks a side`
    const title = cleanWords(p.title, 40)
    if (!title) return `a ${noun} needs a name in both languages`
    const at = placeIn(list, p.id, max, noun)
    if (typeof at === 'string') return at
    const over = others.find(
      ({ id, area: [a0, b0, a1, b1] }) =>
        id !== p.id && x0 < a1! && a0! < x1 && z0 < b1! && b0! < z1,
    )
    if (over) return `the ${noun} would cover "${over.title.en}"`
    const area: [number, number, number, number] = [x0, z0, x1, z1]
    return { area, floorY: Math.min(p.from[1], p.to[1]), title, at }
  }

  /** Where visitors arrive (new joiners in this room too). */
  setSpawn(seat: Builder, cell: [number, number, number], heading: number) {
    const where = this.cellInside(cell)
    if (!where)
      return this.refuse(seat, 'build.spawn', 'bad_edit', 'the spawn is outside the world')
    const spawn = { position: where, heading }
    // The room's rules follow (sceneChanged): the next visitor arrives there.
    this.sceneChanged(seat, { ...this.scene!, spawn })
  }

  undo(seat: Builder, redo: boolean) {
    const type = redo ? 'build.redo' : 'build.undo'
    const history = this.histories.get(seat.client.sessionId)
    const patch = (redo ? history?.redo : history?.undo)?.pop()
    if (!history || !patch)
      return this.refuse(
        seat,
        type,
        'nothing_to_undo',
        redo ? 'nothing to redo' : 'nothing to undo',
      )
    history.runs -= patch.runs.length
    const result = applyBoxPatch(this.grid!, patch)
    ;(redo ? history.undo : history.redo).push(result.inverse)
    history.runs += result.inverse.runs.length
    if (result.changed === 0) return
    this.changed(seat)
    this.tell('build.applied', { seq: this.seq, by: seat.client.sessionId, patch })
  }

  /** Saves now (a builder asked); `build.saved` goes to everyone. */
  saveNow(seat: Builder, note: string) {
    // Not awaited: the edits after it go on while the database writes (save()).
    background(this.save(seat.address, note || 'save'), '[builder] save')
  }

  /** Makes `version` the newest again and sends everyone the grid anew. */
  async restore(seat: Builder, version: number) {
    const store = this.store()
    if (!store) return this.refuse(seat, 'build.restore', 'save_failed', 'storage is starting')
    if (this.dirtySince) await this.save(seat.address, 'before restore')
    try {
      const { version: now } = await store.restore(this.host.state.world, seat.address!, version)
      await this.load()
      this.histories.clear()
      this.tell('build.scene', this.visitorLayer())
      this.tell('build.sync', this.sync())
      this.announce({ kind: 'saved', version: now, room: this.host.roomId })
    } catch (err) {
      if (err instanceof BuilderError)
        return this.refuse(seat, 'build.restore', 'bad_edit', err.message)
      throw err
    }
  }

  // ---- inside ---------------------------------------------------------------------------

  private enqueue(op: () => Promise<void> | void) {
    this.queue = this.queue.then(op).catch((err: unknown) => {
      log.error({ roomId: this.host.roomId, error: errorField(err) }, 'builder operation failed')
    })
  }

  private refuse(seat: Builder, type: BuildMessageType, code: BuilderErrorCode, message: string) {
    this.answer(seat, 'error', { code, type, message })
  }

  /** A reply to one builder: on this room's seat, or over presence to the instance they are in. */
  private answer<T extends Answer>(who: Builder, type: T, body: ServerMessages[T]) {
    if (!isRemote(who)) return this.host.reply(who.client, type, body)
    this.announce({ kind: 'reply', to: who.remote, session: who.client.sessionId, type, body })
  }

  /** Whether the seat may edit: signed in as the owner or a builder (asked again now and then). */
  private async mayEdit(seat: Builder, type: BuildMessageType): Promise<boolean> {
    const address = seat.address
    if (!address) {
      this.refuse(seat, type, 'not_builder', 'sign in with the wallet of a builder of this world')
      return false
    }
    const now = Date.now()
    let right = this.rights.get(address)
    if (!right || now - right.at > this.opts.rightsMs) {
      const store = this.store()
      if (!store) {
        this.refuse(seat, type, 'save_failed', 'storage is starting: try again')
        return false
      }
      right = { ok: await store.canEdit(this.host.state.world, address), at: now }
      this.rights.set(address, right)
    }
    if (!right.ok)
      this.refuse(seat, type, 'not_builder', 'only the owner and invited builders edit')
    return right.ok
  }

  /** The library's piece `name`, compiled once per room (null: no such piece). */
  private compiled(name: string): CompiledPrefab | null {
    const prefab = Object.hasOwn(this.scene!.voxel!.prefabs, name)
      ? this.scene!.voxel!.prefabs[name]
      : undefined
    if (!prefab) return null
    let c = this.prefabs.get(name)
    if (!c) {
      c = compilePrefab(prefab, this.grid!.materials)
      this.prefabs.set(name, c)
    }
    return c
  }

  private remember(seat: Builder, result: PatchResult) {
    const id = seat.client.sessionId
    let history = this.histories.get(id)
    if (!history) {
      history = { undo: [], redo: [], runs: 0 }
      this.histories.set(id, history)
    }
    for (const p of history.redo) history.runs -= p.runs.length
    history.redo = []
    history.undo.push(result.inverse)
    history.runs += result.inverse.runs.length
    while (history.undo.length > UNDO_STEPS || history.runs > UNDO_RUNS) {
      history.runs -= history.undo.shift()!.runs.length
    }
  }

  /** Whether the seat may see the world's content here (a draft: its owner and builders). */
  private mayView(seat: Seat): boolean {
    return this.published || (seat.address !== null && this.members.has(seat.address))
  }

  /** A builder message to everyone who may see the world (everyone, once it is published). */
  private tell<T extends Told>(type: T, body: ServerMessages[T]) {
    this.tellHere(type, body)
    if (this.role === 'writer') this.mirrorTo(type, body)
  }

  /** What `tell` sends this room's pages. */
  private tellHere<T extends Told>(type: T, body: ServerMessages[T]) {
    if (this.published) return this.host.broadcast(type, body)
    for (const seat of this.host.seats.values())
      if (this.mayView(seat)) this.host.reply(seat.client, type, body)
  }

  /** The other instances' copy of what the writer tells (presence carries JSON: no bytes). */
  private mirrorTo<T extends Told>(type: T, body: ServerMessages[T]) {
    const sent =
      type === 'build.sync'
        ? {
            ...body,
            grid: Buffer.from((body as ServerMessages['build.sync']).grid).toString('base64'),
          }
        : body
    this.announce({ kind: 'told', room: this.host.roomId, type, body: sent })
  }

  /** Reads who owns and builds the world and whether it is published (on start, on notice). */
  private async readAccess(store: BuilderStore) {
    const world = await store.current(this.host.state.world)
    if (!world) return
    const was = this.published
    this.published = world.world.status === 'published'
    this.members = new Set([world.world.owner, ...world.world.builders])
    // Published now: those who could not see it get it.
    if (!was && this.published && this.grid)
      for (const seat of this.host.seats.values()) this.joined(seat)
    // Back to draft, or a builder taken off it: those who may no longer see it are told so (their
    // page closes it), rather than left looking at a world that no longer changes for them.
    for (const seat of this.host.seats.values())
      if (!this.mayView(seat))
        this.host.reply(seat.client, 'build.closed', {
          message: this.published
            ? 'you no longer build this draft'
            : 'this world went back to being a draft: only its builders see it now',
        })
  }

  /** A cell's floor centre, when the cell is in the world. */
  private cellInside(c: [number, number, number]): [number, number, number] | null {
    if (!this.grid!.inBounds(c[0], c[1], c[2])) return null
    return [c[0] + 0.5, c[1], c[2] + 0.5]
  }

  private visitorLayer(): VisitorLayer {
    const { pois, spawn, voxel, portals, spaces, stages } = this.scene!
    return { palette: voxel!.palette, pois, spawn, portals, spaces, stages }
  }

  /** The scene's visitor layer changed: everyone gets it, and it is saved with the grid. */
  private sceneChanged(seat: Builder, scene: Scene) {
    this.scene = scene
    const now = Date.now()
    if (!this.dirtySince) this.dirtySince = now
    this.lastEditAt = now
    this.lastEditor = seat.address
    this.sceneVersion++
    this.host.sceneChanged(scene)
    this.tell('build.scene', this.visitorLayer())
  }

  private changed(seat: Builder) {
    this.seq++
    const now = Date.now()
    if (!this.dirtySince) this.dirtySince = now
    this.lastEditAt = now
    this.lastEditor = seat.address
  }

  private sync() {
    if (this.syncSeq !== this.seq || !this.syncBytes) {
      this.syncBytes = deflateRawSync(encodeGrid(this.grid!))
      this.syncSeq = this.seq
    }
    return { version: this.version, seq: this.seq, grid: this.syncBytes }
  }

  private async load() {
    const store = this.store()
    if (!store) throw new Error('builder worlds need the database, which is not up yet')
    const current = await store.current(this.host.state.world)
    if (!current) throw new Error(`no builder world ${this.host.state.world}`)
    this.published = current.world.status === 'published'
    this.members = new Set([current.world.owner, ...current.world.builders])
    const { scene, voxels, version } = current.content
    const decoded = decodeGrid(voxels, scene.voxel!.palette.length + 1)
    this.grid = new VoxelGrid(decoded.dims, materialTable(scene.voxel!.palette), decoded.data)
    this.scene = scene
    this.prefabs.clear()
    this.host.sceneChanged(scene)
    this.version = version
    this.dirtySince = 0
    this.lastEditor = null
  }

  private autosave() {
    if (!this.dirtySince) return
    const now = Date.now()
    const idle = now - this.lastEditAt >= this.opts.autosaveIdleMs
    const long = now - this.dirtySince >= this.opts.autosaveMaxMs
    if (!(idle || long) || this.autosaveQueued || this.writing > 0) return
    // One autosave waits in the queue at a time (a slow database must not pile them up).
    this.autosaveQueued = true
    this.enqueue(() => {
      this.autosaveQueued = false
      background(this.save(null, AUTOSAVE_NOTE), '[builder] autosave')
    })
  }

  /**
   * Stores the grid as a new version (by `by`, or the last editor); tells everyone. The world is
   * taken as it is now, in the queue's order; the write waits only for the saves before it, not
   * the edits after it (they go on while the database writes, and stay dirty for the next save).
   */
  private save(by: string | null, note: string): Promise<void> {
    const store = this.store()
    const who = by ?? this.lastEditor
    if (!store || !who || !this.grid || !this.scene) return Promise.resolve()
    const snapshot = {
      scene: this.scene,
      voxels: encodeGrid(this.grid),
      seq: this.seq,
      sceneVersion: this.sceneVersion,
      since: this.dirtySince,
    }
    this.writing++
    const done = this.saving
      .then(() => this.write(store, who, note, snapshot))
      .finally(() => this.writing--)
    this.saving = done
    return done
  }

  private async write(
    store: BuilderStore,
    who: string,
    note: string,
    snapshot: {
      scene: Scene
      voxels: Uint8Array
      seq: number
      sceneVersion: number
      since: number
    },
  ) {
    const { seq: savedSeq, sceneVersion: savedScene, since } = snapshot
    try {
      const { version } = await store.save(
        this.host.state.world,
        who,
        snapshot.scene,
        snapshot.voxels,
        note,
      )
      this.version = version
      // Edits that came while it was being written wait for the next save.
      if (this.seq === savedSeq && this.sceneVersion === savedScene) this.dirtySince = 0
      else this.dirtySince = since
      if (!this.disposed) this.tell('build.saved', { version, note, at: Date.now() })
      this.announce({ kind: 'saved', version, room: this.host.roomId })
      // A published world's thumbnail follows it (drawn elsewhere, at most so often).
      if (this.published) this.opts.thumbnails()?.saved(this.host.state.world)
    } catch (err) {
      log.error(
        { roomId: this.host.roomId, world: this.host.state.world, error: errorField(err) },
        'builder world could not be saved',
      )
    }
  }

  private announce(notice: BuilderNotice) {
    background(
      this.host.presence.publish(builderChannel(this.host.state.world), notice),
      '[builder] publish',
    )
  }

  /** What another instance of the world said (builderChannel). */
  private heard(notice: BuilderNotice) {
    if (this.disposed) return
    const here = this.host.roomId
    switch (notice.kind) {
      case 'members': {
        this.rights.clear()
        const store = this.store()
        if (store) this.enqueue(() => this.readAccess(store))
        return
      }
      case 'writer':
        if (notice.room !== here) this.enqueue(() => this.heardWriter(notice.room))
        return
      case 'writer-gone':
        if (notice.room !== here && this.role === 'replica') this.enqueue(() => this.elect())
        return
      case 'op':
        if (notice.to !== here) return
        if (this.role !== 'writer') {
          const who = { remote: notice.from, client: { sessionId: notice.session }, address: null }
          return this.refuse(
            who,
            notice.type,
            'save_failed',
            'the world is changing hands: try again',
          )
        }
        return this.run(
          { remote: notice.from, client: { sessionId: notice.session }, address: notice.address },
          notice.type,
          notice.payload,
        )
      case 'reply': {
        if (notice.to !== here) return
        const seat = this.host.seats.get(notice.session)
        if (seat) this.host.reply(seat.client, notice.type, notice.body as never)
        return
      }
      case 'left':
        if (notice.to === here) this.histories.delete(notice.session)
        return
      case 'resync':
        if (notice.to === here && this.role === 'writer')
          this.enqueue(() => this.mirrorTo('build.sync', this.sync()))
        return
      case 'told':
        if (notice.room !== here) this.enqueue(() => this.mirror(notice.type, notice.body))
        return
      case 'saved':
        return this.savedElsewhere(notice)
    }
  }

  /**
   * Another instance stored a version. Only a second writer does that (two claimed the world at
   * once, for a moment): with edits of our own unsaved, ours become the next version when we
   * save; without, we take the stored grid.
   */
  private savedElsewhere(notice: { version: number; room: string }) {
    if (this.role === 'replica') this.version = Math.max(this.version, notice.version)
    if (this.role !== 'writer') return
    if (notice.room === this.host.roomId || notice.version <= this.version) return
    if (this.dirtySince) return
    this.enqueue(async () => {
      if (this.dirtySince || this.disposed) return
      await this.load()
      this.histories.clear()
      this.tell('build.scene', this.visitorLayer())
      this.tell('build.sync', this.sync())
    })
  }

  // ---- which instance takes the edits --------------------------------------------------------

  private keys() {
    const world = this.host.state.world
    return { lock: `cq:builder:${world}:lock`, writer: `cq:builder:${world}:writer` }
  }

  /**
   * Claims the world's edits when no instance holds them (the first to count the lock up to 1),
   * else follows the one that does. The lock and the writer's name expire unless renewed, so a
   * process that died gives the world up after WRITER_TTL_S.
   */
  private async elect() {
    if (this.disposed || this.role === 'writer') return
    const presence = this.host.presence
    const keys = this.keys()
    const won = (await presence.incr(keys.lock)) === 1
    if (!won) {
      const writer = (await presence.get(keys.writer)) as string | null | undefined
      if (writer) this.follow(writer)
      else this.role = 'replica'
      return
    }
    await presence.expire(keys.lock, WRITER_TTL_S)
    await presence.setex(keys.writer, this.host.roomId, WRITER_TTL_S)
    const was = this.role
    this.role = 'writer'
    this.writerRoom = this.host.roomId
    this.orphaned = 0
    if (was === 'replica') {
      log.info(
        { roomId: this.host.roomId, world: this.host.state.world },
        'builder edits taken over',
      )
      // Nothing mirrored is lost; pages that missed a change get the grid again.
      if (this.stale) {
        this.stale = false
        this.tellHere('build.sync', this.sync())
      }
    }
    this.announce({ kind: 'writer', room: this.host.roomId })
  }

  /** Another instance takes the edits now (a second writer, for a moment, gives way). */
  private async heardWriter(room: string) {
    if (this.disposed) return
    if (this.role !== 'writer') return this.follow(room)
    const now = (await this.host.presence.get(this.keys().writer)) as string | null | undefined
    if (now && now !== this.host.roomId) await this.stepDown(now)
  }

  /**
   * Mirrors `room` from now on. A new writer's grid may hold edits the database does not have
   * yet (it saves when edits settle), so the grid is asked for whole first.
   */
  private follow(room: string) {
    const fresh = this.role !== 'replica' || this.writerRoom !== room
    this.role = 'replica'
    this.writerRoom = room
    this.orphaned = 0
    if (fresh || this.stale) {
      this.stale = true
      this.announce({ kind: 'resync', to: room })
    }
  }

  /** Renews the writer's hold, or checks that a writer is still there. */
  private async lease() {
    if (this.disposed) return
    const presence = this.host.presence
    const keys = this.keys()
    const writer = (await presence.get(keys.writer)) as string | null | undefined
    if (this.role === 'writer') {
      if (writer && writer !== this.host.roomId) return this.stepDown(writer)
      await presence.setex(keys.writer, this.host.roomId, WRITER_TTL_S)
      await presence.expire(keys.lock, WRITER_TTL_S)
      return
    }
    if (writer) return this.follow(writer)
    this.writerRoom = null
    // A lock without a writer past its time: the claimer died between the two writes.
    if (++this.orphaned >= Math.ceil((WRITER_TTL_S * 1000) / LEASE_MS)) {
      await presence.del(keys.lock)
      this.orphaned = 0
    }
    await this.elect()
  }

  /** Two writers: this one saves its own edits, then mirrors the other, from its stored grid. */
  private async stepDown(writer: string) {
    log.warn({ roomId: this.host.roomId, writer }, 'two builder writers: giving way')
    if (this.dirtySince) await this.save(null, AUTOSAVE_NOTE)
    this.histories.clear()
    this.stale = true
    this.follow(writer)
  }

  /** Gives the edits up (the room closes): the next instance to ask takes them. */
  private async release() {
    const presence = this.host.presence
    const keys = this.keys()
    if ((await presence.get(keys.writer)) === this.host.roomId) {
      await presence.del(keys.writer)
      await presence.del(keys.lock)
    }
    this.role = null
    this.announce({ kind: 'writer-gone', room: this.host.roomId })
  }

  /** Applies what the writer told everyone to this instance's grid, and tells its pages. */
  private mirror(type: Told, body: unknown) {
    if (this.role !== 'replica' || this.disposed || !this.grid) return
    switch (type) {
      case 'build.applied': {
        const m = body as ServerMessages['build.applied']
        if (this.stale) return
        if (m.seq !== this.seq + 1) {
          // A change went missing on the way: ask for the whole grid rather than drift.
          this.stale = true
          if (this.writerRoom) this.announce({ kind: 'resync', to: this.writerRoom })
          return
        }
        if (m.edit) applyEdit(this.grid, m.edit)
        else if (m.patch) applyBoxPatch(this.grid, m.patch)
        this.seq = m.seq
        return this.tellHere(type, m)
      }
      case 'build.scene': {
        const layer = body as VisitorLayer
        const scene = this.scene!
        if (layer.palette.length !== scene.voxel!.palette.length) {
          this.grid.setMaterials(materialTable(layer.palette))
          this.prefabs.clear()
        }
        const { palette, pois, spawn, portals, spaces, stages } = layer
        this.scene = {
          ...scene,
          pois,
          spawn,
          portals,
          spaces,
          stages,
          voxel: { ...scene.voxel!, palette },
        }
        this.host.sceneChanged(this.scene)
        return this.tellHere(type, layer)
      }
      case 'build.saved': {
        const m = body as ServerMessages['build.saved']
        this.version = m.version
        return this.tellHere(type, m)
      }
      case 'build.sync': {
        const m = body as { version: number; seq: number; grid: string }
        const bytes = new Uint8Array(Buffer.from(m.grid, 'base64'))
        const decoded = decodeGrid(inflateRawSync(bytes), this.scene!.voxel!.palette.length + 1)
        this.grid = new VoxelGrid(
          decoded.dims,
          materialTable(this.scene!.voxel!.palette),
          decoded.data,
        )
        this.version = m.version
        this.seq = m.seq
        this.syncBytes = bytes
        this.syncSeq = m.seq
        this.stale = false
        return this.tellHere(type, { version: m.version, seq: m.seq, grid: bytes })
      }
    }
  }
}
