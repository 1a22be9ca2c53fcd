// One instance of a world. Matchmaking filters by world id; a full instance overflows
// into a new one because Colyseus only matches rooms that still have free seats.
import { Room, type Client } from '@colyseus/core'
import { Player, WorldState } from './WorldState'

export interface WorldJoinOptions {
  world?: unknown
  name?: unknown
}

const WORLD_ID = /^[a-z0-9][a-z0-9-]{0,63}$/

export class WorldRoom extends Room<WorldState> {
  override maxClients = 100

  override onCreate(options: WorldJoinOptions & { maxClients?: number }) {
    const world = typeof options.world === 'string' ? options.world : ''
    if (!WORLD_ID.test(world)) throw new Error(`invalid world id "${String(options.world)}"`)
    if (options.maxClients) this.maxClients = options.maxClients
    this.state = new WorldState()
    this.state.world = world
  }

  override onJoin(client: Client, options: WorldJoinOptions) {
    const player = new Player()
    const name = typeof options.name === 'string' ? options.name.trim().slice(0, 24) : ''
    player.name = name || `Visitor ${client.sessionId.slice(0, 4)}`
    this.state.players.set(client.sessionId, player)
  }

  override onLeave(client: Client) {
    this.state.players.delete(client.sessionId)
  }
}
