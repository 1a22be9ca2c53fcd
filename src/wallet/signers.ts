// Keys and signatures, loaded on demand because it carries ethers: the development wallet's HD
// accounts, injected wallets through ethers' BrowserProvider (personal_sign), and the EIP-4361
// message the visitor signs.
import { BrowserProvider, HDNodeWallet, getAddress } from 'ethers'
import { buildSiweMessage } from '../chain/siwe'
import type { ChainConfig, Nonce } from './api'
import { DEV_MNEMONIC, devPath, type Eip1193Provider } from './wallets'

export interface Signer {
  /** EIP-55 checksummed. */
  address: string
  signMessage(message: string): Promise<string>
}

const devWallets = new Map<number, HDNodeWallet>()

/** The development wallet's account `n` (anvil's default mnemonic; keys are public). */
export function devSigner(account: number): Signer {
  let wallet = devWallets.get(account)
  if (!wallet) {
    wallet = HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, devPath(account))
    devWallets.set(account, wallet)
  }
  const w = wallet
  return { address: w.address, signMessage: (message) => w.signMessage(message) }
}

/** Asks an injected wallet for its account (it may prompt) and signs through personal_sign. */
export async function injectedSigner(provider: Eip1193Provider): Promise<Signer> {
  const accounts = await provider.request({ method: 'eth_requestAccounts' })
  const first: unknown = Array.isArray(accounts) ? accounts[0] : undefined
  if (typeof first !== 'string') throw new Error('the wallet gave no account')
  const address = getAddress(first)
  const browser = new BrowserProvider(provider)
  return {
    address,
    signMessage: async (message) => (await browser.getSigner(address)).signMessage(message),
  }
}

/**
 * The sign-in message: domain, uri, chain and statement from the server, its fresh nonce. Its
 * Expiration Time ends the session the server opens: the longest the server allows.
 */
export function siweMessage(siwe: ChainConfig['siwe'], address: string, nonce: Nonce): string {
  return buildSiweMessage({
    domain: siwe.domain,
    address,
    statement: siwe.statement || undefined,
    uri: siwe.uri,
    version: '1',
    chainId: siwe.chainId,
    nonce: nonce.nonce,
    issuedAt: nonce.issuedAt,
    expirationTime: nonce.sessionExpiresAt ?? nonce.expiresAt,
  })
}
