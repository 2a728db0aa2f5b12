-- Faster directory and statistics at national scale (80,000 KIMs, 600,000 members).
-- Walking the name index lets "ORDER BY name LIMIT 20" stop early; the member count is kept on
-- the KIM so statistics need not join the members table.
ALTER TABLE kims ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX kims_name_order ON kims (name, id);
-- Statistics one level down read only these covering indexes, never the wide KIM rows.
CREATE INDEX kims_stats_country ON kims (province_code, status, member_count, village_code);
CREATE INDEX kims_stats_province ON kims (province_code, regency_code, status, member_count, village_code);
CREATE INDEX kims_stats_regency ON kims (regency_code, district_code, status, member_count, village_code);
CREATE INDEX kims_stats_district ON kims (district_code, village_code, status, member_count);
UPDATE kims SET member_count = (SELECT COUNT(*) FROM kim_members m WHERE m.kim_id = kims.id);
