// Pixel art of the demo collections, drawn here as 16×16 character grids (one character per
// pixel, '.' is the background) and rendered to plain SVG: one <rect> per horizontal run of a
// colour. Deterministic (the same bytes every run, so metadata hashes can be pinned), and the
// SVG holds only <svg> and <rect> elements with fill attributes: no scripts, no event handlers,
// no links, no text.
//
// It is one file because most of it is the pixel grids themselves; the SVG renderer is a few lines
// beside them.

export interface PixelArt {
  /** Colour behind '.' pixels. */
  background: string
  /** Character → colour for this picture, on top of the shared palette. */
  palette?: Readonly<Record<string, string>>
  /** 16 rows of 16 characters. */
  rows: readonly string[]
}

export const GRID = 16

const SHARED: Readonly<Record<string, string>> = {
  k: '#3b3f4a', // roof tiles
  r: '#c8312b', // lacquer red
  R: '#8e1f1a', // dark red
  y: '#f2c14e', // gold
  g: '#6aa84f', // grass
  G: '#4a7f36', // dark grass
  s: '#b9b4a8', // stone
  S: '#8f8a7e', // dark stone
  w: '#f4efe4', // white wall, marble
  b: '#4f7fc4', // blue
  B: '#2f5597', // deep blue
  p: '#f4a6c0', // blossom
  P: '#e06b93', // deep blossom
  d: '#7a4a2a', // wood
  c: '#f6e7c8', // paper
  o: '#d9a43a', // badge gold rim
  n: '#1d2a4d', // night
}

const SKY = '#bfe3f5'
const NIGHT = '#1d2a4d'
const PAPER = '#efe6d2'

function fill(art: PixelArt, ch: string): string {
  if (ch === '.') return art.background
  const colour = art.palette?.[ch] ?? SHARED[ch]
  if (!colour) throw new Error(`no colour for "${ch}"`)
  return colour
}

/** Checks the grid shape and that every character has a colour. */
export function checkArt(name: string, art: PixelArt): void {
  if (art.rows.length !== GRID) throw new Error(`${name}: ${art.rows.length} rows, not ${GRID}`)
  art.rows.forEach((row, y) => {
    if (row.length !== GRID) throw new Error(`${name}: row ${y} has ${row.length} pixels`)
    for (const ch of row) {
      try {
        fill(art, ch)
      } catch (err) {
        throw new Error(`${name}: row ${y}: ${(err as Error).message}`, { cause: err })
      }
    }
  })
}

/** The picture as an SVG document (UTF-8 text), scaled to 320 px with crisp pixel edges. */
export function renderSvg(art: PixelArt): string {
  const rects: string[] = []
  art.rows.forEach((row, y) => {
    let x = 0
    while (x < row.length) {
      const ch = row[x] as string
      let end = x + 1
      while (end < row.length && row[end] === ch) end += 1
      if (ch !== '.') {
        rects.push(
          `<rect x="${x}" y="${y}" width="${end - x}" height="1" fill="${fill(art, ch)}"/>`,
        )
      }
      x = end
    }
  })
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${GRID} ${GRID}" width="320" height="320" shape-rendering="crispEdges">` +
    `<rect width="${GRID}" height="${GRID}" fill="${art.background}"/>` +
    rects.join('') +
    '</svg>'
  )
}

/** The colour of each pixel, for previews and tests. */
export function pixelColours(art: PixelArt): string[][] {
  return art.rows.map((row) => [...row].map((ch) => fill(art, ch)))
}

// ---- Block Park Pixels: scenes of the Block Park villages ------------------------------------

export const VILLAGE_GATE: PixelArt = {
  background: SKY,
  rows: [
    '................',
    '................',
    '..kkkkkkkkkkkk..',
    '.kkkkkkkkkkkkkk.',
    'k.rrrrrrrrrrrr.k',
    '..r..yyyyyy..r..',
    '..r..yyyyyy..r..',
    '.kkkkkkkkkkkkkk.',
    'k.rrrrrrrrrrrr.k',
    '..r..........r..',
    '..r..........r..',
    '..r..........r..',
    '..r..........r..',
    '.sss........sss.',
    'gggggggggggggggg',
    'ggGgggggggGggggg',
  ],
}

