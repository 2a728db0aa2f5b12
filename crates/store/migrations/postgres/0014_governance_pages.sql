-- Partnership governance pages (issue 16, second part): a published award's places and the
-- verification code printed on each winner's certificate (checked on the public results page).
ALTER TABLE gov_nominations ADD COLUMN place BIGINT;
ALTER TABLE gov_nominations ADD COLUMN certificate_code TEXT;
CREATE UNIQUE INDEX gov_nominations_certificate ON gov_nominations (certificate_code);
