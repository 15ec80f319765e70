-- Portfolio profiles: one per user. `handle` is stored in lower case, so the unique index
-- makes handles unique whatever case they were typed in. `bio_html` is the bio rendered
-- and sanitized when it was saved, so a page view never renders markdown.
CREATE TABLE profiles (
    user_id       TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    handle        TEXT NOT NULL CHECK (length(handle) BETWEEN 3 AND 30),
    display_name  TEXT NOT NULL CHECK (length(display_name) <= 80),
    headline      TEXT NOT NULL CHECK (length(headline) <= 160),
    location      TEXT NOT NULL CHECK (length(location) <= 120),
    bio           TEXT NOT NULL CHECK (length(bio) <= 5000),
    bio_html      TEXT NOT NULL,
    visibility    TEXT NOT NULL CHECK (visibility IN ('private', 'public', 'listed')),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX profiles_handle ON profiles (handle);

-- The items of a profile's sections. Every kind keeps its values in `fields` (JSON of the
-- shared flat field set, validated per kind by the server); a skill sits in its category
-- (`parent_id`). `position` orders an item among its siblings: same profile, kind and
-- parent.
CREATE TABLE profile_items (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES profiles (user_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('project', 'skill_category', 'skill', 'experience', 'education', 'certification', 'language', 'award', 'hobby', 'link')),
    parent_id   TEXT REFERENCES profile_items (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    fields      TEXT NOT NULL CHECK (length(fields) <= 8000),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX profile_items_order ON profile_items (user_id, kind, position);
CREATE INDEX profile_items_parent ON profile_items (parent_id);
