-- Reach totals of the dissemination dashboard, kept up to date by triggers: the dashboard of a
-- province with a million reports reads a few thousand rows instead of every report (issue 13's
-- benchmark: 11 s a page before). Every write to dissem_reports and dissem_targets, including
-- the deletions a KIM's or a package's removal cascades to, moves the totals by the difference.
-- No foreign keys: a removed package's rows stay behind, at zero, and the dashboard joins the
-- packages it shows. Reach and report counts by kabupaten/kota, channel and day count reports
-- whose reach is not in doubt (review ok or accepted), as the dashboard always did.

CREATE TABLE dissem_rollup_package (
    package_id   INTEGER PRIMARY KEY,
    reach        INTEGER NOT NULL DEFAULT 0,
    reports      INTEGER NOT NULL DEFAULT 0,
    flagged      INTEGER NOT NULL DEFAULT 0,
    targets      INTEGER NOT NULL DEFAULT 0,
    targets_done INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE dissem_rollup_regency (
    package_id   INTEGER NOT NULL,
    regency_code TEXT NOT NULL,
    reach        INTEGER NOT NULL DEFAULT 0,
    reports      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, regency_code)
);
CREATE TABLE dissem_rollup_channel (
    package_id   INTEGER NOT NULL,
    channel      TEXT NOT NULL,
    reach        INTEGER NOT NULL DEFAULT 0,
    reports      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, channel)
);
CREATE TABLE dissem_rollup_day (
    package_id   INTEGER NOT NULL,
    reported_on  TEXT NOT NULL,
    reach        INTEGER NOT NULL DEFAULT 0,
    reports      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (package_id, reported_on)
);

INSERT INTO dissem_rollup_package (package_id, reach, reports, flagged)
    SELECT package_id, SUM(CASE WHEN review IN ('ok', 'accepted') THEN reach ELSE 0 END), COUNT(*),
           SUM(CASE WHEN review = 'flagged' THEN 1 ELSE 0 END)
    FROM dissem_reports GROUP BY package_id;
INSERT INTO dissem_rollup_package (package_id, targets, targets_done)
    SELECT package_id, COUNT(*), SUM(CASE WHEN state = 'done' THEN 1 ELSE 0 END)
    FROM dissem_targets WHERE true GROUP BY package_id
    ON CONFLICT (package_id) DO UPDATE SET targets = excluded.targets, targets_done = excluded.targets_done;
INSERT INTO dissem_rollup_regency (package_id, regency_code, reach, reports)
    SELECT package_id, regency_code, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, regency_code;
INSERT INTO dissem_rollup_channel (package_id, channel, reach, reports)
    SELECT package_id, channel, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, channel;
INSERT INTO dissem_rollup_day (package_id, reported_on, reach, reports)
    SELECT package_id, reported_on, SUM(reach), COUNT(*) FROM dissem_reports
    WHERE review IN ('ok', 'accepted') GROUP BY package_id, reported_on;

CREATE TRIGGER dissem_reports_rollup_insert AFTER INSERT ON dissem_reports BEGIN
    INSERT INTO dissem_rollup_package (package_id, reach, reports, flagged)
        VALUES (NEW.package_id, CASE WHEN NEW.review IN ('ok', 'accepted') THEN NEW.reach ELSE 0 END, 1,
                CASE WHEN NEW.review = 'flagged' THEN 1 ELSE 0 END)
        ON CONFLICT (package_id) DO UPDATE SET reach = reach + excluded.reach,
            reports = reports + excluded.reports, flagged = flagged + excluded.flagged;
    INSERT INTO dissem_rollup_regency (package_id, regency_code, reach, reports)
        SELECT NEW.package_id, NEW.regency_code, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, regency_code) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
    INSERT INTO dissem_rollup_channel (package_id, channel, reach, reports)
        SELECT NEW.package_id, NEW.channel, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, channel) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
    INSERT INTO dissem_rollup_day (package_id, reported_on, reach, reports)
        SELECT NEW.package_id, NEW.reported_on, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, reported_on) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
END;

