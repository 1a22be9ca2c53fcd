// The pictures builders upload: PNG and JPEG by their bytes, bounded, broken files refused.
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { inspectPicture, MAX_PICTURE_BYTES } from './picture'

function png(width: number, height: number): Buffer {
  const image = new PNG({ width, height })
  image.data.fill(200)
  return PNG.sync.write(image)
}

/** A JPEG's markers as far as the check reads them: SOI, an APP0, a baseline frame header, EOI. */
function jpeg(width: number, height: number, end = true): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]
  const sof = [
    0xff,
    0xc0,
    0x00,
    0x0b,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    1,
    1,
    0x11,
    0,
  ]
  return Buffer.from([0xff, 0xd8, ...app0, ...sof, ...(end ? [0xff, 0xd9] : [])])
}

describe('inspectPicture', () => {
  it('knows a PNG and a JPEG by their bytes, with their size', () => {
    expect(inspectPicture(png(40, 30), 'image/png')).toEqual({
      type: 'image/png',
      width: 40,
      height: 30,
    })
    expect(inspectPicture(jpeg(640, 480), 'image/jpeg; charset=x')).toEqual({
      type: 'image/jpeg',
      width: 640,
      height: 480,
    })
  })

  it('refuses what is not what it says, too big, or broken, saying why', () => {
    expect(() => inspectPicture(png(4, 4), 'image/jpeg')).toThrow(/bytes are a PNG/)
    expect(() => inspectPicture(jpeg(4, 4), 'image/png')).toThrow(/not a PNG/)
    expect(() => inspectPicture(png(4, 4), 'image/svg+xml')).toThrow(/image\/png or image\/jpeg/)
    expect(() => inspectPicture(new Uint8Array(0), 'image/png')).toThrow(/empty/)
    expect(() => inspectPicture(new Uint8Array(MAX_PICTURE_BYTES + 1), 'image/png')).toThrow(
      /at most/,
    )
    // A small file that claims a huge image is refused before anything is decoded.
    const huge = png(4, 4)
    huge.writeUInt32BE(5000, 16)
    expect(() => inspectPicture(huge, 'image/png')).toThrow(/5000×4: at most 2048/)
    const cut = png(16, 16).subarray(0, 50)
    expect(() => inspectPicture(cut, 'image/png')).toThrow(/broken PNG/)
    expect(() => inspectPicture(jpeg(4000, 10), 'image/jpeg')).toThrow(/at most 2048/)
    expect(() => inspectPicture(jpeg(10, 10, false), 'image/jpeg')).toThrow(/does not end/)
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])
    expect(() => inspectPicture(noFrame, 'image/jpeg')).toThrow(/without a frame header/)
  })
})