export const PEACH_TREE: PixelArt = {
  background: SKY,
  rows: [
    '................',
    '.....pppppp.....',
    '...pppPppppPp...',
    '..ppPpppppppPp..',
    '.pppppPpppPpppp.',
    '.ppPpppppppppPp.',
    '..ppppPpppPppp..',
    '...pppppdpppp...',
    '.....ppddpp.....',
    '.......dd.......',
    '.......dd.......',
    '......dddd......',
    'gggggggggggggggg',
    'ggGggggggGgggggg',
    'gggggGgggggggGgg',
    'gggggggggggggggg',
  ],
}

export const PAGODA: PixelArt = {
  background: SKY,
  rows: [
    '.......yy.......',
    '.......yy.......',
    '.....kkkkkk.....',
    '....k.rrrr.k....',
    '......rwwr......',
    '...kkkkkkkkkk...',
    '..k..rrrrrr..k..',
    '.....rwrrwr.....',
    '..kkkkkkkkkkkk..',
    '.k..rrrrrrrr..k.',
    '....rwrrrrwr....',
    '....rrrddrrr....',
    '.ssssssssssssss.',
    'gggggggggggggggg',
    'ggGggggggggGgggg',
    'gggggggGgggggggg',
  ],
}

export const LANTERN: PixelArt = {
  background: NIGHT,
  palette: { '*': '#f7f3c6' },
  rows: [
    '.......yy.....*.',
    '.*.....yy.......',
    '.....yyyyyy.....',
    '...rrrrrrrrrr...',
    '..rrRrrrrrrRrr..',
    '.rrRrrryyrrrRrr.',
    '.rrRrryrryrrRrr.',
    '.rrRrryrryrrRrr.',
    '.rrRrrryyrrrRrr.',
    '..rrRrrrrrrRrr..',
    '...rrrrrrrrrr...',
    '.....yyyyyy...*.',
    '.......yy.......',
    '..*...y..y......',
    '......y..y......',
    '.......yy.......',
  ],
}

export const WATERFALL: PixelArt = {
  background: SKY,
  palette: { c: '#7d8a8c', C: '#5c6769', w: '#9fd3f0', W: '#ffffff' },
  rows: [
    'cccccwwwwwwccccc',
    'ccccwwWwwWwwcccc',
    'cccCwwwWwwwwCccc',
    'ccCcwWwwwwWwcCcc',
    'cccCwwwwWwwwCccc',
    'ccccwwWwwwWwcccc',
    'cCccwwwwwwwwccCc',
    'ccccwWwwWwwwcccc',
    'cccCwwwwwwWwCccc',
    'ccccwwWwwwwwcccc',
    'gcccwwwwwWwwcccg',
    'ggccWWWWWWWWccgg',
    'gbbbWWWWWWWWbbbg',
    'bbbBBBbbbbBBBbbb',
    'bbBBBbbbbbbBBBbb',
    'bbbbbbbbbbbbbbbb',
  ],
}

export const MOUNTAINS: PixelArt = {
  background: SKY,
  palette: { s: '#ffffff', w: '#6fb7e0', W: '#d8f0fb' },
  rows: [
    '................',
    '................',
    '.........s......',
    '........sss.....',
    '...s...sgggs....',
    '..sss.sgggggs...',
    '.sgggsgggGgggs..',
    'sgggggggGGggggs.',
    'gggGgggGGGgggggg',
    'ggGGGggGGGGgggGg',
    'gGGGGGgGGGGGggGG',
    'GGGGGGGGGGGGGGGG',
    'wwwwwwwwwwwwwwww',
    'wWwwwwWwwwwwWwww',
    'wwwwWwwwwWwwwwww',
    'wwwwwwwwwwwwwwww',
  ],
}

export const FARMHOUSE: PixelArt = {
  background: SKY,
  rows: [
    '................',
    '................',
    '......kkkk......',
    '....kkkkkkkk....',
    '..kkkkkkkkkkkk..',
    '.k.wwwwwwwwww.k.',
    '...wwwwwwwwww...',
    '...wbbwwwwbbw...',
    '...wbbwwwwbbw...',
    '...wwwwddwwww...',
    '...wwwwddwwww...',
    '...wwwwddwwww...',
    '.ssssssssssssss.',
    'gggggggggggggggg',
    'ggGggggggggGgggg',
    'gggggggGgggggggg',
  ],
}

export const STONE_BRIDGE: PixelArt = {
  background: SKY,
  palette: { w: '#6fb7e0', W: '#d8f0fb' },
  rows: [
    '................',
    '................',
    '................',
    '................',
    '......ssss......',
    '....ssSSSSss....',
    '..ssSssssssSss..',
    'sssss......sssss',
    'sss..........sss',
    'ss............ss',
    's..............s',
    'wwwwwwwwwwwwwwww',
    'wwWwwwwwwwwwWwww',
    'wwwwwwWwwwwwwwww',
    'Wwwwwwwwwwwwwwww',
    'wwwwwwwwwwwWwwww',
  ],
}

