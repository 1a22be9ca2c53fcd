// Keys and signatures, loaded on demand because it carries ethers: the development wallet's HD
// accounts, injected wallets through ethers' BrowserProvider (personal_sign, and a gift's
// transfer), and the EIP-4361 message the visitor signs.
import { BrowserProvider, HDNodeWallet, getAddress } from 'ethers'
import { buildSiweMessage } from '../chain/siwe'
import type { ChainConfig, Nonce } from './api'
import type { PreparedTransfer } from '../protocol/gifts'
import { DEV_MNEMONIC, devPath, type Eip1193Provider } from './wallets'

export interface Signer {
  /** EIP-55 checksummed. */
  address: string
  signMessage(message: string): Promise<string>
  /**
   * Gives a collectible. The development wallet signs the transfer the server prepared and
   * returns the signed transaction for the server to relay (`signed`); a wallet of one's own
   * sends the call itself (it may prompt) and returns the transaction's hash (`sent`).
   */
  transfer(t: {
    prepared?: PreparedTransfer
    call: { chainId: number; to: string; data: string }
  }): Promise<{ signed: string } | { sent: string }>
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
  return {
    address: w.address,
    signMessage: (message) => w.signMessage(message),
    transfer: async ({ prepared: p, call }) => {
      if (!p) throw new Error('the development wallet signs only a transfer the server prepared')
      // The server fills in nonce and gas; what moves, and to whom, is this page's own call.
      if (
        p.chainId !== call.chainId ||
        p.to.toLowerCase() !== call.to.toLowerCase() ||
        p.data.toLowerCase() !== call.data.toLowerCase()
      ) {
        throw new Error('the server prepared another transfer than this gift: not signed')
      }
      const signed = await w.signTransaction({
        type: 0,
        chainId: p.chainId,
        to: p.to,
        data: p.data,
        nonce: p.nonce,
        gasLimit: BigInt(p.gasLimit),
        gasPrice: BigInt(p.gasPrice),
        value: 0n,
      })
      return { signed }
    },
  }
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
    transfer: async ({ call }) => {
      // The wallet sends on the chain it is on: ask it to switch first (it may prompt).
      const chain = Number((await browser.getNetwork()).chainId)
      if (chain !== call.chainId) {
        await provider.request({
          method: 'wallet_switchEthereumChain',
          params: [{ chainId: `0x${call.chainId.toString(16)}` }],
        })
      }
      const signer = await new BrowserProvider(provider).getSigner(address)
      const tx = await signer.sendTransaction({ to: call.to, data: call.data, value: 0n })
      return { sent: tx.hash }
    },
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
