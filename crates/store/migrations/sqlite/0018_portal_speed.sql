-- The portal at a million posts (issue 15's benchmark): the latest published, visible posts and
-- their count read from one index without visiting each row; the province's most re-shared
-- posts of the last months from the few that were re-shared at all.
CREATE INDEX portal_posts_visible ON portal_posts (status, hidden, published_at);
CREATE INDEX portal_posts_reshared ON portal_posts (province_code, published_at) WHERE reshares > 0;
