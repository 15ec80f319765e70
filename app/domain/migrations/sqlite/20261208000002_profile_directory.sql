-- The people directory: listed profiles only, kept current by the server on every change
-- to one. Search is FTS5 over one row per profile, ranked by bm25 with the name weighted
-- most; no diacritic folding, as PostgreSQL's `simple` configuration does none either, so
-- both backends match and rank alike.
CREATE VIRTUAL TABLE profile_search USING fts5(
    user_id UNINDEXED,
    name,
    headline,
    skills,
    tags,
    bio,
    tokenize = 'unicode61 remove_diacritics 0'
);

-- A row of the search table goes with its profile (a virtual table has no foreign keys).
CREATE TRIGGER profiles_leave_search AFTER DELETE ON profiles
BEGIN
    DELETE FROM profile_search WHERE user_id = old.user_id;
END;

-- The skills of listed profiles, for the directory's skill filter: `skill` is the name in
-- lower case (the filter's key), `label` as its owner wrote it, `position` its place on
-- the profile (the directory shows the first few).
CREATE TABLE profile_skills (
    user_id  TEXT NOT NULL REFERENCES profiles (user_id) ON DELETE CASCADE,
    skill    TEXT NOT NULL,
    label    TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, skill)
);
CREATE INDEX profile_skills_by_skill ON profile_skills (skill, user_id);
CREATE INDEX profiles_listed ON profiles (visibility, updated_at);