CREATE TRIGGER dissem_reports_rollup_delete AFTER DELETE ON dissem_reports BEGIN
    UPDATE dissem_rollup_package SET
        reach = reach - CASE WHEN OLD.review IN ('ok', 'accepted') THEN OLD.reach ELSE 0 END,
        reports = reports - 1,
        flagged = flagged - CASE WHEN OLD.review = 'flagged' THEN 1 ELSE 0 END
        WHERE package_id = OLD.package_id;
    UPDATE dissem_rollup_regency SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND regency_code = OLD.regency_code AND OLD.review IN ('ok', 'accepted');
    UPDATE dissem_rollup_channel SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND channel = OLD.channel AND OLD.review IN ('ok', 'accepted');
    UPDATE dissem_rollup_day SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND reported_on = OLD.reported_on AND OLD.review IN ('ok', 'accepted');
END;

-- An update is the old row taken out and the new one put in.
CREATE TRIGGER dissem_reports_rollup_update
AFTER UPDATE OF package_id, regency_code, channel, reported_on, reach, review ON dissem_reports BEGIN
    UPDATE dissem_rollup_package SET
        reach = reach - CASE WHEN OLD.review IN ('ok', 'accepted') THEN OLD.reach ELSE 0 END,
        reports = reports - 1,
        flagged = flagged - CASE WHEN OLD.review = 'flagged' THEN 1 ELSE 0 END
        WHERE package_id = OLD.package_id;
    UPDATE dissem_rollup_regency SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND regency_code = OLD.regency_code AND OLD.review IN ('ok', 'accepted');
    UPDATE dissem_rollup_channel SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND channel = OLD.channel AND OLD.review IN ('ok', 'accepted');
    UPDATE dissem_rollup_day SET reach = reach - OLD.reach, reports = reports - 1
        WHERE package_id = OLD.package_id AND reported_on = OLD.reported_on AND OLD.review IN ('ok', 'accepted');
    INSERT INTO dissem_rollup_package (package_id, reach, reports, flagged)
        VALUES (NEW.package_id, CASE WHEN NEW.review IN ('ok', 'accepted') THEN NEW.reach ELSE 0 END, 1,
                CASE WHEN NEW.review = 'flagged' THEN 1 ELSE 0 END)
        ON CONFLICT (package_id) DO UPDATE SET reach = reach + excluded.reach,
            reports = reports + excluded.reports, flagged = flagged + excluded.flagged;
    INSERT INTO dissem_rollup_regency (package_id, regency_code, reach, reports)
        SELECT NEW.package_id, NEW.regency_code, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, regency_code) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
    INSERT INTO dissem_rollup_channel (package_id, channel, reach, reports)
        SELECT NEW.package_id, NEW.channel, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, channel) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
    INSERT INTO dissem_rollup_day (package_id, reported_on, reach, reports)
        SELECT NEW.package_id, NEW.reported_on, NEW.reach, 1 WHERE NEW.review IN ('ok', 'accepted')
        ON CONFLICT (package_id, reported_on) DO UPDATE SET reach = reach + excluded.reach, reports = reports + 1;
END;

CREATE TRIGGER dissem_targets_rollup_insert AFTER INSERT ON dissem_targets BEGIN
    INSERT INTO dissem_rollup_package (package_id, targets, targets_done)
        VALUES (NEW.package_id, 1, CASE WHEN NEW.state = 'done' THEN 1 ELSE 0 END)
        ON CONFLICT (package_id) DO UPDATE SET targets = targets + 1,
            targets_done = targets_done + excluded.targets_done;
END;

CREATE TRIGGER dissem_targets_rollup_delete AFTER DELETE ON dissem_targets BEGIN
    UPDATE dissem_rollup_package SET targets = targets - 1,
        targets_done = targets_done - CASE WHEN OLD.state = 'done' THEN 1 ELSE 0 END
        WHERE package_id = OLD.package_id;
END;

CREATE TRIGGER dissem_targets_rollup_update AFTER UPDATE OF package_id, state ON dissem_targets BEGIN
    UPDATE dissem_rollup_package SET targets = targets - 1,
        targets_done = targets_done - CASE WHEN OLD.state = 'done' THEN 1 ELSE 0 END
        WHERE package_id = OLD.package_id;
    INSERT INTO dissem_rollup_package (package_id, targets, targets_done)
        VALUES (NEW.package_id, 1, CASE WHEN NEW.state = 'done' THEN 1 ELSE 0 END)
        ON CONFLICT (package_id) DO UPDATE SET targets = targets + 1,
            targets_done = targets_done + excluded.targets_done;
END;

-- The flagged reports waiting for review, newest first, without reading the others.
CREATE INDEX dissem_reports_review ON dissem_reports (review, id);
