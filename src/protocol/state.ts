// The replicated room state, defined once. The server's schema classes
// (server/rooms/WorldState.ts, server/events/state.ts) implement these interfaces, and the
// client reads the state colyseus.js decodes through them; the exhibit mapping both ways is
// here too, so a field added to an exhibit is written in one place.
//
// The collections are described by the few members both sides use: `MapSchema` and
// `ArraySchema` have them on the server and in the decoded client state alike.
import type { ExhibitView, Placement, SpaceView } from './spaces'
import type { VoiceSeatState } from './voice'

/** A map of replicated children by key (MapSchema on both sides). */
export interface StateMap<T> {
  get(key: string): T | undefined
  forEach(fn: (value: T, key: string) => void): void
  keys(): IterableIterator<string>
  entries(): IterableIterator<[string, T]>
  readonly size: number
}

/** A replicated list of strings (ArraySchema on both sides). */
export interface StateList<T> {
  toArray(): T[]
}

/** A visitor in the instance: name and look (poses travel in binary frames, not in state). */
export interface PlayerState {
  name: string
  /** Avatar colour, 0xrrggbb. */
  color: number
  /** The avatar's number in pose frames (unique in the instance while the player is in it). */
  n: number
  /** What the figure wears: encodeLook JSON (src/protocol/avatar.ts), '' for the colour alone. */
  look: string
}

/** A placed collectible as every visitor sees it (details and proof come from the API). */
export interface ExhibitState {
  chainId: number
  contract: string
  tokenId: string
  standard: string
  /** The slot it stands in; '' for free placement at x, y, z. */
  slot: string
  x: number
  y: number
  z: number
  rotY: number
  scale: number
  title: string
  issuer: string
  /** The wallet that placed it (and must keep owning it). */
  addedBy: string
  /** Why it is hidden after a failed ownership check; '' when shown. */
  hidden: string
}

/** A claimed creator space (free spaces are absent from the state). */
export interface SpaceState {
  owner: string
  collaborators: StateList<string>
  version: number
  /** A SpaceMode: 'gallery' or 'immersive'. */
  mode: string
  exhibits: StateMap<ExhibitState>
}

/** The host or a performer standing in another instance of the event. */
export interface CastMemberState {
  name: string
  color: number
  /** An EventRole. */
  role: string
  /** The instance the member stands in; that instance shows them as an ordinary player. */
  instance: number
  x: number
  y: number
  z: number
  h: number
  a: string
}

/** What the state of an event instance carries besides the world's players and spaces. */
export interface EventPartState {
  id: string
  /** An EventStatus. */
  status: string
  /** JSON of ScreenState: one string, so a screen change arrives whole in one patch. */
  screen: string
  /** People in all instances of the event, and how many instances there are. */
  attendance: number
  instances: number
  /** JSON of the latest Announcement, or '' before the first. */
  announcement: string
  /** By address: the host and performers, mirrored from whichever instance they are in. */
  cast: StateMap<CastMemberState>
  /** JSON of LiveState (src/protocol/stage.ts): who is on air and what the screen shows. */
  live: string
}

/** The state of a world instance. */
export interface WorldRoomState {
  world: string
  /** 1-based number of this instance among the world's instances. */
  instance: number
  capacity: number
  players: StateMap<PlayerState>
  spaces: StateMap<SpaceState>
  /** Who is in voice, by session id: their feed on the media server and the muted mark. */
  voice: StateMap<VoiceSeatState>
}

/** The state of an event instance: a world instance plus the event. */
export interface EventRoomState extends WorldRoomState {
  event: EventPartState
}

/** What the server writes into an exhibit's state (the database's exhibit, or a view of it). */
export interface ExhibitSource {
  chainId: number
  contract: string
  tokenId: string
  standard: 'erc721' | 'erc1155'
  placement: Placement
  title: string
  issuer: string | null
  addedBy: string | null
  hidden: string | null
}

/** Writes an exhibit into its replicated state (server side). */
export function writeExhibit(target: ExhibitState, e: ExhibitSource): void {
  target.chainId = e.chainId
  target.contract = e.contract
  target.tokenId = e.tokenId
  target.standard = e.standard
  target.title = e.title
  target.issuer = e.issuer ?? ''
  target.addedBy = e.addedBy ?? ''
  target.hidden = e.hidden ?? ''
  if (e.placement.kind === 'slot') {
    target.slot = e.placement.slot
  } else {
    target.slot = ''
    target.x = e.placement.x
    target.y = e.placement.y
    target.z = e.placement.z
    target.rotY = e.placement.rotY
    target.scale = e.placement.scale
  }
}

/** Reads an exhibit back from the replicated state (client side). */
export function readExhibit(id: string, e: ExhibitState): ExhibitView {
  return {
    id,
    chainId: e.chainId,
    contract: e.contract,
    tokenId: e.tokenId,
    standard: e.standard === 'erc1155' ? 'erc1155' : 'erc721',
    placement: e.slot
      ? { kind: 'slot', slot: e.slot }
      : { kind: 'free', x: e.x, y: e.y, z: e.z, rotY: e.rotY, scale: e.scale },
    title: e.title,
    issuer: e.issuer || null,
    addedBy: e.addedBy || null,
    hidden: e.hidden ? { reason: e.hidden } : null,
  }
}

/** Reads a space back from the replicated state, exhibits in id order (client side). */
export function readSpace(space: SpaceState): SpaceView {
  const exhibits: ExhibitView[] = []
  space.exhibits.forEach((e, id) => exhibits.push(readExhibit(id, e)))
  exhibits.sort((a, b) => a.id.localeCompare(b.id))
  return {
    owner: space.owner || null,
    collaborators: space.collaborators.toArray(),
    version: space.version,
    mode: space.mode === 'immersive' ? 'immersive' : 'gallery',
    exhibits,
  }
}
