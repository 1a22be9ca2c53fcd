// Exhibit pictures as textures. An image from untrusted metadata is loaded only from an http(s)
// or data:image/ URL, through a plain <img> element (which cannot run script, even for SVG),
// then drawn into a canvas of bounded size: that caps GPU memory, gives SVG a raster size,
// keeps pixel art crisp (whole-texel upscaling, nearest filtering) and greys veiled exhibits.
// Shared and reference-counted per (URL, size, veil) in a SharedCache. Browser only; main thread.
import {
  CanvasTexture,
  LinearFilter,
  LinearMipmapLinearFilter,
  NearestFilter,
  SRGBColorSpace,
} from 'three'
import { SharedCache, useShared } from './sharedCache'

export interface TextureRequest {
  url: string
  /** Longest side of the texture, pixels. */
  maxSide: number
  /** Greyed and lightened: an exhibit that is not (or no longer) verified. */
  veiled: boolean
  /** Block Park: nearest filtering for every picture. */
  pixelWorld: boolean
}

export type TextureEntry =
  | { status: 'loading' }
  | { status: 'error' }
  | { status: 'ready'; texture: CanvasTexture; aspect: number; bytes: number }

/** Images at most this big on their longest side are pixel art: upscaled by whole texels. */
export const PIXEL_ART_MAX = 128
const LOAD_TIMEOUT_MS = 20_000
/** A texture nobody shows any more is kept this long (a layout change often brings it back). */
const KEEP_MS = 30_000

/** Only URLs a plain image may load: http(s) and data:image/ (no javascript:, no blob:). */
export function loadableUrl(url: string): boolean {
  return /^(https?:\/\/|data:image\/)/i.test(url)
}

/**
 * The canvas size for an image of natural size w×h: pixel art grows by a whole factor (crisp),
 * SVG renders at the full size, large images shrink to fit, everything else stays as it is.
 */
export function rasterPlan(
  w: number,
  h: number,
  maxSide: number,
  vector: boolean,
): { width: number; height: number; pixelArt: boolean } {
  const cap = Math.max(16, Math.floor(maxSide))
  if (!(w > 0 && h > 0)) {
    // An SVG without an intrinsic size: render it square.
    return { width: cap, height: cap, pixelArt: false }
  }
  const longest = Math.max(w, h)
  if (vector) {
    const k = cap / longest
    return {
      width: Math.max(1, Math.round(w * k)),
      height: Math.max(1, Math.round(h * k)),
      pixelArt: false,
    }
  }
  if (longest <= PIXEL_ART_MAX) {
    const k = Math.max(1, Math.floor(cap / longest))
    return { width: w * k, height: h * k, pixelArt: true }
  }
  const k = Math.min(1, cap / longest)
  return {
    width: Math.max(1, Math.round(w * k)),
    height: Math.max(1, Math.round(h * k)),
    pixelArt: false,
  }
}

/** GPU bytes of an RGBA8 texture, with its mipmap chain (a third more). */
export function textureBytes(width: number, height: number, mipmaps = true): number {
  return Math.ceil(width * height * 4 * (mipmaps ? 4 / 3 : 1))
}

/**
 * The longest texture side that keeps `count` exhibits within a space's texture budget (MB): a
 * power of two between 64 and `ceiling` pixels.
 */
export function maxTextureSide(budgetMB: number, count: number, ceiling = 1024): number {
  const perExhibit = (budgetMB * 1024 * 1024) / Math.max(1, count)
  const side = Math.floor(Math.sqrt(perExhibit / (4 * (4 / 3))))
  // Powers of two: one exhibit more or less rarely changes the size (and reloads every picture).
  return Math.max(64, Math.min(ceiling, 2 ** Math.floor(Math.log2(Math.max(1, side)))))
}

/**
 * The veil over a drawn picture (or a model's texture): drain the colour, then wash it out:
 * recognisable, never mistaken for a verified piece.
 */
export function veilCanvas(ctx: CanvasRenderingContext2D, width: number, height: number): void {
  ctx.globalCompositeOperation = 'saturation'
  ctx.fillStyle = 'hsl(0, 0%, 50%)'
  ctx.fillRect(0, 0, width, height)
  ctx.globalCompositeOperation = 'source-over'
  ctx.fillStyle = 'rgba(236, 236, 236, 0.45)'
  ctx.fillRect(0, 0, width, height)
}

const isVectorUrl = (url: string) => /^data:image\/svg\+xml[;,]/i.test(url)

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = document.createElement('img')
    // A cross-origin image must allow CORS, or WebGL could not use it anyway.
    if (!url.startsWith('data:')) img.crossOrigin = 'anonymous'
    img.referrerPolicy = 'no-referrer'
    img.decoding = 'async'
    const timer = setTimeout(() => {
      img.src = ''
      reject(new Error('image timed out'))
    }, LOAD_TIMEOUT_MS)
    img.onload = () => {
      clearTimeout(timer)
      resolve(img)
    }
    img.onerror = () => {
      clearTimeout(timer)
      reject(new Error('image failed to load'))
    }
    img.src = url
  })
}

async function rasterize(req: TextureRequest): Promise<TextureEntry> {
  if (!loadableUrl(req.url)) return { status: 'error' }
  const img = await loadImage(req.url)
  const plan = rasterPlan(img.naturalWidth, img.naturalHeight, req.maxSide, isVectorUrl(req.url))
  const canvas = document.createElement('canvas')
  canvas.width = plan.width
  canvas.height = plan.height
  const ctx = canvas.getContext('2d')
  if (!ctx) return { status: 'error' }
  ctx.imageSmoothingEnabled = !plan.pixelArt
  ctx.drawImage(img, 0, 0, plan.width, plan.height)
  if (req.veiled) veilCanvas(ctx, plan.width, plan.height)
  // A canvas that cannot be read back cannot be uploaded either (a tainting SVG).
  ctx.getImageData(0, 0, 1, 1)
  const texture = new CanvasTexture(canvas)
  texture.colorSpace = SRGBColorSpace
  texture.magFilter = plan.pixelArt || req.pixelWorld ? NearestFilter : LinearFilter
  texture.minFilter = LinearMipmapLinearFilter
  texture.generateMipmaps = true
  texture.anisotropy = 4
  texture.needsUpdate = true
  return {
    status: 'ready',
    texture,
    aspect: plan.width / plan.height,
    bytes: textureBytes(plan.width, plan.height),
  }
}

const LOADING: TextureEntry = { status: 'loading' }

export const textureKey = (r: TextureRequest) =>
  `${r.veiled ? 'v' : 'c'}${r.pixelWorld ? 'p' : 's'}${Math.floor(r.maxSide)}|${r.url}`

const textures = new SharedCache<TextureRequest, TextureEntry>({
  key: textureKey,
  load: rasterize,
  loading: LOADING,
  failed: () => ({ status: 'error' }),
  dispose: (e) => {
    if (e.status === 'ready') e.texture.dispose()
  },
  keepMs: KEEP_MS,
})

/** The texture for a picture (loading, ready or failed); null asks for none. */
export function useExhibitTexture(req: TextureRequest | null): TextureEntry | null {
  return useShared(textures, req)
}

/** Sum of the GPU bytes of every texture loaded now (for tests and the dev hook). */
export function loadedTextureBytes(): number {
  let sum = 0
  for (const e of textures.entries()) if (e.status === 'ready') sum += e.bytes
  return sum
}
