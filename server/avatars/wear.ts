// Wearing a collectible as one's avatar (docs/api.md, POST /api/avatars/collectible): the server
// checks on the chain, now, that the signed-in address holds the verified token, reads the VRM
// its metadata names through the metadata's safe fetchers, checks the file
// (src/avatar/vrmCheck.ts), stores it as the token's and grants that address the right to wear
// it. The transfer watcher ends the grant when the token moves away: the kept look loses the
// file, and every room (on every process, through presence) takes it off the former holder.
import { getAddress, isAddress } from 'ethers'
import { z } from 'zod'
import type { TransferLog } from '../../src/chain/evm'
import { ChainUnavailableError, type Collectible } from '../../src/chain/types'
import { checkVrm, VRM_MAX_BYTES, type VrmVersion } from '../../src/avatar/vrmCheck'
import type { CollectibleService } from '../collectibles'
import { HttpRefusal } from '../httpKit'
import { clip, errorField, log as processLog, type Logger } from '../log'
import type { LookStore } from './looks'
import type { AvatarGrant, AvatarStore, AvatarToken } from './store'

/** Presence channel of ended grants: `{address, id}` (every process's rooms listen). */
export const GRANT_ENDED_CHANNEL = 'cq:avatars:grant-ended'

export interface GrantEnded {
  address: string
  id: string
}

/** How long reading a collectible's model may take, per gateway, ms. */
export const MODEL_TIMEOUT_MS = 20_000

/** What the body of POST /api/avatars/collectible names. */
export const WearRequest = z
  .object({
    chainId: z.number().int().positive(),
    contract: z.string().min(1).max(128),
    tokenId: z.string().regex(/^\d{1,78}$/, 'a token id is a decimal string'),
  })
  .strict()

export interface Worn {
  id: string
  url: string
  version: VrmVersion
  name: string
  token: AvatarToken
}

export interface CollectibleAvatarsDeps {
  store: AvatarStore
  looks: LookStore
  collectibles: Pick<CollectibleService, 'verify' | 'readFile' | 'onTransfer'>
  /** Tells every process's rooms that a grant ended. */
  publish: (ended: GrantEnded) => Promise<void>
  log?: Logger
}

export class CollectibleAvatars {
  private readonly log: Logger

  constructor(private readonly deps: CollectibleAvatarsDeps) {
    this.log = deps.log ?? processLog
  }

  /** Wears the collectible `body` names for `address`; refusals are HttpRefusal. */
  async wear(address: string, body: unknown): Promise<Worn> {
    const parsed = WearRequest.safeParse(body)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = issue?.path.join('.') || 'body'
      throw new HttpRefusal(
        400,
        'bad_request',
        `${where}: ${issue?.message ?? 'invalid'} (send {chainId, contract, tokenId})`,
      )
    }
    let item: Collectible
    try {
      item = await this.deps.collectibles.verify(address, parsed.data)
    } catch (err) {
      if (!(err instanceof ChainUnavailableError)) throw err
      throw new HttpRefusal(503, 'chain_unavailable', clip(err.message, 300), 10)
    }
    if (!item.verified) {
      throw new HttpRefusal(
        403,
        'not_verified',
        `this wallet's collectible is not verified now: ${item.reasons.join(', ') || 'unknown'}`,
        undefined,
        { reasons: item.reasons },
      )
    }
    if (!item.model || !item.avatar) {
      throw new HttpRefusal(422, 'no_avatar', 'this collectible has no VRM avatar model')
    }
    const got = await this.deps.collectibles.readFile(item.chainId, item.model, {
      maxBytes: VRM_MAX_BYTES,
      timeoutMs: MODEL_TIMEOUT_MS,
      accept: 'model/gltf-binary, */*;q=0.1',
    })
    if (!got.ok && got.reason === 'unavailable') {
      throw new HttpRefusal(
        503,
        'model_unavailable',
        `its avatar model could not be read now: ${clip(got.detail, 200)}`,
        30,
      )
    }
    if (!got.ok) {
      throw new HttpRefusal(422, 'bad_vrm', `its avatar model is refused: ${clip(got.detail, 200)}`)
    }
    const check = checkVrm(got.bytes)
    if (!check.ok) {
      throw new HttpRefusal(
        422,
        'bad_vrm',
        `its model is not an avatar file we load: ${check.reason}`,
      )
    }
    const token = { chainId: item.chainId, contract: item.contract, tokenId: item.tokenId }
    const id = await this.deps.store.addCollectible(address, token, got.bytes)
    this.log.info({ address, ...token, id }, 'collectible avatar granted')
    return { id, url: `/api/avatars/vrm/${id}`, version: check.version, name: check.name, token }
  }

  /** Ends the grants the watcher's transfers took away; returns the unsubscribe. */
  watch(): () => void {
    return this.deps.collectibles.onTransfer((t) => {
      this.transferred(t).catch((err: unknown) =>
        this.log.error({ error: errorField(err) }, 'ending collectible avatar grants failed'),
      )
    })
  }

  /**
   * A transfer out of an address that holds a grant for one of the tokens: the token is checked
   * again for that address now (an ERC-1155 holder may keep some, a token may have come back);
   * the grant ends unless it still verifies, or when the chain cannot say.
   */
  async transferred(t: TransferLog & { chainId: number }): Promise<void> {
    if (!isAddress(t.from)) return
    const from = getAddress(t.from)
    const grants = await this.deps.store.grantsOf(
      from,
      { chainId: t.chainId, contract: t.contract },
      t.tokenIds,
    )
    for (const grant of grants) {
      const still = await this.deps.collectibles
        .verify(from, grant)
        .then((item) => item.verified)
        .catch(() => false)
      if (!still) await this.end(grant)
    }
  }

  private async end(grant: AvatarGrant): Promise<void> {
    if (!(await this.deps.store.endGrant(grant))) return
    this.log.info({ ...grant }, 'collectible avatar grant ended: the token moved')
    // Another token of the same file may still let the address wear it.
    if (await this.deps.store.mayWear(grant.address, grant.id)) return
    await this.deps.looks.dropVrm(grant.address, grant.id)
    await this.deps.publish({ address: grant.address, id: grant.id })
  }
}
