// Token metadata: from the URI a contract returns to plain text and one safe image URL.
//
// Everything here is untrusted input chosen by whoever deployed or minted the token: the URI
// may point anywhere, the document may be huge, slow, not JSON or full of markup, and the image
// may be a script. So: only http(s) (plain http to loopback only), ipfs (through configured
// gateways) and data: URIs are read; loopback and private addresses only for a chain the
// registry marks `local` (the server also resolves host names and checks every address, see
// server/pinnedFetch.ts); bodies are read as a stream and cut off past `maxBytes`;
// every attempt has a timeout; names and descriptions come out as plain text that the UI
// renders as text (never as HTML); an image comes out only as an http(s), gateway or
// data:image/ URL, which the client shows through <img> or a texture, never inlined; a 3D
// model only as an http(s), gateway or data:model/gltf… URL of a glTF 2.0 file.
//
// Isomorphic: fetch, AbortController, TextDecoder, atob/btoa and crypto.subtle only.
//
// One module by job: uri.ts (which URIs may be read, and where from), bytes.ts (data: URLs,
// base64, hashes), fetch.ts (reading the document) and sanitize.ts (what the UI may show).
// This index is the public surface: callers import the folder, never a file in it.
export { substituteId, resolveUri, uriUnderBase, type GatewayOptions } from './uri'
export {
  ADDRESS_REFUSED,
  METADATA_MAX_BYTES,
  METADATA_MAX_REDIRECTS,
  METADATA_TIMEOUT_MS,
  fetchFile,
  fetchMetadata,
  type FetchFileOptions,
  type FetchFileResult,
  type FetchMetadataOptions,
  type FetchMetadataResult,
  type MetadataFailure,
} from './fetch'
export {
  DESCRIPTION_MAX_CHARS,
  IMAGE_DATA_URL_MAX,
  MODEL_DATA_URL_MAX,
  MODEL_TYPES,
  NAME_MAX_CHARS,
  cleanMultilineText,
  isAvatarModelUrl,
  sanitizeMetadata,
  type SanitizedMetadata,
} from './sanitize'
