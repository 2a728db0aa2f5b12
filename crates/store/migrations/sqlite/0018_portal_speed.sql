-- The portal at a million posts (issue 15's benchmark): the province's most re-shared posts of
-- the last months read from the few that were re-shared at all. (An index on (status, hidden,
-- published_at) was tried and left out: SQLite then preferred it to the region indexes and to
-- reading search hits by id, scanning every visible post.)
CREATE INDEX portal_posts_reshared ON portal_posts (province_code, published_at) WHERE reshares > 0;
