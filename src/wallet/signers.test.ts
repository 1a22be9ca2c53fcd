// The sign-in message the client builds: it names the server's site and asks for a session as
// long as the server allows (the server ends the session at the message's Expiration Time).
import { describe, expect, it } from 'vitest'
import { parseSiweMessage } from '../chain/siwe'
import { siweMessage } from './signers'

const siwe = {
  domain: '127.0.0.1:2567',
  uri: 'http://127.0.0.1:2567/',
  chainId: 31337,
  statement: 'Sign in to Cangqiong (苍穹) with this wallet.',
}
const address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'

describe('siweMessage', () => {
  it("expires with the longest session the server opens, not with the nonce's 5 minutes", () => {
    const nonce = {
      nonce: 'abcdefgh12345678',
      issuedAt: '2026-12-02T10:00:00.000Z',
      expiresAt: '2026-12-02T10:05:00.000Z',
      sessionExpiresAt: '2026-12-03T10:00:00.000Z',
    }
    const fields = parseSiweMessage(siweMessage(siwe, address, nonce))
    expect(fields).toMatchObject({
      domain: siwe.domain,
      uri: siwe.uri,
      expirationTime: '2026-12-03T10:00:00.000Z',
    })
    // An older server that does not say: the nonce's expiry, as before.
    const { sessionExpiresAt: _, ...older } = nonce
    expect(parseSiweMessage(siweMessage(siwe, address, older)).expirationTime).toBe(nonce.expiresAt)
  })
})

describe('the development wallet giving a collectible', () => {
  const call = {
    chainId: 31337,
    to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    data: '0x42842e0e' + '00'.repeat(96),
  }
  const prepared = { ...call, nonce: 7, gasLimit: '90000', gasPrice: '1000000000' }

  it('signs the transfer the server prepared for this very call, as its own account', async () => {
    const { Transaction } = await import('ethers')
    const { devSigner } = await import('./signers')
    const s = devSigner(1)
    const result = await s.transfer({ call, prepared })
    expect('signed' in result).toBe(true)
    const tx = Transaction.from((result as { signed: string }).signed)
    expect(tx.from).toBe(s.address)
    expect([tx.to, tx.data, tx.nonce, tx.chainId]).toEqual([call.to, call.data, 7, 31337n])
  })

  it('refuses a prepared transfer of something else, or none at all', async () => {
    const { devSigner } = await import('./signers')
    const s = devSigner(1)
    const other = { ...prepared, data: call.data.replace(/00$/, '01') }
    await expect(s.transfer({ call, prepared: other })).rejects.toThrow(/another transfer/)
    await expect(s.transfer({ call, prepared: { ...prepared, to: s.address } })).rejects.toThrow()
    await expect(s.transfer({ call })).rejects.toThrow(/prepared/)
  })
})
