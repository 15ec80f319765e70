-- The people directory: listed profiles only, kept current by the server on every change
-- to one. Search is a weighted tsvector per profile under a GIN index (name A, headline
-- and skills B, tags C, bio D) in the `simple` configuration: no stemming and no accent
-- folding, as the SQLite backend's FTS5 tokenizer, so both backends match and rank alike.
CREATE TABLE profile_search (
    user_id   TEXT PRIMARY KEY NOT NULL REFERENCES profiles (user_id) ON DELETE CASCADE,
    document  TSVECTOR NOT NULL
);
CREATE INDEX profile_search_document ON profile_search USING GIN (document);

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
    profiles  BIGINT NOT NULL
);
CREATE INDEX profile_skill_counts_by_count ON profile_skill_counts (profiles DESC, skill);

CREATE FUNCTION profile_skills_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO profile_skill_counts (skill, label, profiles) VALUES (NEW.skill, NEW.label, 1)
        ON CONFLICT (skill) DO UPDATE SET profiles = profile_skill_counts.profiles + 1;
        RETURN NEW;
    END IF;
    UPDATE profile_skill_counts SET profiles = profiles - 1 WHERE skill = OLD.skill;
    DELETE FROM profile_skill_counts WHERE skill = OLD.skill AND profiles <= 0;
    RETURN OLD;
END;
$$;

CREATE TRIGGER profile_skills_count AFTER INSERT OR DELETE ON profile_skills
    FOR EACH ROW EXECUTE FUNCTION profile_skills_count();
