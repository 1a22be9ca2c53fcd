// Schema migrations, in code: numbered, applied in order, each in its own transaction and
// recorded in `schema_migrations`. Several server processes may start at once against one
// PostgreSQL: a transaction-scoped advisory lock lets one migrate while the others wait.
import type { Database } from './database'

export interface Migration {
  /** 1, 2, 3, … in order; never renumber or edit one that has shipped: add a new one. */
  id: number
  name: string
  /** Statements run one by one (the engines' extended protocol takes one per query). */
  statements: readonly string[]
}

/**
 * The tables (docs in the comments of each statement):
 *
 * - spaces: who owns each creator space. `space_id` and `world` come from scene files; `owner`
 *   is an EIP-55 checksummed address; `assigned` marks spaces given by configuration rather
 *   than claimed; `current_version` is the newest layout version (0: none yet).
 * - space_collaborators: addresses the owner lets edit the layout.
 * - layout_versions: every layout ever committed, immutable; `exhibits` is a JSON array of
 *   exhibits (see Exhibit in spaces.ts); `note` says what changed ('place', 'move', 'remove',
 *   'restore:<n>', …).
 * - exhibit_flags: exhibits hidden because re-verifying ownership failed. Kept beside the
 *   layouts, not in them: a flag holds for the exhibit id in every version, so restoring an
 *   older layout does not show an exhibit that failed its check, and hiding one does not make
 *   a new layout version.
 * - events: live gatherings (src/protocol/events.ts). `host`, `performers` and `moderators`
 *   hold EIP-55 addresses; `world` and `stage` come from scene files; times are timestamptz;
 *   `live_at` is set when the host goes live, `ended_at` when the host ends it.
 * - event_bans: addresses a host or moderator banned from an event (refused at join).
 * - events_created (3): the global create rate counts the events of the last hour.
 * - builder_worlds (4): Block Park worlds made in the builder. `owner` is an EIP-55 address;
 *   `status` is 'draft' (seen by the owner and builders only) or 'published' (in the
 *   directory); `current_version` is the newest version of its content.
 * - builder_world_members (4): addresses the owner invited to build.
 * - builder_world_versions (4): every save, immutable (of the autosaves, the newest 20 stay).
 *   `scene` is the world's scene JSON without its voxel grid; `voxels` the grid as
 *   src/world/voxel/codec.ts bytes, deflated.
 * - builder_worlds.search_text (5): what the world directory matches a search against
 *   (server/builder/searchText.ts): titles, region and the pinyin of the Chinese ones, folded.
 *   SQL cannot compute pinyin, so rows stored before it stay null until
 *   server/builder/directory.ts backfills them (the directory matches such a row by its titles
 *   and region meanwhile). builder_worlds_published serves the directory's listing.
 * - builder_world_pictures (7): pictures builders uploaded for their points of interest
 *   (server/builder/picture.ts checked them), served to whoever may see the world.
 * - avatar_files, avatar_uploads (9): validated avatar files (server/avatars/http.ts), once by
 *   their SHA-256, and which wallet uploaded which (the per-wallet quota).
 * - avatar_looks (10): a signed-in visitor's avatar look, canonical JSON (src/protocol/avatar.ts
 *   encodeLook), keyed by EIP-55 address.
 * - avatar_collectibles (11): avatar files that came from a collectible's VRM model (which token
 *   named them); such a file is worn only under a grant. Not uploads: no quota counts them.
 * - avatar_grants (11): who may wear a collectible's file now: the EIP-55 address that proved it
 *   held the token (POST /api/avatars/collectible), until the watcher sees it move away.
 */
