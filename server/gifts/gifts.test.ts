// Giving a collectible to someone nearby, on a whole server with the embedded anvil and the
// development registry's rules: a landmark is refused with its issuer's reason; a pixel is
// offered, accepted, signed by the giver's own wallet, and both hear it done when the watcher sees
// it on the chain; the recipient's listing then verifies it; an offer turned down says so. The
// development wallet's way: the server prepares the exact transfer, the page signs it, and the
// server relays that and nothing else (another signer, other fields, garbage are refused).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { Contract, JsonRpcProvider, NonceManager } from 'ethers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessages } from '../../src/protocol/messages'
import type { PreparedTransfer } from '../../src/protocol/gifts'
import { startServer, type RunningServer } from '../app'
import type { ChainServices } from '../chain'
import { mined } from '../devchain'
import { signIn, until, wallet } from '../events/testKit'
import { testConfig } from '../testConfig'
import { parseTrustRegistry } from '../../src/chain/registry'
import { GiftRelay } from './relay'

let tmp: string
let server: RunningServer
let services: ChainServices
const rooms: Room[] = []

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cq-gifts-'))
  server = await startServer(
    testConfig({ PORT: '0', CLIENT: 'none', DATA_DIR: tmp, ANVIL_PORT: '0', CHAIN_POLL_MS: '200' }),
  )
  services = await server.chain
}, 300_000)

