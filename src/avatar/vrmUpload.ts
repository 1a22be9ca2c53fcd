// Uploading a visitor's own avatar file (VRM) to the server (docs/api.md, Avatars). Kept apart
// from the loader (vrm.ts) so that an upload form does not pull three-vrm in. Browser (tests
// run it in Node with an origin). The file is checked here first, so a refusal needs no trip.
import { z } from 'zod'
import { checkVrm, VRM_MAX_BYTES } from './vrmCheck'
import { VrmId } from '../protocol/avatar'

/** Where the server keeps an uploaded avatar file (the only place avatars are loaded from). */
export const vrmUrl = (id: string) => `/api/avatars/vrm/${id}`

const Accepted = z.object({ id: VrmId })
const Refused = z.object({
  error: z.string(),
  message: z.string().optional(),
  retryAfterS: z.number().optional(),
})

export type VrmUpload =
  | { id: string }
  /** `code`: the server's error code (docs/api.md), or bad_vrm / too_large from the check
   * here, network when the server was not reached. `message` is shown as it is. */
  | { error: string; code: string; retryAfterS?: number }

/** Checks and uploads a VRM file as the signed-in visitor (`token`); its id, or why not. */
export async function uploadVrm(file: Blob, token: string, origin = ''): Promise<VrmUpload> {
  if (file.size > VRM_MAX_BYTES) {
    return { code: 'too_large', error: `the file is over ${VRM_MAX_BYTES / 1024 / 1024} MiB` }
  }
  const bytes = new Uint8Array(await file.arrayBuffer())
  const check = checkVrm(bytes)
  if (!check.ok) return { code: 'bad_vrm', error: `not an avatar file we load: ${check.reason}` }
  let res: Response
  try {
    res = await fetch(`${origin}/api/avatars/vrm`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'model/gltf-binary' },
      body: bytes,
      signal: AbortSignal.timeout(60_000),
    })
  } catch (e) {
    return { code: 'network', error: String(e).slice(0, 200) }
  }
  const body: unknown = await res.json().catch(() => null)
  if (res.ok) {
    const ok = Accepted.safeParse(body)
    return ok.success
      ? { id: ok.data.id }
      : { code: 'bad_response', error: 'the server answered something else' }
  }
  const refused = Refused.safeParse(body)
  if (!refused.success) return { code: `http_${res.status}`, error: `HTTP ${res.status}` }
  const { error, message, retryAfterS } = refused.data
  return {
    code: error,
    error: (message ?? error).slice(0, 200),
    ...(retryAfterS !== undefined && { retryAfterS }),
  }
}