export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'creator spaces',
    statements: [
      `create table spaces (
        space_id text primary key,
        world text not null,
        owner text not null,
        claimed_at timestamptz not null default now(),
        assigned boolean not null default false,
        current_version integer not null default 0 check (current_version >= 0)
      )`,
      `create index spaces_owner on spaces (owner)`,
      `create index spaces_world on spaces (world)`,
      `create table space_collaborators (
        space_id text not null references spaces (space_id) on delete cascade,
        address text not null,
        added_by text not null,
        added_at timestamptz not null default now(),
        primary key (space_id, address)
      )`,
      `create table layout_versions (
        space_id text not null references spaces (space_id) on delete cascade,
        version integer not null check (version > 0),
        created_at timestamptz not null default now(),
        created_by text not null,
        note text not null,
        exhibits jsonb not null check (jsonb_typeof(exhibits) = 'array'),
        primary key (space_id, version)
      )`,
      `create table exhibit_flags (
        space_id text not null references spaces (space_id) on delete cascade,
        exhibit_id text not null,
        hidden_reason text not null,
        hidden_at timestamptz not null default now(),
        primary key (space_id, exhibit_id)
      )`,
    ],
  },
  {
    id: 2,
    name: 'live gatherings',
    statements: [
      `create table events (
        event_id text primary key,
        host text not null,
        title_zh text not null,
        title_en text not null,
        description_zh text not null,
        description_en text not null,
        world text not null,
        stage text not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null check (ends_at > starts_at),
        capacity integer not null check (capacity > 0),
        performers text[] not null default '{}',
        moderators text[] not null default '{}',
        live_at timestamptz,
        ended_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create index events_host on events (host)`,
      `create index events_ends on events (ends_at)`,
      `create table event_bans (
        event_id text not null references events (event_id) on delete cascade,
        address text not null,
        banned_by text not null,
        banned_at timestamptz not null default now(),
        primary key (event_id, address)
      )`,
    ],
  },
  {
    id: 3,
    name: 'events by creation time',
    statements: [`create index events_created on events (created_at)`],
  },
  {
    id: 4,
    name: 'builder worlds',
    statements: [
      `create table builder_worlds (
        world_id text primary key,
        owner text not null,
        kind text not null check (kind in ('village', 'town', 'scenic')),
        region text not null,
        title_zh text not null,
        title_en text not null,
        status text not null default 'draft' check (status in ('draft', 'published')),
        current_version integer not null default 0 check (current_version >= 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        published_at timestamptz
      )`,
      `create index builder_worlds_owner on builder_worlds (owner)`,
      `create index builder_worlds_status on builder_worlds (status, published_at)`,
      `create table builder_world_members (
        world_id text not null references builder_worlds (world_id) on delete cascade,
        address text not null,
        added_by text not null,
        added_at timestamptz not null default now(),
        primary key (world_id, address)
      )`,
      `create table builder_world_versions (
        world_id text not null references builder_worlds (world_id) on delete cascade,
        version integer not null check (version > 0),
        created_at timestamptz not null default now(),
        created_by text not null,
        note text not null,
        scene jsonb not null check (jsonb_typeof(scene) = 'object'),
        voxels bytea not null,
        primary key (world_id, version)
      )`,
    ],
  },
  {
    id: 5,
    name: 'builder world directory',
    statements: [
      `alter table builder_worlds add column search_text text`,
      `create index builder_worlds_published on builder_worlds (published_at desc, world_id desc)
        where status = 'published'`,
    ],
  },
  {
    id: 6,
    name: 'builder world thumbnails',
    statements: [
      // A map of the world seen from above (PNG), drawn when it is published and as it changes.
      `alter table builder_worlds add column thumbnail bytea`,
      `alter table builder_worlds add column thumbnail_at timestamptz`,
    ],
  },
  {
    id: 7,
    name: 'builder world pictures',
    statements: [
      `create table builder_world_pictures (
        world_id text not null references builder_worlds (world_id) on delete cascade,
        picture_id text not null check (picture_id ~ '^[0-9a-f]{16}$'),
        type text not null check (type in ('image/png', 'image/jpeg')),
        bytes bytea not null,
        width integer not null check (width > 0),
        height integer not null check (height > 0),
        added_by text not null,
        created_at timestamptz not null default now(),
        primary key (world_id, picture_id)
      )`,
    ],
  },
  {
    id: 8,
    // How a creator space shows its exhibits (src/protocol/spaces.ts SpaceMode). Not part of a
    // layout version: restoring a layout keeps the mode the owner chose.
    name: 'space display mode',
    statements: [
      `alter table spaces add column mode text not null default 'gallery'
        check (mode in ('gallery', 'immersive'))`,
    ],
  },
  {
    id: 9,
    // Avatar files visitors uploaded (server/avatars): each file once, by its SHA-256, and who
    // uploaded which (the per-wallet quota counts these).
    name: 'avatar files',
    statements: [
      `create table avatar_files (
        id text primary key check (id ~ '^[0-9a-f]{64}$'),
        bytes bytea not null,
        created_at timestamptz not null default now()
      )`,
      `create table avatar_uploads (
        address text not null,
        id text not null references avatar_files (id) on delete cascade,
        created_at timestamptz not null default now(),
        primary key (address, id)
      )`,
    ],
  },
  {
    id: 10,
    // A signed-in visitor's avatar look (src/protocol/avatar.ts), the same on every device.
    name: 'avatar looks',
    statements: [
      `create table avatar_looks (
        address text primary key check (address ~ '^0x[0-9a-fA-F]{40}$'),
        look text not null check (length(look) <= 320),
        updated_at timestamptz not null default now()
      )`,
    ],
  },
  {
    id: 11,
    // Avatars worn from a collectible (server/avatars/wear.ts): the files, and the grants that
    // let the token's verified holder, and only them, wear it.
    name: 'collectible avatars',
    statements: [
      `create table avatar_collectibles (
        id text not null references avatar_files (id) on delete cascade,
        chain_id integer not null,
        contract text not null,
        token_id text not null,
        created_at timestamptz not null default now(),
        primary key (id, chain_id, contract, token_id)
      )`,
      `create table avatar_grants (
        chain_id integer not null,
        contract text not null,
        token_id text not null,
        address text not null check (address ~ '^0x[0-9a-fA-F]{40}$'),
        id text not null references avatar_files (id) on delete cascade,
        granted_at timestamptz not null default now(),
        primary key (chain_id, contract, token_id, address)
      )`,
      `create index avatar_grants_address on avatar_grants (address, id)`,
    ],
  },
]

/** Key of the advisory lock migrations hold (any constant no other code uses). */
const MIGRATION_LOCK = 6_370_001

/**
 * Brings the schema up to date; returns the ids it applied (none when already current).
 * Throws when the database holds migrations this code does not know (a newer server ran).
 */
export async function migrate(
  db: Database,
  list: readonly Migration[] = migrations,
): Promise<number[]> {
  list.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration ${m.name} has id ${m.id}, expected ${i + 1}`)
  })
  const applied: number[] = []
  for (const m of list) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      await tx.query(`create table if not exists schema_migrations (
        id integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`)
      const done = await tx.query<{ id: number }>('select id from schema_migrations order by id')
      const newest = done.at(-1)?.id ?? 0
      if (newest > list.length) {
        throw new Error(
          `the database schema is at migration ${newest}, newer than this server knows ` +
            `(${list.length}): run a newer server, or point it at another database`,
        )
      }
      if (done.some((d) => d.id === m.id)) return false
      for (const sql of m.statements) await tx.query(sql)
      await tx.query('insert into schema_migrations (id, name) values ($1, $2)', [m.id, m.name])
      return true
    })
    if (ran) applied.push(m.id)
  }
  return applied
}
