// A transaction's receipt, polled until the node has it. Not ethers' `tx.wait()`: on anvil a
// receipt can be missing for a moment after the node accepted the transaction, and `wait()` then
// waits for the *next* block before it looks again (ethers-io/ethers.js#4224). Nothing mines a
// next block after the last transaction of a seed or a test, so it waited for ever: seen as a
// dev chain start that never finished on busy machines (CI, e2e), with every transaction mined.
import type { TransactionReceipt } from 'ethers'

export interface ReceiptSource {
  getTransactionReceipt(hash: string): Promise<TransactionReceipt | null>
}

/** The receipt of `tx` once mined (status checked by the caller); throws after `timeoutMs`. */
export async function minedReceipt(
  provider: ReceiptSource,
  tx: { hash: string } | string,
  timeoutMs = 60_000,
): Promise<TransactionReceipt> {
  const hash = typeof tx === 'string' ? tx : tx.hash
  const end = Date.now() + timeoutMs
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash)
    if (receipt) return receipt
    if (Date.now() > end) {
      throw new Error(`transaction ${hash} was not mined within ${Math.round(timeoutMs / 1000)} s`)
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** `minedReceipt` through the transaction's own provider (a sent TransactionResponse). */
export function mined(tx: { hash: string; provider: ReceiptSource }): Promise<TransactionReceipt> {
  return minedReceipt(tx.provider, tx)
}
