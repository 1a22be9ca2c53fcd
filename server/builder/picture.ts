// Pictures builders upload for their points of interest: PNG or JPEG, at most MAX_PICTURE_BYTES
// and MAX_PICTURE_SIDE pixels a side. A PNG is decoded whole (its checksums and data must hold);
// a JPEG's markers are walked to its frame header and its end (browsers decode it; the server
// serves it with its exact type and nosniff). Anything else is refused with what was wrong.
import { PNG } from 'pngjs'
import { BuilderError } from './store'

export const MAX_PICTURE_BYTES = 1024 * 1024
export const MAX_PICTURE_SIDE = 2048
/** Pictures one world keeps (its points of interest hold at most 64). */
export const MAX_WORLD_PICTURES = 64

/** Where a world's picture is served (a point of interest names it so). */
export const pictureUrl = (worldId: string, pictureId: string) =>
  `/api/builder/worlds/${worldId}/pictures/${pictureId}`

export type PictureType = 'image/png' | 'image/jpeg'

export interface PictureInfo {
  type: PictureType
  width: number
  height: number
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

const bad = (why: string) => new BuilderError('bad_input', `the picture ${why}`)

function checkSize(width: number, height: number) {
  if (width < 1 || height < 1) throw bad('has no pixels')
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE)
    throw bad(`is ${width}×${height}: at most ${MAX_PICTURE_SIDE} pixels a side`)
}

function inspectPng(bytes: Buffer): PictureInfo {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR')
    throw bad('is not a PNG file')
  const width = bytes.readUInt32BE(16)
  const height = bytes.readUInt32BE(20)
  // The size first: a small file may claim a huge image.
  checkSize(width, height)
  try {
    PNG.sync.read(bytes)
  } catch (err) {
    throw bad(`is a broken PNG (${(err as Error).message})`)
  }
  return { type: 'image/png', width, height }
}

/** Start-of-frame markers (baseline, progressive, lossless…), not DHT (C4), JPG (C8), DAC (CC). */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

function inspectJpeg(bytes: Buffer): PictureInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw bad('is not a JPEG file')
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
    throw bad('is a JPEG that does not end (cut short?)')
  let at = 2
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) throw bad('is a broken JPEG (a marker is missing)')
    const marker = bytes[at + 1]!
    if (marker === 0xff) {
      at++ // fill byte
      continue
    }
    const length = bytes.readUInt16BE(at + 2)
    if (length < 2 || at + 2 + length > bytes.length)
      throw bad('is a broken JPEG (a segment runs past its end)')
    if (SOF.has(marker)) {
      if (length < 7) throw bad('is a broken JPEG (a short frame header)')
      const height = bytes.readUInt16BE(at + 5)
      const width = bytes.readUInt16BE(at + 7)
      checkSize(width, height)
      return { type: 'image/jpeg', width, height }
    }
    if (marker === 0xda) break // the scan began before any frame header
    at += 2 + length
  }
  throw bad('is a JPEG without a frame header')
}

/** What the bytes are, by their content (the declared type must agree); throws BuilderError. */
export function inspectPicture(bytes: Uint8Array, declared: string): PictureInfo {
  if (bytes.length === 0) throw bad('is empty')
  if (bytes.length > MAX_PICTURE_BYTES)
    throw bad(`is ${bytes.length} bytes: at most ${MAX_PICTURE_BYTES}`)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const isPng = buf.subarray(0, 8).equals(PNG_SIGNATURE)
  const type = declared.split(';')[0]!.trim().toLowerCase()
  if (type !== 'image/png' && type !== 'image/jpeg')
    throw bad(`must be image/png or image/jpeg, not "${clipType(type)}"`)
  if (isPng !== (type === 'image/png'))
    throw bad(`is sent as ${type} but its bytes are ${isPng ? 'a PNG' : 'not a PNG'}`)
  return isPng ? inspectPng(buf) : inspectJpeg(buf)
}

const clipType = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t)
