// The multiplayer session as the UI sees it: connection status, instance and occupancy, the
// people list, chat and speech bubbles. Changes at human speed only; avatar motion lives in
// src/net/remotes.ts and is never React state.
import { create } from 'zustand'
import type { ChatLine } from '../protocol/messages'
import type { AvatarLook } from '../protocol/avatar'

export type NetStatus = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'failed'

export interface Person {
  id: string
  name: string
  color: string
  /** What the figure wears (null: everyday clothes in `color`). */
  look?: AvatarLook | null
  /** The signed-in wallet, where the room shares it (event rooms). */
  address?: string
}

export const CHAT_LOG_LINES = 100
/** How long a speech bubble stays over an avatar, ms. */
export const BUBBLE_MS = 6000

export interface NetState {
  status: NetStatus
  /** Why the connection failed or what the server refused, shown to the visitor. */
  problem: string | null
  sessionId: string | null
  /** The room (instance) joined, for invite links. */
  roomId: string | null
  /** The wallet the room bound this seat to (its `authed`); null while not signed in there. */
  address: string | null
  /** Times the connection dropped and the seat was taken back. */
  reconnects: number
  instance: number
  capacity: number
  people: Person[]
  /** Session ids of the remote avatars being received (near the visitor). */
  visible: string[]
  chat: ChatLine[]
  /** Latest chat line per sender, for bubbles. */
  bubbles: Record<string, { text: string; at: number }>
  /**
   * The server said it is shutting down (a restart or a deploy): when it closes this room (ms
   * since the epoch). Kept while the session joins again; cleared once it is back online.
   */
  restart: { at: number } | null
  /** A session starts joining; `afterDrop` keeps a restart notice until it is back online. */
  connecting: (afterDrop: boolean) => void
  /** Seated in room `sessionId` (first join, reconnection or rejoin). */
  online: (sessionId: string, roomId: string) => void
  /** The connection gave up (or the server refused or removed the visitor), and why. */
  failed: (problem: string) => void
  reconnecting: () => void
  /** The dropped seat was taken back. */
  reconnected: () => void
  /** Left the room: everything back to offline. */
  left: () => void
  /** The room's occupancy and the chat so far, from its welcome. */
  welcomed: (room: { instance: number; capacity: number; chat: ChatLine[] }) => void
  /** The server closes the room in `seconds` (a restart or a deploy). */
  restartIn: (seconds: number) => void
  setPeople: (people: Person[]) => void
  setVisible: (ids: string[]) => void
  /** A chat line: into the log (the last CHAT_LOG_LINES) and its sender's bubble. */
  chatReceived: (line: ChatLine) => void
  /** Takes `from`'s bubble down once it has stood BUBBLE_MS (a newer line keeps it up). */
  expireBubble: (from: string) => void
  /** Something the server refused or reported, shown to the visitor (null: clears it). */
  showProblem: (problem: string | null) => void
}

const initialNet = {
  status: 'offline' as NetStatus,
  problem: null,
  sessionId: null,
  roomId: null,
  address: null,
  reconnects: 0,
  instance: 0,
  capacity: 0,
  people: [],
  visible: [],
  chat: [],
  bubbles: {},
  restart: null,
}

export const useNet = create<NetState>()((set) => ({
  ...initialNet,
  connecting: (afterDrop) =>
    set((s) => ({ ...initialNet, status: 'connecting', restart: afterDrop ? s.restart : null })),
  online: (sessionId, roomId) =>
    set({ status: 'online', problem: null, sessionId, roomId, visible: [], restart: null }),
  failed: (problem) => set({ status: 'failed', problem }),
  reconnecting: () => set({ status: 'reconnecting' }),
  reconnected: () => set((s) => ({ reconnects: s.reconnects + 1 })),
  left: () => set({ ...initialNet }),
  welcomed: ({ instance, capacity, chat }) => set({ instance, capacity, chat }),
  restartIn: (seconds) => set({ restart: { at: Date.now() + seconds * 1000 } }),
  setPeople: (people) => set({ people }),
  setVisible: (visible) => set({ visible }),
  chatReceived: (line) =>
    set((s) => ({
      chat: [...s.chat, line].slice(-CHAT_LOG_LINES),
      bubbles: { ...s.bubbles, [line.from]: { text: line.text, at: performance.now() } },
    })),
  expireBubble: (from) =>
    set((s) => {
      const mine = s.bubbles[from]
      if (!mine || performance.now() - mine.at < BUBBLE_MS - 50) return s
      const bubbles = { ...s.bubbles }
      delete bubbles[from]
      return { bubbles }
    }),
  showProblem: (problem) => set({ problem }),
}))