// ---- Cangqiong Landmarks: simple iconic buildings ------------------------------------------

export const SKY_TOWER: PixelArt = {
  background: SKY,
  palette: { s: '#d5d8de' },
  rows: [
    '.......y........',
    '.......y........',
    '.......s........',
    '.......s........',
    '......sss.......',
    '.....bbbbb......',
    '....bbBbbbb.....',
    '....bbbbbBb.....',
    '.....bbbbb......',
    '......sss.......',
    '......sss.......',
    '......sss.......',
    '.....sssss......',
    '....sssssss.....',
    '...sssssssss....',
    'gggggggggggggggg',
  ],
}

export const HALL_OF_THE_SKY: PixelArt = {
  background: SKY,
  rows: [
    '.......yy.......',
    '......bbbb......',
    '.....bBBBBb.....',
    '......rrrr......',
    '....bbbbbbbb....',
    '...bBBBBBBBBb...',
    '.....rrrrrr.....',
    '..bbbbbbbbbbbb..',
    '.bBBBBBBBBBBBBb.',
    '...rrrrrrrrrr...',
    '...rwrrwwrrwr...',
    '...rrrrrrrrrr...',
    '.wwwwwwwwwwwwww.',
    'wwwwwwwwwwwwwwww',
    'wSwSwSwSwSwSwSww',
    'wwwwwwwwwwwwwwww',
  ],
}

export const BELL_TOWER: PixelArt = {
  background: SKY,
  rows: [
    '................',
    '......kkkk......',
    '....kkkkkkkk....',
    '...k.rrrrrr.k...',
    '.....ryyyyr.....',
    '.....ryyyyr.....',
    '...kkkkkkkkkk...',
    '..k.rrrrrrrr.k..',
    '....rrwrrwrr....',
    '....rrrrrrrr....',
    '..ssssssssssss..',
    '..sSssssssssSs..',
    '..sss......sss..',
    '..ss........ss..',
    '..ss........ss..',
    'gggggggggggggggg',
  ],
}

export const MOON_GATE: PixelArt = {
  background: '#9fd08a',
  palette: { t: '#4a7f36', p: '#f4a6c0' },
  rows: [
    'kkkkkkkkkkkkkkkk',
    'wwwwwwwwwwwwwwww',
    'wwwwwwwwwwwwwwww',
    'wwwwww....wwwwww',
    'wwww...pp...wwww',
    'www...pppp...www',
    'www....pp....www',
    'ww......t.....ww',
    'ww......t.....ww',
    'ww.....ttt....ww',
    'www..........www',
    'www..........www',
    'wwww........wwww',
    'ssssss....ssssss',
    'gggggggggggggggg',
    'ggGggggggggGgggg',
  ],
}

// ---- Scenic Souvenirs: ticket stubs and badges of scenic spots -----------------------------

export const PEACH_VILLAGE_TICKET: PixelArt = {
  background: PAPER,
  palette: { c: '#fff6e0', d: '#c9b48a' },
  rows: [
    '................',
    '................',
    '................',
    'rrrrrrrrrrrrrrrr',
    'ryyyryyyyrrdrrrr',
    'rrrrrrrrrrrrrrrr',
    'cccccccccccdcccc',
    'ccccpPpccccccccc',
    '.ccpPyPpcccdcPc.',
    '.cccpPpccccccPc.',
    'cccccGdccccdcPcc',
    'ccccGddcccccccGc',
    'cccccccccccdcccc',
    'rrrrrrrrrrrrrrrr',
    '................',
    '................',
  ],
}

export const WATERFALL_BADGE: PixelArt = {
  background: PAPER,
  palette: { c: '#7d8a8c', w: '#9fd3f0', W: '#ffffff' },
  rows: [
    '.....oooooo.....',
    '...oobbbbbboo...',
    '..obbcbwwbcbbo..',
    '.obbccwWwwccbbo.',
    '.obcccwwWwcccbo.',
    'obccccwWwwccccbo',
    'obcccwwwwWwcccbo',
    'obcccWWWWWWcccbo',
    'obbWWWWWWWWWWbbo',
    '.obbbbbbbbbbbbo.',
    '.oobbbbbbbbbboo.',
    '...oooooooooo...',
    '....rr....rr....',
    '...rrr....rrr...',
    '...rr......rr...',
    '...r........r...',
  ],
}

