// What the page's figures are doing, for tests (window.__cq.avatars): a module of its own so
// that the figures (Avatar.tsx) and their contact shadows (ContactShadows.tsx) both write it
// without importing each other.

/** Avatar files worn in this page now, and contact shadows drawn in the last frame. */
export const figureStats = { vrmWorn: 0, shadows: 0 }
