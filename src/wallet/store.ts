// The wallet panel's UI state: open or not, which wallet is connected, the sign-in session and
// the collectibles list. Changes at human speed only; no frame loop reads it. The actions that
// fill it (and everything that needs ethers) live in the lazily loaded src/wallet/ chunk.
import { create } from 'zustand'
import type { Collectible } from '../chain/types'
import type { ChainConfig, ChainInfo } from './api'

/** An error as the panel shows it: a code it translates, the server's message as a fallback. */
export interface WalletError {
  code: string
  message: string
  retryAfterS: number | null
}

export interface WalletConnection {
  kind: 'dev' | 'injected'
  /** "dev-<n>" for the development wallet's account n, the EIP-6963 uuid otherwise. */
  id: string
  name: string
  /** A data:image/ URL the wallet announced, or null. */
  icon: string | null
  /** Development wallet account index (1–3), or null. */
  account: number | null
  /** EIP-55 checksummed. */
  address: string
}

export interface WalletSession {
  token: string
  address: string
  /** ISO time. */
  expiresAt: string
}

export type CollectiblesState =
  | { status: 'idle' }
  | { status: 'loading' }
  | {
      status: 'ready'
      items: Collectible[]
      block: number
      chains: ChainInfo[]
      /** The server left items out (more than its per-listing bounds): the panel says so. */
      truncated: boolean
    }
  | { status: 'error'; error: WalletError }

export type ConfigState =
  | { status: 'idle' | 'loading' }
  | { status: 'ready'; config: ChainConfig }
  | { status: 'error'; error: WalletError }

export interface WalletState {
  open: boolean
  config: ConfigState
  connection: WalletConnection | null
  /** Id of the wallet being connected (a prompt may be open in it). */
  connecting: string | null
  session: WalletSession | null
  /** Signing in, or the last connect / sign-in problem. */
  signIn: { status: 'idle' | 'busy' } | { status: 'error'; error: WalletError }
  collectibles: CollectiblesState
  openWallet: () => void
  closeWallet: () => void
  toggleWallet: () => void
  setConfig: (config: ConfigState) => void
  /** Wallet `id` is being connected (its prompt may be open). */
  connectingTo: (id: string) => void
  connected: (connection: WalletConnection) => void
  connectFailed: (error: WalletError) => void
  disconnected: () => void
  /** The tab's stored session names its wallet again after a reload. */
  restored: (connection: WalletConnection) => void
  signingIn: () => void
  signedIn: (session: WalletSession) => void
  signInFailed: (error: WalletError) => void
  /** The session ended (signed out, expired, another address): its collectibles go with it. */
  signedOut: () => void
  setCollectibles: (collectibles: CollectiblesState) => void
}

const IDLE = { status: 'idle' } as const

export const useWallet = create<WalletState>()((set) => ({
  open: false,
  config: IDLE,
  connection: null,
  connecting: null,
  session: null,
  signIn: IDLE,
  collectibles: IDLE,
  openWallet: () => set({ open: true }),
  closeWallet: () => set({ open: false }),
  toggleWallet: () => set((s) => ({ open: !s.open })),
  setConfig: (config) => set({ config }),
  connectingTo: (id) => set({ connecting: id, signIn: IDLE }),
  connected: (connection) => set({ connecting: null, connection, signIn: IDLE }),
  connectFailed: (error) => set({ connecting: null, signIn: { status: 'error', error } }),
  disconnected: () => set({ connection: null, connecting: null, signIn: IDLE }),
  restored: (connection) => set({ connection }),
  signingIn: () => set({ signIn: { status: 'busy' } }),
  signedIn: (session) => set({ session, signIn: IDLE }),
  signInFailed: (error) => set({ signIn: { status: 'error', error } }),
  signedOut: () => set({ session: null, collectibles: IDLE }),
  setCollectibles: (collectibles) => set({ collectibles }),
}))

/** What end-to-end tests read through `window.__cq.wallet.state()`. */
export interface WalletSummary {
  open: boolean
  /** The collectibles list: idle until signed in, then loading, ready or error. */
  status: CollectiblesState['status']
  wallet: WalletConnection['kind'] | null
  address: string | null
  signedIn: boolean
  items: number
  verified: number
  /** The error code shown in the panel (sign-in or collectibles), if any. */
  error: string | null
}

export function walletSummary(): WalletSummary {
  const s = useWallet.getState()
  const c = s.collectibles
  const items = c.status === 'ready' ? c.items : []
  return {
    open: s.open,
    status: c.status,
    wallet: s.connection?.kind ?? null,
    address: s.session?.address ?? s.connection?.address ?? null,
    signedIn: s.session !== null,
    items: items.length,
    verified: items.filter((i) => i.verified).length,
    error:
      c.status === 'error'
        ? c.error.code
        : s.signIn.status === 'error'
          ? s.signIn.error.code
          : s.config.status === 'error'
            ? s.config.error.code
            : null,
  }
}
