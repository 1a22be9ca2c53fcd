// The hand-written ABI coding of the adapter's hot paths against ethers' own coder.
import { AbiCoder, Interface, getAddress } from 'ethers'
import { describe, expect, it } from 'vitest'
import { decodeAggregate3, encodeAggregate3 } from './evm'

const multicall3 = new Interface([
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
])
const target = getAddress('0x5fbdb2315678afecb367f032d93f642f64180aa3')
const calls = [
  { target, data: '0x6352211e' + '0'.repeat(63) + '7' },
  { target, data: '0x' },
  { target, data: '0x' + 'ab'.repeat(33) },
]

describe('aggregate3 coding', () => {
  it('encodes calldata exactly as ethers does', () => {
    const ethers = multicall3.encodeFunctionData('aggregate3', [
      calls.map((c) => ({ target: c.target, allowFailure: true, callData: c.data })),
    ])
    expect(encodeAggregate3(calls)).toBe(ethers)
    expect(encodeAggregate3([])).toBe(multicall3.encodeFunctionData('aggregate3', [[]]))
  })

  it('decodes what ethers encodes, failures included', () => {
    const results = [
      { success: true, returnData: '0x' + '00'.repeat(31) + '01' },
      { success: false, returnData: '0x' },
      { success: true, returnData: '0x' + 'cd'.repeat(70) },
    ]
    const raw = AbiCoder.defaultAbiCoder().encode(
      ['(bool,bytes)[]'],
      [results.map((r) => [r.success, r.returnData])],
    )
    expect(decodeAggregate3(raw, 3)).toEqual(
      results.map((r) => ({ ok: r.success, data: r.returnData })),
    )
  })

  it('returns null for answers that do not fit the request', () => {
    const raw = AbiCoder.defaultAbiCoder().encode(['(bool,bytes)[]'], [[[true, '0x01']]])
    expect(decodeAggregate3(raw, 2)).toBeNull()
    expect(decodeAggregate3(raw.slice(0, -64), 1)).toBeNull()
    expect(decodeAggregate3('0xzz', 1)).toBeNull()
    expect(decodeAggregate3('0x', 0)).toBeNull()
  })
})
