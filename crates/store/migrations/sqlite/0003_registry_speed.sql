-- Faster directory and statistics at national scale (80,000 KIMs, 600,000 members).
-- Walking the name index lets "ORDER BY name LIMIT 20" stop early; the member count is kept on
-- the KIM so statistics need not join the members table.
CREATE INDEX kims_name_order ON kims (name, id);
ALTER TABLE kims ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE kims SET member_count = (SELECT COUNT(*) FROM kim_members m WHERE m.kim_id = kims.id);
