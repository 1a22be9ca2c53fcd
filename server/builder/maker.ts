// Where new builder worlds come from: the templates (templates.ts) and uploaded height maps
// (heightmap.ts), as the HTTP API (http.ts) asks for them.
import { heightmapWorld } from './heightmap'
import type { WorldMaker } from './http'
import { BuilderError } from './store'
import { TEMPLATES, templateWorld, type TemplateId } from './templates'

export const worldMaker: WorldMaker = {
  templates: () => TEMPLATES,
  fromTemplate(template, worldId, title) {
    const known = TEMPLATES.find((t) => t.id === template)
    if (!known) throw new BuilderError('bad_input', `no template "${template}"`)
    return { ...templateWorld(known.id as TemplateId, worldId, title), kind: known.kind }
  },
  fromHeightmap(png, worldId, title, kind) {
    return heightmapWorld(png, { worldId, title, kind: kind as 'village' })
  },
}
