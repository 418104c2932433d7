-- A late refusal names what was refused: an interview's revision (as before), a contact
-- attempt or a roster update (whose id interview_id then holds).
ALTER TABLE late_refusals ADD COLUMN kind TEXT NOT NULL DEFAULT 'interview';
