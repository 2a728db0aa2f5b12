-- Reach totals of the dissemination dashboard, kept up to date by triggers: the dashboard of a
-- province with a million reports reads a few thousand rows instead of every report (issue 13's
-- benchmark: seconds a page before). Every write to dissem_reports and dissem_targets, including
-- the deletions a KIM's or a package's removal cascades to, moves the totals by the difference.
-- No foreign keys: a removed package's rows stay behind, at zero, and the dashboard joins the
-- packages it shows. Reach and report counts by kabupaten/kota, channel and day count reports
-- whose reach is not in doubt (review ok or accepted), as the dashboard always did.

CREATE TABLE dissem_rollup_package (
    package_id   BIGINT PRIMARY KEY,
    reach        BIGINT NOT NULL DEFAULT 0,
    reports      BIGINT NOT NULL DEFAULT 0,
    flagged      BIGINT NOT NULL DEFAULT 0,
    targets      BIGINT NOT NULL DEFAULT 0,
    targets_done BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE dissem_rollup_regency (
    package_id   BIGINT NOT NULL,
    regency_code TEXT NOT NULL,
    reach        BIGINT NOT NULL DEFAULT 0,
    reports      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, regency_code)
);
CREATE TABLE dissem_rollup_channel (
    package_id   BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    reach        BIGINT NOT NULL DEFAULT 0,
    reports      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, channel)
);
CREATE TABLE dissem_rollup_day (
    package_id   BIGINT NOT NULL,
    reported_on  DATE NOT NULL,
    reach        BIGINT NOT NULL DEFAULT 0,
    reports      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, reported_on)
);

INSERT INTO dissem_rollup_package (package_id, reach, reports, flagged)
    SELECT package_id, SUM(CASE WHEN review IN ('ok', 'accepted') THEN reach ELSE 0 END), COUNT(*),
           SUM(CASE WHEN review = 'flagged' THEN 1 ELSE 0 END)
    FROM dissem_reports GROUP BY package_id;
INSERT INTO dissem_rollup_package (package_id, targets, targets_done)
    SELECT package_id, COUNT(*), SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END)
    FROM dissem_targets GROUP BY package_id
    ON CONFLICT (package_id) DO UPDATE SET targets = EXCLUDED.targets, targets_done = EXCLUDED.targets_done;
INSERT INTO dissem_rollup_regency (package_id, regency_code, reach, reports)
    SELECT package_id, regency_code, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, regency_code;
INSERT INTO dissem_rollup_channel (package_id, channel, reach, reports)
    SELECT package_id, channel, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, channel;
INSERT INTO dissem_rollup_day (package_id, reported_on, reach, reports)
    SELECT package_id, reported_on, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, reported_on;

-- One report added (sign 1) or taken out (sign -1).
CREATE FUNCTION dissem_rollup_report(r dissem_reports, sign BIGINT) RETURNS void AS $$
BEGIN
    INSERT INTO dissem_rollup_package AS u (package_id, reach, reports, flagged)
        VALUES (r.package_id, CASE WHEN r.review IN ('ok', 'accepted') THEN sign * r.reach ELSE 0 END, sign,
                CASE WHEN r.review = 'flagged' THEN sign ELSE 0 END)
        ON CONFLICT (package_id) DO UPDATE SET reach = u.reach + EXCLUDED.reach,
            reports = u.reports + EXCLUDED.reports, flagged = u.flagged + EXCLUDED.flagged;
    IF r.review IN ('ok', 'accepted') THEN
        INSERT INTO dissem_rollup_regency AS u (package_id, regency_code, reach, reports)
            VALUES (r.package_id, r.regency_code, sign * r.reach, sign)
            ON CONFLICT (package_id, regency_code) DO UPDATE SET reach = u.reach + EXCLUDED.reach,
                reports = u.reports + EXCLUDED.reports;
        INSERT INTO dissem_rollup_channel AS u (package_id, channel, reach, reports)
            VALUES (r.package_id, r.channel, sign * r.reach, sign)
            ON CONFLICT (package_id, channel) DO UPDATE SET reach = u.reach + EXCLUDED.reach,
                reports = u.reports + EXCLUDED.reports;
        INSERT INTO dissem_rollup_day AS u (package_id, reported_on, reach, reports)
            VALUES (r.package_id, r.reported_on, sign * r.reach, sign)
            ON CONFLICT (package_id, reported_on) DO UPDATE SET reach = u.reach + EXCLUDED.reach,
                reports = u.reports + EXCLUDED.reports;
    END IF;
END $$ LANGUAGE plpgsql;

-- An update is the old row taken out and the new one put in.
CREATE FUNCTION dissem_reports_rollup() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dissem_rollup_report(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM dissem_rollup_report(NEW, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER dissem_reports_rollup
    AFTER INSERT OR DELETE OR UPDATE OF package_id, regency_code, channel, reported_on, reach, review
    ON dissem_reports FOR EACH ROW EXECUTE FUNCTION dissem_reports_rollup();

CREATE FUNCTION dissem_targets_rollup() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE dissem_rollup_package SET targets = targets - 1,
            targets_done = targets_done - CASE WHEN OLD.state = 'done' THEN 1 ELSE 0 END
            WHERE package_id = OLD.package_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO dissem_rollup_package AS u (package_id, targets, targets_done)
            VALUES (NEW.package_id, 1, CASE WHEN NEW.state = 'done' THEN 1 ELSE 0 END)
            ON CONFLICT (package_id) DO UPDATE SET targets = u.targets + 1,
                targets_done = u.targets_done + EXCLUDED.targets_done;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER dissem_targets_rollup
    AFTER INSERT OR DELETE OR UPDATE OF package_id, state
    ON dissem_targets FOR EACH ROW EXECUTE FUNCTION dissem_targets_rollup();

-- The flagged reports waiting for review, newest first, without reading the others.
CREATE INDEX dissem_reports_review ON dissem_reports (review, id);
