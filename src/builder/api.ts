// The builder's HTTP API from the page (docs/api.md): templates, my worlds, one world's card,
// creating, publishing, inviting and versions. Every answer is checked against its schema.
import { z } from 'zod'
import { ApiError, apiRequest } from '../net/api'

const Title = z.object({ 'zh-CN': z.string(), en: z.string() })

export const WorldCard = z.object({
  worldId: z.string(),
  owner: z.string(),
  builders: z.array(z.string()),
  kind: z.enum(['village', 'town', 'scenic']),
  region: z.string(),
  title: Title,
  status: z.enum(['draft', 'published']),
  version: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  canEdit: z.boolean(),
  isOwner: z.boolean(),
})
export type WorldCard = z.infer<typeof WorldCard>

export const Template = z.object({ id: z.string(), kind: z.string(), name: Title })
export type Template = z.infer<typeof Template>

const Version = z.object({
  version: z.number(),
  createdAt: z.number(),
  createdBy: z.string(),
  note: z.string(),
})
export type WorldVersionInfo = z.infer<typeof Version>

export const DirectoryEntry = z.object({
  worldId: z.string(),
  kind: z.enum(['village', 'town', 'scenic']),
  region: z.string(),
  title: Title,
  owner: z.string(),
  publishedAt: z.number(),
  /** When its thumbnail was last drawn (ms since the epoch); null before the first. */
  thumbnailAt: z.number().nullable(),
  live: z.number(),
  version: z.number(),
})
export type DirectoryEntry = z.infer<typeof DirectoryEntry>
const DirectoryPage = z.object({
  worlds: z.array(DirectoryEntry),
  total: z.number(),
  next: z.string().nullable(),
})
export type DirectoryPage = z.infer<typeof DirectoryPage>

export interface DirectoryQuery {
  q?: string
  kind?: string
  sort?: 'newest' | 'popular'
  cursor?: string
  size?: number
}

export interface NewWorldForm {
  template: string
  region: string
  title: { 'zh-CN': string; en: string }
}

const base = (id: string) => `/api/builder/worlds/${encodeURIComponent(id)}`

/** Sends a file's bytes as the body; the answer checked like every other. */
async function upload(path: string, body: Blob, token: string): Promise<WorldCard> {
  return uploadAs(path, body, token, WorldCard)
}

const Picture = z.object({ pictureId: z.string(), url: z.string() })

async function uploadAs<T extends z.ZodTypeAny>(
  path: string,
  body: Blob,
  token: string,
  schema: T,
): Promise<z.infer<T>> {
  let res: Response
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': body.type || 'application/json',
      },
      body,
    })
  } catch (e) {
    throw new ApiError('network', 0, String(e))
  }
  const answer = (await res.json().catch(() => null)) as { message?: string; error?: string } | null
  if (!res.ok)
    throw new ApiError(
      answer?.error ?? `http_${res.status}`,
      res.status,
      answer?.message ?? res.statusText,
    )
  const parsed = schema.safeParse(answer)
  if (!parsed.success) throw new ApiError('bad_response', res.status, parsed.error.message)
  return parsed.data as z.infer<T>
}

export const builderApi = {
  /** A picture for a point of interest (PNG or JPEG, ≤ 1 MiB, ≤ 2048 px a side). */
  uploadPicture: (worldId: string, file: Blob, token: string) =>
    uploadAs(`${base(worldId)}/pictures`, file, token, Picture),
  /** A world from an exported scene file, or a height map PNG (named by `titleZh`, `titleEn`). */
  importFile: (
    file: Blob,
    form: { kind: string; region: string; titleZh: string; titleEn: string },
    token: string,
  ) => {
    const q = new URLSearchParams(form)
    const png = file.type === 'image/png'
    return upload(`/api/builder/${png ? 'worlds' : 'import'}?${q}`, file, token)
  },
  /** The world as a scene file with its grid (a download). */
  exportFile: async (id: string, token: string): Promise<Blob> => {
    const res = await fetch(`${base(id)}/export`, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new ApiError(`http_${res.status}`, res.status, res.statusText)
    return res.blob()
  },
  directory: (query: DirectoryQuery, signal?: AbortSignal) => {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== '') params.set(k, String(v))
    return apiRequest(DirectoryPage, `/api/builder/directory?${params}`, { signal })
  },
  templates: (signal?: AbortSignal) =>
    apiRequest(z.object({ templates: z.array(Template) }), '/api/builder/templates', { signal }),
  mine: (token: string, signal?: AbortSignal) =>
    apiRequest(z.object({ worlds: z.array(WorldCard) }), '/api/builder/worlds', { token, signal }),
  world: (id: string, token?: string, signal?: AbortSignal) =>
    apiRequest(WorldCard, base(id), { token, signal }),
  create: (form: NewWorldForm, token: string) =>
    apiRequest(WorldCard, '/api/builder/worlds', { method: 'POST', body: form, token }),
  publish: (id: string, published: boolean, token: string) =>
    apiRequest(WorldCard, `${base(id)}/publish`, { method: 'POST', body: { published }, token }),
  builder: (id: string, address: string, add: boolean, token: string) =>
    apiRequest(WorldCard, `${base(id)}/builders`, {
      method: 'POST',
      body: { address, add },
      token,
    }),
  versions: (id: string, token: string) =>
    apiRequest(z.object({ versions: z.array(Version) }), `${base(id)}/versions`, { token }),
}