export const PAGODA_STAMP: PixelArt = {
  background: PAPER,
  rows: [
    '................',
    '.rrrrrrrrrrrrrr.',
    '.rrrrrrwrrrrrrr.',
    '.rrrrrrwrrrrrrr.',
    '.rrrrrwwwrrrrrr.',
    '.rrrwwwwwwwrrrr.',
    '.rrrrrwrwrrrrrr.',
    '.rrwwwwwwwwwrrr.',
    '.rrrrwwrwwrrrrr.',
    '.rwwwwwwwwwwwrr.',
    '.rrrwwwrwwwrrrr.',
    '.rrrwwwrwwwrrrr.',
    '.rrwwwwwwwwwrrr.',
    '.rrrrrrrrrrrrrr.',
    '.rrrrrrrrrrrRRr.',
    '................',
  ],
}

export const LANTERN_PASS: PixelArt = {
  background: PAPER,
  palette: { p: '#fff6e0', l: '#3b3f4a' },
  rows: [
    '......llll......',
    '.....l....l.....',
    '..pppppppppppp..',
    '..pppp.ll.pppp..',
    '..pppppppppppp..',
    '..pnnnnnnnnnnp..',
    '..pnnnnyynnnnp..',
    '..pnnnrrrrnnnp..',
    '..pnnrrRrrrnnp..',
    '..pnnrRyyrrnnp..',
    '..pnnrrRrrrnnp..',
    '..pnnnrrrrnnnp..',
    '..pnnnnyynnnnp..',
    '..pnnnnnnnnnnp..',
    '..pyyyyyyyyyyp..',
    '..pppppppppppp..',
  ],
}

// ---- Village Seals (the second local chain): red seal stamps on rice paper ------------------

export const SEAL_PEACH: PixelArt = {
  background: PAPER,
  rows: [
    '................',
    '.rrrrrrrrrrrrrr.',
    '.r............r.',
    '.r.rrrr..rrrr.r.',
    '.r.r..r..r..r.r.',
    '.r.rrrr..rrrr.r.',
    '.r...r....r...r.',
    '.r.rrrrr.rrrr.r.',
    '.r............r.',
    '.r.rrrr..r..r.r.',
    '.r.r.....rrrr.r.',
    '.r.rrrr..r..r.r.',
    '.r.r.....r..r.r.',
    '.r............r.',
    '.rrrrrrrrrrrrrr.',
    '................',
  ],
}

export const SEAL_BRIDGE: PixelArt = {
  background: PAPER,
  rows: [
    '................',
    '...rrrrrrrrrr...',
    '..rr........rr..',
    '.rr..rrrrrr..rr.',
    '.r..r......r..r.',
    '.r.r..rrrr..r.r.',
    '.r.r.r....r.r.r.',
    '.r...r....r...r.',
    '.r.rrrrrrrrrr.r.',
    '.r............r.',
    '.r.r.r.r.r.r..r.',
    '.r............r.',
    '.rr..rrrrrr..rr.',
    '..rr........rr..',
    '...rrrrrrrrrr...',
    '................',
  ],
}

export const SEAL_MOUNTAIN: PixelArt = {
  background: PAPER,
  rows: [
    '................',
    '.RRRRRRRRRRRRRR.',
    '.RRRRRRRRRRRRRR.',
    '.RRRRRRccRRRRRR.',
    '.RRRRRRccRRRRRR.',
    '.RRccRRccRRccRR.',
    '.RRccRRccRRccRR.',
    '.RRccccccccccRR.',
    '.RRRRRRRRRRRRRR.',
    '.RRccccRRccccRR.',
    '.RRcRRcRRcRRcRR.',
    '.RRccccRRccccRR.',
    '.RRRRRRRRRRRRRR.',
    '.RRRRRRRRRRRRRR.',
    '.RRRRRRRRRRRRRR.',
    '................',
  ],
}

export const SEAL_TEA: PixelArt = {
  background: PAPER,
  palette: { t: '#5d8a3c' },
  rows: [
    '................',
    '....rrrrrrrr....',
    '..rr........rr..',
    '.r....t..t....r.',
    '.r...tt..tt...r.',
    'r...ttt..ttt...r',
    'r.....tttt.....r',
    'r......tt......r',
    'r..rrrrrrrrrr..r',
    'r..r........r..r',
    'r..r........r..r',
    '.r..r......r..r.',
    '.r...rrrrrr...r.',
    '..rr........rr..',
    '....rrrrrrrr....',
    '................',
  ],
}
