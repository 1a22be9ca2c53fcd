// Tour messages (client ↔ world room). A visitor who arrives at a stop with a staged scene says
// so; the room starts the scene for everyone in it (or tells the visitor how far the running one
// has got), so everyone at the stop sees the same moment of it (src/tours/timeline.ts).
import { z } from 'zod'

const ItemId = z.string().min(1).max(64)

export const TourMessages = {
  /** The visitor reached a stop (within its radius): answered with `tour.scene`. */
  'tour.arrive': {
    schema: z.object({ tour: ItemId, stop: ItemId }).strict(),
    rate: { perSecond: 1, burst: 3 },
  },
  /**
   * A signed-in visitor leads a group tour: the stop their group is at now (`tour` null ends
   * it). Everyone in the room gets `tour.group`.
   */
  'tour.lead': {
    schema: z.object({ tour: ItemId.nullable(), stop: z.number().int().min(0).max(31) }).strict(),
    rate: { perSecond: 2, burst: 4 },
  },
} as const

/** A group tour in the room: its guide (session id and name), tour and stop; tour null: over. */
export interface TourGroup {
  guide: string
  name: string
  tour: string | null
  stop: number
}

export interface TourServerMessages {
  /**
   * A stop's staged scene is playing, `elapsed` ms in (0: it starts now). Sent to everyone in
   * the room when it starts, and to an arriving visitor when it was already playing.
   */
  'tour.scene': {
    tour: string
    stop: string
    elapsed: number
    /** When it started, ms since the epoch on the server's clock (src/net/clock.ts). */
    startedAt: number
  }
  /** A group tour started, moved on or ended (to everyone; to a visitor who joins, each one). */
  'tour.group': TourGroup
}

export type TourErrorCode = 'tour_refused'
