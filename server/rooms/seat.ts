// One visitor's seat in a room: their client, avatar state, pose checks, interest sets, rate
// limits and identity. The room (WorldRoom.ts) owns the seats; the handler tables and the
// features read them through this type, so they need not import the room.
import type { Client } from '@colyseus/core'
import type { ClientMessageType, RateLimiter } from '../../src/protocol/messages'
import type { Member } from './interest'
import type { PoseGuard } from './poseGuard'
import type { Player } from './WorldState'

/** The last accepted pose, quantized as on the wire. */
export interface Pose {
  x: number
  y: number
  z: number
  h: number
  a: number
}

export interface Seat {
  client: Client
  player: Player
  pose: Pose
  /** The pose changed since the last frame. */
  moved: boolean
  guard: PoseGuard
  member: Member<Seat> | null
  /** Avatars this visitor currently receives (interest management on). */
  visible: Set<Member<Seat>>
  /** Avatars whose pose this visitor needs in full in its next frame (new in view, or rejoin). */
  fresh: Set<Seat>
  /** Avatar numbers that left this visitor's view since its last frame. */
  left: number[]
  all: RateLimiter
  limits: Record<ClientMessageType, RateLimiter>
  patience: RateLimiter
  replies: RateLimiter
  kicked: boolean
  /** The wallet this seat signed in with (`auth`), checksummed. */
  address: string | null
  /** SHA-256 of the token that bound `address` (a sign-out names it), never the token. */
  authHash: string | null
}