afterAll(async () => {
  await Promise.all(rooms.map((r) => r.leave().catch(() => {})))
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

interface Seat {
  room: Room
  offered: ServerMessages['gift.offered'][]
  updates: ServerMessages['gift.update'][]
  transactions: ServerMessages['gift.transaction'][]
}

/** A signed-in visitor in the village, at its spawn (everyone arrives within a few steps). */
async function seat(account: number): Promise<Seat> {
  const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate('world', {
    world: 'block-park-village',
    name: `V${account}`,
  })
  rooms.push(room)
  const s: Seat = { room, offered: [], updates: [], transactions: [] }
  let authed = false
  room.onMessage('authed', () => (authed = true))
  room.onMessage('gift.offered', (m: ServerMessages['gift.offered']) => s.offered.push(m))
  room.onMessage('gift.update', (m: ServerMessages['gift.update']) => s.updates.push(m))
  room.onMessage('gift.transaction', (m: ServerMessages['gift.transaction']) =>
    s.transactions.push(m),
  )
  room.onMessage('*', () => {})
  room.send('auth', { token: await signIn(server.url, account) })
  await until(() => authed, 'authed')
  return s
}

const last = (s: Seat) => s.updates.at(-1)

/** A prepared transfer as the fields a wallet signs (legacy type 0). */
const legacy = (tx: PreparedTransfer) => ({
  type: 0,
  chainId: tx.chainId,
  to: tx.to,
  data: tx.data,
  nonce: tx.nonce,
  gasLimit: BigInt(tx.gasLimit),
  gasPrice: BigInt(tx.gasPrice),
})

describe('giving a collectible to someone nearby', () => {
  it('refuses what the issuer forbids, and carries a pixel from offer to the chain', async () => {
    const { pixels, landmarks } = JSON.parse(
      fs.readFileSync(path.join(tmp, 'chain/deployment.json'), 'utf8'),
    ) as { pixels: string; landmarks: string }
    const [giver, recipient] = [await seat(1), await seat(2)]
    const to = recipient.room.sessionId
    const visitor = wallet(1).address
    const friend = wallet(2).address

    // The City Archive's landmarks cannot be given: refused, with the rules and why.
    giver.room.send('gift.offer', { to, chainId: 31337, contract: landmarks, tokenId: '1' })
    await until(() => last(giver)?.state === 'refused', 'the landmark refused')
    expect(last(giver)).toMatchObject({
      rules: { transferable: false },
      refusal: { code: 'not_transferable', message: /City Archive does not allow/ },
    })
    expect(recipient.offered).toEqual([])

    // A pixel: offered under its rules; the recipient sees who offers what.
    const token = { chainId: 31337, contract: pixels, tokenId: '3' }
    giver.room.send('gift.offer', { to, ...token })
    const offer = await until(() => recipient.offered[0], 'the offer')
    expect(offer).toMatchObject({
      from: { session: giver.room.sessionId, name: 'V1' },
      token,
      rules: { transferable: true, recipients: 'signed-in' },
      // What it is, as verified on the chain for the giver.
      item: {
        name: expect.stringContaining(' '),
        image: expect.stringMatching(/^data:image\/svg\+xml;base64,/),
        collection: { en: 'Block Park Pixels' },
        platform: { en: 'Cangqiong' },
      },
    })
    expect(last(giver)).toMatchObject({ id: offer.id, state: 'pending' })
    expect(last(giver)?.to).toBeUndefined()
    // A second offer while one waits is refused.
    giver.room.send('gift.offer', { to, ...token, tokenId: '4' })
    await until(() => last(giver)?.refusal?.code === 'busy', 'busy')

    // Accepted: only now does the giver learn where to send it.
    recipient.room.send('gift.answer', { id: offer.id, accept: true })
    const accepted = await until(() => giver.updates.find((u) => u.state === 'accepted'))
    expect(accepted.to).toBe(friend)
    await until(() => recipient.updates.some((u) => u.state === 'accepted' && !u.to))

    // The giver's own wallet signs the transfer; the watcher's sighting ends it for both.
    const provider = new JsonRpcProvider(services.registry.chains[0]!.rpcUrls[0])
    try {
      const signer = new NonceManager(wallet(1).connect(provider))
      const c = new Contract(
        pixels,
        ['function safeTransferFrom(address from, address to, uint256 tokenId)'],
        signer,
      )
      await mined(await c.getFunction('safeTransferFrom')(visitor, accepted.to, 3n))
    } finally {
      provider.destroy()
    }
    const done = await until(
      () => recipient.updates.find((u) => u.state === 'done'),
      'done',
      20_000,
    )
    expect(done.block).toBeGreaterThan(0)
    await until(() => giver.updates.some((u) => u.state === 'done'))
    const theirs = await services.collectibles.list(friend)
    expect(theirs.items.find((i) => i.contract === pixels && i.tokenId === '3')?.verified).toBe(
      true,
    )

    // Turned down: the giver hears so.
    giver.room.send('gift.offer', { to, ...token, tokenId: '4' })
    const second = await until(
      () => recipient.offered[1],
      `the second offer (${JSON.stringify(last(giver))})`,
      20_000,
    )
    recipient.room.send('gift.answer', { id: second.id, accept: false })
    await until(() => giver.updates.some((u) => u.id === second.id && u.state === 'declined'))
  }, 120_000)

  it('relays the transfer it prepared for the development wallet, signed by the giver, only', async () => {
    const { pixels } = JSON.parse(
      fs.readFileSync(path.join(tmp, 'chain/deployment.json'), 'utf8'),
    ) as { pixels: string }
    const [giver, recipient] = [await seat(1), await seat(2)]
    const to = recipient.room.sessionId
    const token = { chainId: 31337, contract: pixels, tokenId: '5' }

    // Taken back before an answer: both hear so, and the giver may offer again.
    giver.room.send('gift.offer', { to, ...token })
    const first = await until(() => recipient.offered.at(-1), 'the offer')
    giver.room.send('gift.cancel', { id: first.id })
    await until(() => recipient.updates.some((u) => u.id === first.id && u.state === 'cancelled'))

    giver.room.send('gift.offer', { to, ...token })
    const offer = await until(() => recipient.offered.find((o) => o.id !== first.id), 'again')
    // Asking before the recipient accepted prepares nothing.
    giver.room.send('gift.prepare', { id: offer.id })
    recipient.room.send('gift.answer', { id: offer.id, accept: true })
    await until(() => giver.updates.some((u) => u.id === offer.id && u.state === 'accepted'))
    expect(giver.transactions).toEqual([])
    // The recipient cannot ask for the giver's transfer.
    recipient.room.send('gift.prepare', { id: offer.id })
    giver.room.send('gift.prepare', { id: offer.id })
    const { tx } = await until(() => giver.transactions.find((t) => t.tx), 'the transaction')
    expect(recipient.transactions).toEqual([])
    expect(tx).toMatchObject({ chainId: 31337, to: pixels, nonce: expect.any(Number) })
    expect(tx!.data.startsWith('0x42842e0e')).toBe(true) // safeTransferFrom(address,address,uint256)

    const fields = legacy(tx!)
    // The relay hands the chain that transfer and nothing else: another signer, another
    // recipient, other fees, or not a transaction at all are refused (called directly here:
    // the room lets a giver send three a second).
    for (const raw of [
      await wallet(3).signTransaction(fields),
      await wallet(1).signTransaction({ ...fields, to: wallet(3).address }),
      await wallet(1).signTransaction({ ...fields, data: tx!.data.replace(/.{8}$/, '00000000') }),
      await wallet(1).signTransaction({ ...fields, gasPrice: fields.gasPrice * 10n }),
      '0x02f8',
    ]) {
      await expect(services.giftRelay.send(raw, tx!, wallet(1).address)).rejects.toMatchObject({
        code: 'bad_transaction',
      })
    }
    // Through the room, likewise.
    giver.room.send('gift.send', { id: offer.id, raw: await wallet(3).signTransaction(fields) })
    const refused = await until(() => giver.transactions.find((t) => t.refusal), 'a refusal')
    expect(refused.refusal).toMatchObject({ code: 'bad_transaction', message: /not the transfer/ })
    expect(giver.updates.some((u) => u.id === offer.id && u.state === 'sent')).toBe(false)

    // The prepared transfer, signed by the giver: relayed, then seen on the chain by both.
    giver.room.send('gift.send', { id: offer.id, raw: await wallet(1).signTransaction(fields) })
    const sent = await until(() =>
      recipient.updates.find((u) => u.id === offer.id && u.state === 'sent'),
    )
    expect(sent.txHash).toMatch(/^0x[0-9a-f]{64}$/)
    await until(
      () => giver.updates.find((u) => u.id === offer.id && u.state === 'done'),
      'done',
      20_000,
    )
    const theirs = await services.collectibles.list(wallet(2).address)
    expect(theirs.items.find((i) => i.contract === pixels && i.tokenId === '5')?.verified).toBe(
      true,
    )
  }, 120_000)

  it('gives to a wallet address signed in here, without asking anyone; not to one that is not', async () => {
    const { pixels } = JSON.parse(
      fs.readFileSync(path.join(tmp, 'chain/deployment.json'), 'utf8'),
    ) as { pixels: string }
    const giver = await seat(1)
    const token = { chainId: 31337, contract: pixels, tokenId: '6' }
    const stranger = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' // anvil #4: never signed in
    giver.room.send('gift.offer', { address: stranger, ...token })
    await until(() => last(giver)?.state === 'refused', 'refused')
    expect(last(giver)?.refusal?.code).toBe('recipient_not_signed_in')
    // Once that wallet has signed in here, it may be given to: accepted at once, nobody to ask.
    await signIn(server.url, 3)
    const to = wallet(3).address
    giver.room.send('gift.offer', { address: to, ...token })
    const accepted = await until(() => giver.updates.find((u) => u.state === 'accepted'))
    expect(accepted.to).toBe(to)
    giver.room.send('gift.prepare', { id: accepted.id })
    const { tx } = await until(() => giver.transactions.find((t) => t.tx), 'the transaction')
    const raw = await wallet(1).signTransaction(legacy(tx!))
    giver.room.send('gift.send', { id: accepted.id, raw })
    await until(
      () => giver.updates.find((u) => u.id === accepted.id && u.state === 'done'),
      'done',
      20_000,
    )
    const theirs = await services.collectibles.list(to)
    expect(theirs.items.find((i) => i.contract === pixels && i.tokenId === '6')?.verified).toBe(
      true,
    )
  }, 60_000)

  it('prepares transfers only on a chain the registry marks local', async () => {
    const file = path.join(tmp, 'chain/trust-registry.json')
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      chains: { local?: boolean; issuers: { contract: string }[] }[]
    }
    for (const c of json.chains) c.local = false
    const relay = new GiftRelay(parseTrustRegistry(json, file), (id) =>
      services.collectibles.evmAdapter(id),
    )
    const contract = json.chains[0]!.issuers[0]!.contract
    await expect(
      relay.prepare(
        { chainId: 31337, contract, tokenId: '6' },
        wallet(1).address,
        wallet(2).address,
      ),
    ).rejects.toMatchObject({ code: 'not_local' })
  })
})
