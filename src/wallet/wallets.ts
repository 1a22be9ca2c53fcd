// Which wallets the visitor can connect: injected wallets announced through EIP-6963 (plus a
// legacy `window.ethereum` that did not announce itself) and the development wallet on anvil's
// default accounts. Plain TypeScript: no React, no ethers (signers.ts loads that on demand).

/** The EIP-1193 provider surface this client uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>
  on?(event: string, listener: (...args: unknown[]) => void): void
  removeListener?(event: string, listener: (...args: unknown[]) => void): void
}

export interface InjectedWalletInfo {
  uuid: string
  name: string
  /** A data:image/ URL, or null when the wallet gave none (or something else). */
  icon: string | null
  rdns: string
}

export interface InjectedWallet {
  info: InjectedWalletInfo
  provider: Eip1193Provider
}

/** Anvil's well-known test mnemonic. Its keys are public: local development only. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk'
/** Accounts the panel offers; #1 holds the demo collectibles. (#0 deploys the contracts.) */
export const DEV_ACCOUNTS = [1, 2, 3] as const
export type DevAccount = (typeof DEV_ACCOUNTS)[number]
export const devPath = (account: number) => `m/44'/60'/0'/0/${account}`

const MAX_ICON_CHARS = 200_000
/** The uuid given to a `window.ethereum` that did not announce itself (the panel names it). */
export const LEGACY_WALLET_ID = 'legacy-injected'

function isProvider(p: unknown): p is Eip1193Provider {
  return typeof p === 'object' && p !== null && typeof (p as Eip1193Provider).request === 'function'
}

const text = (v: unknown, max: number): string =>
  typeof v === 'string' ? v.trim().slice(0, max) : ''

/** Checks an announcement (untrusted: any page script can dispatch one) and keeps what is safe. */
export function readAnnouncement(detail: unknown): InjectedWallet | null {
  if (typeof detail !== 'object' || detail === null) return null
  const { info, provider } = detail as { info?: unknown; provider?: unknown }
  if (typeof info !== 'object' || info === null || !isProvider(provider)) return null
  const raw = info as Record<string, unknown>
  const uuid = text(raw.uuid, 128)
  const name = text(raw.name, 64)
  if (!uuid || !name) return null
  const icon =
    typeof raw.icon === 'string' &&
    raw.icon.startsWith('data:image/') &&
    raw.icon.length <= MAX_ICON_CHARS
      ? raw.icon
      : null
  return { info: { uuid, name, icon, rdns: text(raw.rdns, 128) }, provider }
}

/**
 * Listens for EIP-6963 announcements and asks wallets to announce themselves. `onChange` gets
 * the full list each time it changes: one entry per uuid, plus `window.ethereum` when no
 * announced wallet is that provider. Returns a stop function.
 */
export function watchInjectedWallets(
  onChange: (wallets: readonly InjectedWallet[]) => void,
  target: Window = window,
): () => void {
  const byUuid = new Map<string, InjectedWallet>()
  const emit = () => {
    const list = [...byUuid.values()]
    const legacy = (target as Window & { ethereum?: unknown }).ethereum
    if (isProvider(legacy) && !list.some((w) => w.provider === legacy)) {
      list.push({
        info: { uuid: LEGACY_WALLET_ID, name: 'Browser wallet', icon: null, rdns: '' },
        provider: legacy,
      })
    }
    onChange(list)
  }
  const onAnnounce = (e: Event) => {
    const wallet = readAnnouncement((e as CustomEvent<unknown>).detail)
    if (!wallet) return
    byUuid.set(wallet.info.uuid, wallet)
    emit()
  }
  target.addEventListener('eip6963:announceProvider', onAnnounce)
  target.dispatchEvent(new Event('eip6963:requestProvider'))
  emit()
  return () => target.removeEventListener('eip6963:announceProvider', onAnnounce)
}
