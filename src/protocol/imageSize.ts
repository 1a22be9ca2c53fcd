// The type and pixel size of a PNG or JPEG from its header, without decoding it. Pure: the
// server's picture uploads (server/builder/picture.ts) and the avatar check
// (src/avatar/vrmCheck.ts) read untrusted images' sizes with it before anything decodes them.

export type ImageType = 'image/png' | 'image/jpeg'

export interface ImageSize {
  type: ImageType
  width: number
  height: number
}

/** Why a header cannot be read: not a PNG or JPEG at all, or a broken or cut one (`detail`). */
export type ImageSizeError =
  { error: 'unknown' } | { error: 'broken'; type: ImageType; detail: string }

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

/** Start-of-frame markers (baseline, progressive, lossless…), not DHT (C4), JPG (C8), DAC (CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

export const isPng = (bytes: Uint8Array) =>
  bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
export const isJpeg = (bytes: Uint8Array) =>
  bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff

/** A PNG's IHDR size, or a JPEG's frame header size (its markers walked up to the frame). */
export function imageSize(bytes: Uint8Array): ImageSize | ImageSizeError {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isPng(bytes)) {
    const ihdr = bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR'
    if (!ihdr) return { error: 'broken', type: 'image/png', detail: 'no IHDR header' }
    return { type: 'image/png', width: view.getUint32(16), height: view.getUint32(20) }
  }
  if (!isJpeg(bytes)) return { error: 'unknown' }
  const broken = (detail: string): ImageSizeError => ({
    error: 'broken',
    type: 'image/jpeg',
    detail,
  })
  let at = 2
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return broken('a marker is missing')
    const marker = bytes[at + 1]!
    if (marker === 0xff) {
      at++ // fill byte
      continue
    }
    const length = view.getUint16(at + 2)
    if (length < 2 || at + 2 + length > bytes.length) return broken('a segment runs past its end')
    if (SOF.has(marker)) {
      if (length < 7) return broken('a short frame header')
      return { type: 'image/jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) }
    }
    if (marker === 0xda) break // the scan began before any frame header
    at += 2 + length
  }
  return broken('no frame header')
}
