// Janus' HMAC-signed tokens (token_auth with token_auth_secret): `<expiry s>,janus,<plugin>…`
// followed by ':' and the base64 HMAC-SHA1 of that text with the secret, as Janus 1.1 checks
// them (src/auth.c). Only this server holds the secret: a token it did not sign, or one past its
// expiry, opens no session on the media server.
import { createHmac } from 'node:crypto'

export const VIDEOROOM = 'janus.plugin.videoroom'
export const STREAMING = 'janus.plugin.streaming'

/** A token for `plugins`, valid for `seconds` from `now` (ms). */
export function signJanusToken(
  secret: string,
  plugins: readonly string[],
  seconds: number,
  now = Date.now(),
): string {
  const expiry = Math.floor(now / 1000) + seconds
  const data = [String(expiry), 'janus', ...plugins].join(',')
  return `${data}:${createHmac('sha1', secret).update(data).digest('base64')}`
}
