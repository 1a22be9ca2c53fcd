// Pictures builders upload for their points of interest: PNG or JPEG, at most MAX_PICTURE_BYTES
// and MAX_PICTURE_SIDE pixels a side. A PNG is decoded whole (its checksums and data must hold);
// a JPEG's markers are walked to its frame header (src/protocol/imageSize.ts, which the avatar
// check shares) and its end is checked (browsers decode it; the server serves it with its exact
// type and nosniff). Anything else is refused with what was wrong.
import { PNG } from 'pngjs'
import { imageSize, isPng } from '../../src/protocol/imageSize'
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

const bad = (why: string) => new BuilderError('bad_input', `the picture ${why}`)

function checkSize(width: number, height: number) {
  if (width < 1 || height < 1) throw bad('has no pixels')
  if (width > MAX_PICTURE_SIDE || height > MAX_PICTURE_SIDE)
    throw bad(`is ${width}×${height}: at most ${MAX_PICTURE_SIDE} pixels a side`)
}

function inspectPng(bytes: Buffer): PictureInfo {
  const size = imageSize(bytes)
  if ('error' in size) throw bad('is not a PNG file')
  // The size first: a small file may claim a huge image.
  checkSize(size.width, size.height)
  try {
    PNG.sync.read(bytes)
  } catch (err) {
    throw bad(`is a broken PNG (${(err as Error).message})`)
  }
  return { type: 'image/png', width: size.width, height: size.height }
}

function inspectJpeg(bytes: Buffer): PictureInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) throw bad('is not a JPEG file')
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
    throw bad('is a JPEG that does not end (cut short?)')
  const size = imageSize(bytes)
  if ('error' in size) {
    if (size.error === 'broken' && size.detail === 'no frame header')
      throw bad('is a JPEG without a frame header')
    throw bad(`is a broken JPEG (${size.error === 'broken' ? size.detail : 'a marker is missing'})`)
  }
  checkSize(size.width, size.height)
  return { type: 'image/jpeg', width: size.width, height: size.height }
}

/** What the bytes are, by their content (the declared type must agree); throws BuilderError. */
export function inspectPicture(bytes: Uint8Array, declared: string): PictureInfo {
  if (bytes.length === 0) throw bad('is empty')
  if (bytes.length > MAX_PICTURE_BYTES)
    throw bad(`is ${bytes.length} bytes: at most ${MAX_PICTURE_BYTES}`)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const png = isPng(bytes)
  const type = declared.split(';')[0]!.trim().toLowerCase()
  if (type !== 'image/png' && type !== 'image/jpeg')
    throw bad(`must be image/png or image/jpeg, not "${clipType(type)}"`)
  if (png !== (type === 'image/png'))
    throw bad(`is sent as ${type} but its bytes are ${png ? 'a PNG' : 'not a PNG'}`)
  return png ? inspectPng(buf) : inspectJpeg(buf)
}

const clipType = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t)
