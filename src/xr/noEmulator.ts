// Stands in for @pmndrs/xr's emulator module in the build (vite.config.ts, noXrEmulator): the
// client never injects an emulated headset, so iwer and its synthetic rooms are not shipped.
export function emulate(): never {
  throw new Error('The WebXR emulator is not part of this build')
}
