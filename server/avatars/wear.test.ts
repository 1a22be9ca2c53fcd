// Wearing a collectible on a whole server (embedded anvil with the demo collections, PGlite):
// the visitor wears the Lantern Keeper (landmark #6, a VRM on the local IPFS folder) and others
// see it; a wallet that does not hold it, or nobody signed in, naming the same file gets it taken
// off; after the token moves away the former holder's seat and kept look lose it, and the new
// holder may wear it. Refusals (not signed in, wrong types, a token it does not hold or that does
// not exist, no model, a model that is not a VRM, one over 8 MiB) are clear and store nothing.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { Client, type Room } from 'colyseus.js'
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { VRM_MAX_BYTES } from '../../src/avatar/vrmCheck'
import { encodeGlb } from '../../src/avatar/vrmFixture'
import { defaultLook, parseLook, type AvatarLook } from '../../src/protocol/avatar'
import type { ServerMessages } from '../../src/protocol/messages'
import type { WireState } from '../../src/net/featureBinding'
import { startServer, type RunningServer } from '../app'
import { freshPgliteDir } from '../db/testPglite'
import { mined } from '../devchain'
import { avatarContent } from '../devchain/models'
import { signIn, until, wallet } from '../events/testKit'
import { testConfig } from '../testConfig'

let tmp: string
let server: RunningServer
let files: http.Server
let filesUrl: string
let rpcUrl: string
let landmarks: string
let pixels: string
const rooms: Room[] = []
const tokens: string[] = []

const KEEPER = avatarContent().files.get('lantern-keeper.vrm')!
const KEEPER_ID = createHash('sha256').update(KEEPER).digest('hex')
/** A GLB that is no avatar (no VRM extension, no humanoid), and one over the size cap. */
const NOT_VRM = encodeGlb({ asset: { version: '2.0' }, scenes: [{ nodes: [] }] }, new Uint8Array())
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

