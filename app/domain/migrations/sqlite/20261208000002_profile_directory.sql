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

-- How many listed profiles have each skill, for the directory's skill filter: counting
-- `profile_skills` per request is a scan of every row. Kept by triggers, so every way a
-- row comes or goes (a reindex, a deleted profile's cascade) counts.
CREATE TABLE profile_skill_counts (
    skill     TEXT PRIMARY KEY NOT NULL,
    label     TEXT NOT NULL,
    profiles  INTEGER NOT NULL
);
CREATE INDEX profile_skill_counts_by_count ON profile_skill_counts (profiles DESC, skill);

CREATE TRIGGER profile_skills_count_in AFTER INSERT ON profile_skills
BEGIN
    INSERT INTO profile_skill_counts (skill, label, profiles) VALUES (new.skill, new.label, 1)
    ON CONFLICT (skill) DO UPDATE SET profiles = profiles + 1;
END;

CREATE TRIGGER profile_skills_count_out AFTER DELETE ON profile_skills
BEGIN
    UPDATE profile_skill_counts SET profiles = profiles - 1 WHERE skill = old.skill;
    DELETE FROM profile_skill_counts WHERE skill = old.skill AND profiles <= 0;
END;
