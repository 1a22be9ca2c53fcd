// Creator spaces in a room: the part of a world (or event) room that loads the world's spaces
// into its state, reloads one when any instance on any process changed it (presence channel),
// and runs `space.*` edits through the space service (handlers.ts holds the table, feature.ts
// plugs both into a room).
import type { ClientMessageType, ErrorCode, ServerMessages } from '../../src/protocol/messages'
import { writeExhibit } from '../../src/protocol/state'
import type { Space as SceneSpace } from '../../src/protocol/scene'
import { background } from '../background'
import { errorField, log } from '../log'
import type { FeaturePart, RoomHost } from '../rooms/handlers'
import type { Seat } from '../rooms/seat'
import { ExhibitState, SpaceState, type WorldState } from '../rooms/WorldState'
import { SpaceRefusal, type SpaceChange, type SpaceService, type SpaceView } from './service'

/** Presence channel on which every instance of a world hears about its spaces' changes. */
export const spacesChannel = (world: string) => `cq:spaces:${world}`

export type SpaceMessageType = Extract<ClientMessageType, `space.${string}`>

/** What an edit works with once the seat, the service and the space are checked. */
export interface SpaceEdit {
  spaces: SpaceService
  world: string
  scene: SceneSpace
  /** The seat's wallet address. */
  by: string
}

type SpaceResult = Omit<ServerMessages['space.ok'], 'op' | 'space'>

export class RoomSpaces implements FeaturePart {
  private loaded = false
  private disposed = false
  private onChange: ((change: SpaceChange) => void) | null = null

  constructor(
    private readonly host: RoomHost,
    private readonly service: () => SpaceService | null,
  ) {}

  async start() {
    const host = this.host
    if (host.rules.spaces.size === 0 || this.onChange || this.disposed) return
    const world = host.state.world
    this.onChange = (change) => {
      if (change.world === world)
        background(this.reload(change.space, change.hidden), '[spaces] reload')
    }
    await host.presence.subscribe(spacesChannel(world), this.onChange)
    // The chain and the database may still be starting: load the spaces once they are up.
    background(this.load(), '[spaces] load')
    host.clock.setInterval(() => background(this.load(), '[spaces] load'), 2000)
  }

  /**
   * The world's spaces changed (a builder added or took away a plot): what is gone leaves the
   * state, the rest is read again; a room that had none starts listening now.
   */
  rulesChanged() {
    const { host } = this
    host.state.spaces.forEach((_, id) => {
      if (!host.rules.spaces.has(id)) host.state.spaces.delete(id)
    })
    if (!this.onChange) return void background(this.start(), '[spaces] start')
    this.loaded = false
    background(this.load(), '[spaces] load')
  }

  dispose() {
    this.disposed = true
    if (this.onChange)
      background(
        this.host.presence.unsubscribe(spacesChannel(this.host.state.world), this.onChange),
        '[world] unsubscribe',
      )
  }

  private async load() {
    if (this.loaded || !this.service()) return
    this.loaded = true
    await Promise.all([...this.host.rules.spaces.keys()].map((id) => this.reload(id)))
  }

  /** Reads a space from the database into the state (everyone sees it with the next patch). */
  private async reload(spaceId: string, hidden?: SpaceChange['hidden']) {
    const { host } = this
    const spaces = this.service()
    if (!spaces || !host.rules.spaces.has(spaceId)) return
    let view: SpaceView
    try {
      view = await spaces.view(host.state.world, spaceId)
    } catch (err) {
      log.error(
        { roomId: host.roomId, space: spaceId, error: errorField(err) },
        'space could not be loaded',
      )
      this.loaded = false
      return
    }
    applySpace(host.state, view)
    if (hidden) {
      for (const seat of host.seats.values()) {
        if (seat.address === hidden.owner) {
          host.reply(seat.client, 'space.hidden', {
            space: spaceId,
            id: hidden.id,
            reason: hidden.reason,
          })
        }
      }
    }
  }

  /**
   * A space edit: checked (service up, seat signed in, space in this world), committed by the
   * space service through `run`, then shown to everyone here (unless `reload` is false).
   */
  async edit(
    seat: Seat,
    type: SpaceMessageType,
    spaceId: string,
    run: (edit: SpaceEdit) => Promise<SpaceResult>,
    reload = true,
  ): Promise<void> {
    const { host } = this
    const refuse = (code: ErrorCode, text: string) =>
      host.reply(seat.client, 'error', { code, type, message: text })
    const spaces = this.service()
    if (!spaces) return refuse('storage_unavailable', 'spaces are not available yet: try again')
    if (!seat.address) return refuse('not_signed_in', 'sign in with a wallet to edit spaces')
    const scene = host.rules.spaces.get(spaceId)
    if (!scene) return refuse('unknown_space', `this world has no space "${spaceId}"`)
    try {
      const result = await run({ spaces, world: host.state.world, scene, by: seat.address })
      if (reload) await this.reload(scene.id)
      host.reply(seat.client, 'space.ok', { op: type.slice(6), space: scene.id, ...result })
    } catch (err) {
      if (err instanceof SpaceRefusal) return refuse(err.code, err.message)
      log.error(
        { roomId: host.roomId, sessionId: seat.client.sessionId, op: type, error: errorField(err) },
        'space edit failed',
      )
      refuse('storage_unavailable', 'the space could not be saved: nothing changed, try again')
    }
  }
}

/** Writes a space as the database holds it into the room state (free spaces are removed). */
function applySpace(state: WorldState, view: SpaceView) {
  if (!view.owner) {
    state.spaces.delete(view.spaceId)
    return
  }
  let space = state.spaces.get(view.spaceId)
  if (!space) {
    space = new SpaceState()
    state.spaces.set(view.spaceId, space)
  }
  space.owner = view.owner
  space.version = view.version
  space.mode = view.mode
  const collaborators = [...view.collaborators]
  if (space.collaborators.join() !== collaborators.join()) {
    space.collaborators.clear()
    space.collaborators.push(...collaborators)
  }
  const keep = new Set(view.exhibits.map((e) => e.id))
  for (const id of [...space.exhibits.keys()]) if (!keep.has(id)) space.exhibits.delete(id)
  for (const e of view.exhibits) {
    let x = space.exhibits.get(e.id)
    if (!x) {
      x = new ExhibitState()
      space.exhibits.set(e.id, x)
    }
    writeExhibit(x, e)
  }
}