beforeAll(async () => {
  // The models two test tokens name: served on loopback, as the local chain allows.
  files = http.createServer((req, res) => {
    if (req.url === '/plain.vrm') {
      res.writeHead(200, { 'content-type': 'model/gltf-binary' }).end(NOT_VRM)
    } else if (req.url === '/huge.vrm') {
      res.writeHead(200, { 'content-type': 'model/gltf-binary' })
      res.end(Buffer.alloc(VRM_MAX_BYTES + 1024 * 1024, 7))
    } else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve))
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`

  tmp = await freshPgliteDir(fs.mkdtempSync(path.join(os.tmpdir(), 'cq-wear-')))
  server = await startServer(
    testConfig({
      PORT: '0',
      CLIENT: 'none',
      DATA_DIR: tmp,
      ANVIL_PORT: '0',
      CHAIN_POLL_MS: '200',
      // Each test wears from its own client address (X-Forwarded-For): the limit counts per address.
      TRUST_PROXY: '1',
    }),
  )
  await server.spaces
  const registry = JSON.parse(fs.readFileSync(path.join(tmp, 'chain/trust-registry.json'), 'utf8'))
  rpcUrl = registry.chains[0].rpcUrls[0]
  ;({ landmarks, pixels } = JSON.parse(
    fs.readFileSync(path.join(tmp, 'chain/deployment.json'), 'utf8'),
  ) as { landmarks: string; pixels: string })
  // Landmarks #7 and #8 (unpinned, so verified on their metadata alone) name those two models.
  const issuer = signer(0)
  const c = new Contract(landmarks, ['function mint(address to, string uri)'], issuer)
  for (const [name, file] of [
    ['Plain', 'plain.vrm'],
    ['Huge', 'huge.vrm'],
  ]) {
    const meta = { name, description: '', animation_url: `${filesUrl}/${file}` }
    const uri = `data:application/json;base64,${Buffer.from(JSON.stringify(meta)).toString('base64')}`
    await mined(await c.getFunction('mint')(wallet(1).address, uri))
  }
  for (const i of [1, 2]) tokens[i] = await signIn(server.url, i)
}, 300_000)

afterAll(async () => {
  await Promise.all(rooms.map((r) => r.leave().catch(() => {})))
  await server?.stop()
  await new Promise((resolve) => files?.close(resolve))
  fs.rmSync(tmp, { recursive: true, force: true })
})

function signer(index: number) {
  const provider = new JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true })
  return new NonceManager(new Wallet(wallet(index).privateKey, provider))
}

let from = '203.0.113.1'
async function wear(body: unknown, token?: string) {
  const res = await fetch(new URL('/api/avatars/collectible', server.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': from,
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const stored = async (id: string) =>
  (await fetch(new URL(`/api/avatars/vrm/${id}`, server.url))).status

interface Visitor {
  room: Room<WireState>
  errors: ServerMessages['error'][]
  saved: ServerMessages['avatar.saved'][]
}

async function visit(name: string, look?: AvatarLook): Promise<Visitor> {
  const room = await new Client(server.url.replace(/^http/, 'ws')).joinOrCreate<WireState>(
    'world',
    { world: 'block-park-village', name, ...(look && { look }) },
  )
  rooms.push(room)
  const v: Visitor = { room, errors: [], saved: [] }
  room.onMessage('error', (m: ServerMessages['error']) => v.errors.push(m))
  room.onMessage('avatar.saved', (m: ServerMessages['avatar.saved']) => v.saved.push(m))
  room.onMessage('*', () => {})
  return v
}

async function signInAs(v: Visitor, account: number) {
  let authed = false
  v.room.onMessage('authed', () => (authed = true))
  v.room.send('auth', { token: tokens[account] ?? (await signIn(server.url, account)) })
  await until(() => authed, 'authed')
}

/** The VRM id `watcher` sees on `of`'s figure ('' without one, undefined before it arrives). */
const vrmOf = (watcher: Visitor, of: Visitor) => {
  const look = watcher.room.state.players?.get(of.room.sessionId)?.look
  return look === undefined ? undefined : (parseLook(look)?.vrm ?? '')
}

const keeper = { chainId: 31337, contract: '', tokenId: '6' }
const hanfu: AvatarLook = { ...defaultLook('#c0392b'), outfit: 'hanfu' }

it('refuses what it cannot wear with clear reasons, storing nothing', async () => {
  keeper.contract = landmarks
  expect(await wear(keeper)).toMatchObject({ status: 401, body: { error: 'no_session' } })
  for (const bad of [
    { ...keeper, chainId: '31337' },
    { ...keeper, tokenId: 6 },
    { ...keeper, extra: true },
    'not json',
  ]) {
    const r = await wear(bad, tokens[1])
    expect(r, JSON.stringify(bad)).toMatchObject({ status: 400, body: { error: 'bad_request' } })
  }
  // Unknown, and someone else's: not verified for this wallet, and why.
  const unknown = await wear({ ...keeper, tokenId: '999' }, tokens[1])
  expect(unknown).toMatchObject({ status: 403, body: { error: 'not_verified' } })
  expect(unknown.body.reasons).toContain('not_owner')
  const theirs = await wear(keeper, tokens[2])
  expect(theirs).toMatchObject({ status: 403, body: { reasons: ['not_owner'] } })
  // A verified pixel with no model; a ".vrm" that is a plain GLB; one over 8 MiB.
  expect(await wear({ ...keeper, contract: pixels, tokenId: '1' }, tokens[1])).toMatchObject({
    status: 422,
    body: { error: 'no_avatar' },
  })
  const plain = await wear({ ...keeper, tokenId: '7' }, tokens[1])
  expect(plain).toMatchObject({ status: 422, body: { error: 'bad_vrm' } })
  expect(plain.body.message).toMatch(/not an avatar file we load: \w/)
  const huge = await wear({ ...keeper, tokenId: '8' }, tokens[1])
  expect(huge).toMatchObject({ status: 422, body: { error: 'bad_vrm' } })
  expect(huge.body.message).toMatch(/larger than|over/)
  expect(await stored(sha(NOT_VRM))).toBe(404)
  expect(await stored(KEEPER_ID)).toBe(404)
}, 120_000)

it('is worn by its holder only, and taken off when the token moves', async () => {
  from = '203.0.113.2'
  const ada = await visit('Ada', hanfu)
  const bo = await visit('Bo')
  await signInAs(ada, 1)
  const worn = await wear(keeper, tokens[1])
  expect(worn).toMatchObject({
    status: 200,
    body: { id: KEEPER_ID, url: `/api/avatars/vrm/${KEEPER_ID}`, version: '1.0' },
  })
  expect(worn.body.name).toMatch(/Lantern Keeper/)
  // Public: others load it to see it worn.
  expect(await stored(KEEPER_ID)).toBe(200)
  ada.room.send('avatar.look', { look: { ...hanfu, vrm: KEEPER_ID } })
  await until(() => vrmOf(bo, ada) === KEEPER_ID, 'the keeper on Ada, as Bo sees her')
  expect(ada.errors).toEqual([])

  // Someone who does not hold it names the same file: worn without it, and told why.
  const cy = await visit('Cy')
  await signInAs(cy, 2)
  cy.room.send('avatar.look', { look: { ...hanfu, vrm: KEEPER_ID } })
  await until(() => cy.errors.length === 1, "Cy's refusal")
  expect(cy.errors[0]).toMatchObject({ code: 'avatar_not_yours', type: 'avatar.look' })
  expect(cy.saved.at(-1)?.look).toEqual(hanfu)
  // Cy arrived without a look ('' too): wait for the refused look's remainder to reach Bo.
  const cyAsBoSees = () => bo.room.state.players.get(cy.room.sessionId)?.look ?? ''
  await until(() => parseLook(cyAsBoSees())?.outfit === 'hanfu', 'Cy in hanfu, as Bo sees him')
  expect(vrmOf(bo, cy)).toBe('')
  expect(parseLook(cyAsBoSees())).toEqual(hanfu)
  // Nobody signed in arrives in it: the built figure, and (after a wait for a sign-in) why.
  const dee = await visit('Dee', { ...hanfu, vrm: KEEPER_ID })
  await until(() => vrmOf(bo, dee) !== undefined, 'Dee, as Bo sees her')
  expect(vrmOf(bo, dee)).toBe('')
  await until(() => dee.errors.length === 1, "Dee's refusal", 15_000)
  expect(dee.errors[0]!.code).toBe('avatar_not_yours')
  expect(vrmOf(bo, dee)).toBe('')

  // The holder on another device, arriving in the built figure: signing in puts the keeper on.
  const phone = await visit('Ada on her phone')
  await signInAs(phone, 1)
  await until(() => phone.saved.length === 1, 'avatar.saved on the phone')
  expect(phone.saved[0]!.look.vrm).toBe(KEEPER_ID)
  await until(() => vrmOf(bo, phone) === KEEPER_ID, 'the keeper on the phone')

  // Ada gives the keeper to Cy's wallet on the chain: the watcher ends her grant, every seat of
  // hers takes it off, and her kept look loses it.
  const visitor = signer(1)
  const c = new Contract(landmarks, ['function transferFrom(address,address,uint256)'], visitor)
  await mined(await c.getFunction('transferFrom')(wallet(1).address, wallet(2).address, 6))
  await until(() => vrmOf(bo, ada) === '' && vrmOf(bo, phone) === '', 'the keeper off', 20_000)
  expect(parseLook(bo.room.state.players.get(ada.room.sessionId)!.look)).toEqual(hanfu)
  for (const v of [ada, phone]) {
    await until(() => v.errors.some((e) => e.code === 'avatar_not_yours'), 'told why')
    expect(v.saved.at(-1)?.look.vrm).toBeUndefined()
  }
  const laptop = await visit('Ada on a laptop')
  await signInAs(laptop, 1)
  await until(() => laptop.saved.length === 1, 'avatar.saved on the laptop')
  expect(laptop.saved[0]!.look).toEqual(hanfu)
  // Naming it again is refused now.
  ada.room.send('avatar.look', { look: { ...hanfu, vrm: KEEPER_ID } })
  await until(() => ada.errors.filter((e) => e.code === 'avatar_not_yours').length === 2, 'again')
  expect(vrmOf(bo, ada)).toBe('')

  // Its new holder may wear it: the same file, granted to Cy.
  expect(await wear(keeper, tokens[2])).toMatchObject({ status: 200, body: { id: KEEPER_ID } })
  cy.room.send('avatar.look', { look: { ...hanfu, vrm: KEEPER_ID } })
  await until(() => vrmOf(bo, cy) === KEEPER_ID, 'the keeper on Cy')
}, 180_000)
