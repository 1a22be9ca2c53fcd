// The browser tests drive the same Chromium, started the same way, as the server's own pages.
export { CHROMIUM_ARGS, chromiumPath, chromiumProblem } from '../server/headless/chromium'
