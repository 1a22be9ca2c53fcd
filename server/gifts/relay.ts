// The development wallet's way to sign a gift. It lives in the page with anvil's public keys
// and no JSON-RPC of its own (the local chains listen on the server's loopback), so the server
// prepares the exact transfer (nonce, gas, the call data of safeTransferFrom from the giver to
// the recipient), the page signs it, and the server hands the node that signed transaction and
// nothing else: its signer must be the giver, every field must be the prepared one. Only for a
// chain the registry marks local: on any other chain a visitor's own wallet sends the transfer,
// and the server never touches it. A wallet of one's own never comes here at all.
import { Transaction, getAddress } from 'ethers'
import type { EvmAdapter } from '../../src/chain/evm'
import type { TrustRegistry } from '../../src/chain/registry'
import { transferData } from '../../src/chain/transfer'
import type { GiftRefusal, GiftToken, PreparedTransfer } from '../../src/protocol/gifts'
import { clip } from '../log'

export class RelayRefusal extends Error {
  constructor(
    readonly code: GiftRefusal,
    message: string,
  ) {
    super(message)
    this.name = 'RelayRefusal'
  }
}

export class GiftRelay {
  constructor(
    private readonly registry: TrustRegistry,
    private readonly adapter: (chainId: number) => EvmAdapter | null,
  ) {}

  /** The transfer of `token` from `from` to `to` for the development wallet to sign. */
  async prepare(token: GiftToken, from: string, to: string): Promise<PreparedTransfer> {
    const chain = this.registry.chain(token.chainId)
    const issuer = this.registry.issuer(token.chainId, token.contract)
    const adapter = this.adapter(token.chainId)
    if (!chain?.local || !issuer || !adapter) {
      throw new RelayRefusal(
        'not_local',
        'this server sends transfers only on its local development chains: sign with your own wallet',
      )
    }
    const data = transferData(issuer.standard, from, to, token.tokenId)
    const call = { from, to: issuer.contract, data }
    let gas: bigint
    try {
      gas = await adapter.estimateGas(call)
    } catch (err) {
      throw new RelayRefusal(
        'bad_transaction',
        `the chain would refuse this transfer: ${clip(err)}`,
      )
    }
    const [nonce, gasPrice] = await Promise.all([adapter.pendingNonce(from), adapter.gasPrice()])
    return {
      chainId: token.chainId,
      to: issuer.contract,
      data,
      nonce,
      // A margin over the estimate: the same call, but a later block may cost a little more.
      gasLimit: String((gas * 12n) / 10n),
      gasPrice: String(gasPrice),
    }
  }

  /** Hands `raw` to the chain if it is exactly `expected`, signed by `from`; its hash. */
  async send(raw: string, expected: PreparedTransfer, from: string): Promise<string> {
    let tx: Transaction
    try {
      tx = Transaction.from(raw)
    } catch {
      throw new RelayRefusal('bad_transaction', 'that is not a signed transaction')
    }
    const differs =
      !tx.from ||
      getAddress(tx.from) !== getAddress(from) ||
      tx.type !== 0 ||
      tx.chainId !== BigInt(expected.chainId) ||
      !tx.to ||
      getAddress(tx.to) !== getAddress(expected.to) ||
      tx.data.toLowerCase() !== expected.data.toLowerCase() ||
      tx.nonce !== expected.nonce ||
      tx.value !== 0n ||
      tx.gasLimit !== BigInt(expected.gasLimit) ||
      tx.gasPrice !== BigInt(expected.gasPrice)
    if (differs) {
      throw new RelayRefusal(
        'bad_transaction',
        'the signed transaction is not the transfer prepared for this gift',
      )
    }
    const adapter = this.adapter(expected.chainId)
    if (!adapter) throw new RelayRefusal('not_local', 'that chain is not served here')
    try {
      return await adapter.sendRawTransaction(tx.serialized)
    } catch (err) {
      throw new RelayRefusal('bad_transaction', `the chain refused the transfer: ${clip(err)}`)
    }
  }
}
