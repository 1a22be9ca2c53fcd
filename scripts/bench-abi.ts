// `npx tsx scripts/bench-abi.ts`: why src/chain/evm.ts codes Multicall3 aggregate3 by hand.
// Times one aggregate3 of 200 ownerOf calls (the adapter's batch) encoded and its answer
// decoded, by evm.ts and by ethers' Interface coder, and prints both and the ratio.
import { AbiCoder, Interface, getAddress } from 'ethers'
import { SELECTORS, decodeAggregate3, encodeAggregate3 } from '../src/chain/evm'

const multicall3 = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
])
const N = 200
const target = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3')
const calls = Array.from({ length: N }, (_, i) => ({
  target,
  data: SELECTORS.ownerOf + (i + 1).toString(16).padStart(64, '0'),
}))
const owner = '0x' + '0'.repeat(24) + 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266'
const answer = AbiCoder.defaultAbiCoder().encode(
  ['(bool,bytes)[]'],
  [calls.map(() => [true, owner])],
)

/** Median milliseconds of one run of `fn`, over `runs` runs after a warm-up. */
function time(fn: () => unknown, runs = 40): number {
  for (let i = 0; i < 10; i++) fn()
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    ms.push(performance.now() - t0)
  }
  return ms.sort((a, b) => a - b)[runs >> 1]!
}

const ethersArgs = () => [
  calls.map((c) => ({ target: c.target, allowFailure: true, callData: c.data })),
]
const rows = {
  'encode, evm.ts': time(() => encodeAggregate3(calls)),
  'encode, ethers': time(() => multicall3.encodeFunctionData('aggregate3', ethersArgs())),
  'decode, evm.ts': time(() => decodeAggregate3(answer, N)),
  'decode, ethers': time(() => multicall3.decodeFunctionResult('aggregate3', answer)),
}
for (const [what, ms] of Object.entries(rows)) console.log(`${what}: ${ms.toFixed(3)} ms`)
const hand = rows['encode, evm.ts'] + rows['decode, evm.ts']
const ethers = rows['encode, ethers'] + rows['decode, ethers']
console.log(`encode + decode of ${N} calls: ethers / evm.ts = ${(ethers / hand).toFixed(1)}×`)
