// Bench-only server entry, to measure server changes before anyone makes them: the product's
// server/main.ts with these overrides (used when NET_ENCODER_KB or NET_PATCH_MS is set).
//
// NET_ENCODER_KB: @colyseus/schema's encode buffer size. In 3.0.76 a patch that outgrows
// Encoder.BUFFER_SIZE (8 KB by default) is re-encoded into a bigger buffer that encodeView and
// encodeAllView then ignore: the client being encoded at that moment gets a truncated patch, and
// every joining client a truncated full state once the shared state passes 8 KB.
// NET_PATCH_MS: the rooms' patch interval instead of PATCH_MS.
import { Room } from '@colyseus/core'
import { Encoder } from '@colyseus/schema'

const encoderKB = Number(process.env.NET_ENCODER_KB || 0)
if (encoderKB > 0) Encoder.BUFFER_SIZE = encoderKB * 1024

const patchMs = Number(process.env.NET_PATCH_MS || 0)
if (patchMs > 0) {
  const setPatchRate = Room.prototype.setPatchRate
  Room.prototype.setPatchRate = function (this: Room) {
    setPatchRate.call(this, patchMs)
  }
}

await import('../../server/main')
