// What the wallet panel does: read the chain settings, connect a wallet, sign in with Ethereum
// (EIP-4361), keep the tab's session, load the collectibles. Part of the lazy wallet chunk;
// ethers arrives later still, with signers.ts, the first time a key is derived or asked for.
import { useWallet, type WalletConnection, type WalletError, type WalletSession } from './store'
import { ApiError } from '../net/api'
import { api } from './api'
import type * as Signers from './signers'
import type { Signer } from './signers'
import type { InjectedWallet } from './wallets'
import type { PreparedTransfer } from '../protocol/gifts'

import { SESSION_KEY as STORAGE_KEY } from './resume'

/** The connected wallet's signer; null after a reload (found again when it is needed). */
let signer: Signer | null = null
let stopWatching: (() => void) | null = null
let expiryTimer: ReturnType<typeof setTimeout> | undefined
let loadSeq = 0
let restoring: Promise<void> | null = null
/** Injected wallets the panel last saw, to find a restored connection's provider again. */
let discovered: readonly InjectedWallet[] = []

const walletStore = () => useWallet.getState()

let signersModule: Promise<typeof Signers> | null = null
function loadSigners() {
  signersModule ??= import('./signers').catch((e: unknown) => {
    signersModule = null
    throw e
  })
  return signersModule
}
/** Starts fetching the ethers chunk while the visitor reads the panel. */
export const preloadSigners = () => void loadSigners().catch(() => {})

export function setDiscovered(wallets: readonly InjectedWallet[]) {
  discovered = wallets
}

function isRejection(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === 4001 || code === 'ACTION_REJECTED'
}

export function toWalletError(e: unknown): WalletError {
  if (e instanceof ApiError) return { code: e.code, message: e.message, retryAfterS: e.retryAfterS }
  const message = e instanceof Error ? e.message : String(e)
  return { code: isRejection(e) ? 'rejected' : 'generic', message, retryAfterS: null }
}

// --- the tab's session (sessionStorage: survives a reload, not a new tab) ---

interface Stored extends WalletSession {
  connection: WalletConnection
}

function save(stored: Stored | null) {
  try {
    if (stored) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored))
    else sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    // Storage disabled: the session lasts until the page reloads.
  }
}

function readStored(): Stored | null {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null')
    if (typeof raw !== 'object' || raw === null) return null
    const s = raw as Partial<Stored>
    const c = s.connection
    const ok =
      typeof s.token === 'string' &&
      typeof s.address === 'string' &&
      typeof s.expiresAt === 'string' &&
      typeof c === 'object' &&
      c !== null &&
      (c.kind === 'dev' || c.kind === 'injected') &&
      typeof c.id === 'string' &&
      typeof c.name === 'string' &&
      typeof c.address === 'string'
    if (!ok) return null
    return {
      token: s.token!,
      address: s.address!,
      expiresAt: s.expiresAt!,
      connection: {
        kind: c.kind,
        id: c.id,
        name: c.name,
        icon: typeof c.icon === 'string' && c.icon.startsWith('data:image/') ? c.icon : null,
        account: typeof c.account === 'number' ? c.account : null,
        address: c.address,
      },
    }
  } catch {
    return null
  }
}

function startSession(session: WalletSession, connection: WalletConnection) {
  save({ ...session, connection })
  walletStore().signedIn(session)
  clearTimeout(expiryTimer)
  const ms = Date.parse(session.expiresAt) - Date.now()
  // setTimeout holds 2^31 ms at most; a longer session is checked again when that fires.
  expiryTimer = setTimeout(
    () => {
      if (Date.parse(session.expiresAt) > Date.now()) return startSession(session, connection)
      endSession()
      walletStore().signInFailed(local('session_expired'))
    },
    Math.min(Math.max(ms, 0), 2 ** 31 - 1),
  )
  void loadCollectibles()
}

function endSession() {
  clearTimeout(expiryTimer)
  save(null)
  loadSeq++
  walletStore().signedOut()
}

const local = (code: string): WalletError => ({ code, message: code, retryAfterS: null })

// --- panel lifecycle ---

/** Called when the panel opens: chain settings, the tab's session, the collectibles. */
export function initWallet() {
  const s = useWallet.getState()
  if (s.config.status === 'idle' || s.config.status === 'error') void loadConfig()
  if (!s.session) void restoreStoredSession()
  else if (s.collectibles.status === 'idle') void loadCollectibles()
}

