// The builder bench's HTTP side (bench/sections/builder.ts): SIWE sign-in for any dev wallet and
// the builder API's calls, each from the client address it names in X-Forwarded-For (the server
// runs with TRUST_PROXY=loopback), so that every wallet signs in from an address of its own as
// people do, instead of twenty sign-ins queueing behind one loopback address's limit.
import type { HDNodeWallet } from 'ethers'
import { buildSiweMessage } from '../../src/chain/siwe'
import { sleep } from '../lib/section'

/** A made-up client address per wallet index (10.66.x.y). */
export const clientAddressOf = (index: number) => `10.66.${(index >> 8) & 255}.${index & 255}`

export interface ApiReply {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

/**
 * One request to the server's HTTP API as client `from`; answers 429 and 503 (rate limited, or
 * storage still starting) are retried after their retry-after, for at most `patienceMs` in all.
 */
export async function api(
  http: string,
  route: string,
  o: { from: string; token?: string; method?: string; body?: unknown; patienceMs?: number },
): Promise<ApiReply> {
  const deadline = Date.now() + (o.patienceMs ?? 30_000)
  for (;;) {
    const res = await fetch(new URL(route, http), {
      method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
      headers: {
        'x-forwarded-for': o.from,
        ...(o.token && { authorization: `Bearer ${o.token}` }),
      },
      ...(o.body !== undefined && { body: JSON.stringify(o.body) }),
    })
    const type = res.headers.get('content-type') ?? ''
    const body = (type.includes('json') ? await res.json() : {}) as Record<string, unknown>
    if ((res.status === 429 || res.status === 503) && Date.now() < deadline) {
      const after = Number(res.headers.get('retry-after') ?? 1)
      await sleep(Math.min(Math.max(after, 0.2) * 1000, Math.max(0, deadline - Date.now())))
      continue
    }
    return { status: res.status, body, headers: res.headers }
  }
}

/** Signs in with `w` (EIP-4361 over the server's nonce) from `from`; returns the bearer token. */
export async function signInWallet(http: string, w: HDNodeWallet, from: string): Promise<string> {
  const ok = async (route: string, body?: unknown) => {
    const r = await api(http, route, { from, method: 'POST', body, patienceMs: 60_000 })
    if (r.status !== 200) throw new Error(`${route}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  const chain = (await api(http, '/api/chain', { from })).body
  const siwe = chain['siwe'] as { domain: string; uri: string; chainId: number }
  const nonce = (await ok('/api/auth/nonce'))['nonce'] as string
  const message = buildSiweMessage({
    domain: siwe.domain,
    address: w.address,
    uri: siwe.uri,
    version: '1',
    chainId: siwe.chainId,
    nonce,
    issuedAt: new Date().toISOString(),
  })
  const signed = await ok('/api/auth/verify', { message, signature: await w.signMessage(message) })
  return signed['token'] as string
}

/** Waits (bounded) until sign-in is up: /api/chain answers 200 once the registry is loaded. */
export async function chainReady(http: string, ms = 60_000) {
  const deadline = Date.now() + ms
  for (;;) {
    const res = await fetch(new URL('/api/chain', http)).catch(() => null)
    if (res?.status === 200) return
    if (Date.now() > deadline) throw new Error(`/api/chain did not answer 200 within ${ms} ms`)
    await sleep(250)
  }
}

/** The stored grid as the API serves it: raw-deflated codec bytes and the version they are. */
export async function storedVoxels(http: string, world: string, token: string, from: string) {
  const res = await fetch(new URL(`/api/builder/worlds/${world}/voxels`, http), {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': from },
  })
  if (res.status !== 200) throw new Error(`voxels: ${res.status} ${await res.text()}`)
  return {
    bytes: new Uint8Array(await res.arrayBuffer()),
    contentLength: Number(res.headers.get('content-length')),
    version: Number(res.headers.get('x-voxel-version')),
  }
}
