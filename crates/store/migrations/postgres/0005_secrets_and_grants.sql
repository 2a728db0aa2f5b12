-- Security review (issue 8).
-- Mail secrets (reset and invitation links) are kept apart from the body: the body holds the
-- placeholder {secret}, the link lives in `secret` only until the mail is delivered, and the
-- outbox never shows it. `user_id` names the recipient's account so the outbox lists a mail only
-- to administrators who may manage that account.
ALTER TABLE outbox_mail ADD COLUMN secret TEXT;
ALTER TABLE outbox_mail ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
-- Delivered mail keeps no body.
UPDATE outbox_mail SET body_text = '' WHERE status = 'sent';
-- The account role an invitation grants, decided when it is created: an officer invitation made
-- by a KIM officer grants only a member's account until a kabupaten/kota admin approves it.
ALTER TABLE kim_invites ADD COLUMN grant_role TEXT NOT NULL DEFAULT 'kim_member';