/** Resumes the tab's stored session, once however many ask (src/wallet/resume.ts). */
export function restoreStoredSession(): Promise<void> {
  if (useWallet.getState().session) return Promise.resolve()
  restoring ??= restoreSession().finally(() => (restoring = null))
  return restoring
}

/** The embedded chain answers 503 chain_starting for a second or two after the server starts. */
const STARTING_RETRIES = 15
const startingDelay = (e: unknown, attempt: number) =>
  e instanceof ApiError && e.code === 'chain_starting' && attempt < STARTING_RETRIES
    ? Math.min(Math.max(e.retryAfterS ?? 2, 1), 10) * 1000
    : null

export async function loadConfig(attempt = 0) {
  walletStore().setConfig({ status: 'loading' })
  try {
    const config = await api.chain()
    walletStore().setConfig({ status: 'ready', config })
  } catch (e) {
    const wait = startingDelay(e, attempt)
    if (wait !== null) setTimeout(() => void loadConfig(attempt + 1), wait)
    else walletStore().setConfig({ status: 'error', error: toWalletError(e) })
  }
}

async function restoreSession() {
  const stored = readStored()
  if (!stored) return
  if (Date.parse(stored.expiresAt) <= Date.now()) return save(null)
  try {
    const s = await api.session(stored.token)
    if (s.address.toLowerCase() !== stored.address.toLowerCase()) return save(null)
    if (useWallet.getState().connection) return // the visitor connected meanwhile
    walletStore().restored(stored.connection)
    startSession(
      { token: stored.token, address: s.address, expiresAt: s.expiresAt },
      stored.connection,
    )
  } catch (e) {
    // A refused token is gone for good; a network problem may pass, so keep it for next time.
    if (e instanceof ApiError && e.status >= 400 && e.status < 500) save(null)
  }
}

// --- connecting ---

function watchAccounts(wallet: InjectedWallet, address: string) {
  stopWatching?.()
  const provider = wallet.provider
  const onAccounts = (...args: unknown[]) => {
    const accounts = args[0]
    const first: unknown = Array.isArray(accounts) ? accounts[0] : undefined
    // Another account (or none) in the wallet: what was proven no longer matches what is shown.
    if (typeof first !== 'string' || first.toLowerCase() !== address.toLowerCase()) disconnect()
  }
  provider.on?.('accountsChanged', onAccounts)
  stopWatching = () => provider.removeListener?.('accountsChanged', onAccounts)
}

/** Puts `next` in place of the current wallet; a different address ends the session first. */
function takeConnection(next: WalletConnection, s: Signer) {
  const prev = useWallet.getState().connection
  if (prev && prev.address.toLowerCase() !== next.address.toLowerCase()) signOut()
  stopWatching?.()
  stopWatching = null
  signer = s
  walletStore().connected(next)
}

export async function connectDev(account: number) {
  const id = `dev-${account}`
  if (useWallet.getState().connection?.id === id) return
  walletStore().connectingTo(id)
  try {
    const { devSigner } = await loadSigners()
    const s = devSigner(account)
    if (useWallet.getState().connecting !== id) return
    takeConnection({ kind: 'dev', id, name: 'dev', icon: null, account, address: s.address }, s)
  } catch (e) {
    if (useWallet.getState().connecting !== id) return
    walletStore().connectFailed(toWalletError(e))
  }
}

export async function connectInjected(wallet: InjectedWallet) {
  const id = wallet.info.uuid
  walletStore().connectingTo(id)
  try {
    const { injectedSigner } = await loadSigners()
    const s = await injectedSigner(wallet.provider)
    if (useWallet.getState().connecting !== id) return
    const { name, icon } = wallet.info
    takeConnection({ kind: 'injected', id, name, icon, account: null, address: s.address }, s)
    watchAccounts(wallet, s.address)
  } catch (e) {
    if (useWallet.getState().connecting !== id) return
    walletStore().connectFailed(toWalletError(e))
  }
}

/** Signs out and forgets the wallet. */
export function disconnect() {
  signOut()
  stopWatching?.()
  stopWatching = null
  signer = null
  walletStore().disconnected()
}

/**
 * Gives a collectible with the connected wallet (the gifts feature): the development wallet signs
 * the transfer the server prepared (`prepare` asks for it), a wallet of one's own sends the call.
 */
