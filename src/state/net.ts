// The multiplayer session as the UI sees it: connection status, instance and occupancy, the
// people list, chat and speech bubbles. Changes at human speed only; avatar motion lives in
// src/net/remotes.ts and is never React state.
import { create } from 'zustand'
import type { ChatLine } from '../protocol/messages'

export type NetStatus = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'failed'

export interface Person {
  id: string
  name: string
  color: string
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
  set: (patch: Partial<Omit<NetState, 'set'>>) => void
}

export const initialNet = {
  status: 'offline' as NetStatus,
  problem: null,
  sessionId: null,
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
  set: (patch) => set(patch),
}))
