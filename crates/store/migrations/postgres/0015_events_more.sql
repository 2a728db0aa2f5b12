-- Capacity building, continued (issue 14): registrations made for someone else (a KIM officer
-- for the KIM's members, an office for its staff), events cancelled by their organiser with a
-- reason, and the QR image a ticket mail carries.

-- Who registered this person, when not themselves (NULL: the person did).
ALTER TABLE event_registrations ADD COLUMN registered_by BIGINT REFERENCES users (id) ON DELETE SET NULL;

-- `status` becomes 'cancelled' with the organiser's reason and when.
ALTER TABLE events ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN cancelled_at TIMESTAMPTZ;

-- The text of a QR code the mail shows as an inline PNG (a ticket's code); emptied with the
-- body once the mail is delivered.
ALTER TABLE outbox_mail ADD COLUMN qr_text TEXT;