export async function giveWithWallet(opts: {
  token: { chainId: number; contract: string; tokenId: string; standard: 'erc721' | 'erc1155' }
  to: string
  prepare: () => Promise<PreparedTransfer>
}): Promise<{ signed: string } | { sent: string }> {
  const connection = walletStore().connection
  if (!connection) throw new ApiError('not_connected', 0, 'connect your wallet first')
  const s = await currentSigner(connection)
  const { transferData } = await import('../chain/transfer')
  const call = {
    chainId: opts.token.chainId,
    to: opts.token.contract,
    data: transferData(opts.token.standard, s.address, opts.to, opts.token.tokenId),
  }
  const prepared = connection.kind === 'dev' ? await opts.prepare() : undefined
  return s.transfer({ call, ...(prepared && { prepared }) })
}

/** The signer for the connected wallet, found again after a reload restored the session. */
async function currentSigner(connection: WalletConnection): Promise<Signer> {
  if (signer && signer.address.toLowerCase() === connection.address.toLowerCase()) return signer
  const { devSigner, injectedSigner } = await loadSigners()
  let s: Signer
  if (connection.kind === 'dev') s = devSigner(connection.account ?? 1)
  else {
    const wallet = discovered.find((w) => w.info.uuid === connection.id)
    if (!wallet) throw new ApiError('reconnect', 0, 'the wallet is no longer available')
    s = await injectedSigner(wallet.provider)
    watchAccounts(wallet, connection.address)
  }
  if (s.address.toLowerCase() !== connection.address.toLowerCase())
    throw new ApiError('address_mismatch', 0, `the wallet now signs as ${s.address}`)
  signer = s
  return s
}

// --- signing in and out ---

export async function signIn() {
  const s = useWallet.getState()
  const connection = s.connection
  if (!connection || s.config.status !== 'ready' || s.signIn.status === 'busy') return
  const siwe = s.config.config.siwe
  const still = () => useWallet.getState().connection === connection
  walletStore().signingIn()
  try {
    const [nonce, signers, key] = await Promise.all([
      api.nonce(),
      loadSigners(),
      currentSigner(connection),
    ])
    const message = signers.siweMessage(siwe, connection.address, nonce)
    const signature = await key.signMessage(message)
    if (!still()) return
    const v = await api.verify(message, signature)
    if (!still()) return
    if (v.address.toLowerCase() !== connection.address.toLowerCase())
      throw new ApiError('address_mismatch', 0, `signed in as ${v.address}`)
    startSession({ token: v.token, address: v.address, expiresAt: v.expiresAt }, connection)
  } catch (e) {
    if (!still()) return
    const error = toWalletError(e)
    // The wallet that was connected is gone: back to the list of wallets, with the reason.
    if (error.code === 'reconnect') disconnect()
    walletStore().signInFailed(error)
  }
}

/** Ends the session here and on the server; the wallet stays connected. */
export function signOut() {
  const token = useWallet.getState().session?.token
  endSession()
  if (token) void api.logout(token).catch(() => {})
}

// --- collectibles ---

/** Lists the signed-in wallet's collectibles; `fresh`: a person asked to check again. */
export async function loadCollectibles(attempt = 0, fresh = false) {
  const session = useWallet.getState().session
  if (!session) return
  const seq = ++loadSeq
  walletStore().setCollectibles({ status: 'loading' })
  try {
    const r = await api.collectibles(session.address, session.token, fresh)
    if (seq !== loadSeq) return
    if (r.address.toLowerCase() !== session.address.toLowerCase())
      throw new ApiError('bad_response', 200, `collectibles of ${r.address}`)
    walletStore().setCollectibles({
      status: 'ready',
      items: r.items,
      block: r.block,
      chains: r.chains,
      truncated: r.truncated,
    })
  } catch (e) {
    if (seq !== loadSeq) return
    if (e instanceof ApiError && e.status === 401) {
      endSession()
      walletStore().signInFailed(local('session_expired'))
      return
    }
    const wait = startingDelay(e, attempt)
    if (wait !== null) {
      setTimeout(() => seq === loadSeq && void loadCollectibles(attempt + 1), wait)
      return
    }
    walletStore().setCollectibles({ status: 'error', error: toWalletError(e) })
  }
}
