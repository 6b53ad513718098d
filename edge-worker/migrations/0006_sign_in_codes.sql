-- Getting back in without a signed-in device: sign-in codes sent by SMS (or read out by
-- the owner at the counter) reuse device_codes; these tables hold what SMS needs.

-- Every code sent to a phone, whether or not it belongs to a resident, for the limits
-- in shared_model::sms (one a minute, five an hour).
CREATE TABLE sms_sends (
  phone   TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
CREATE INDEX sms_sends_phone ON sms_sends(phone, sent_at);

-- The local development edge's outbox (SMS_GATEWAY=outbox), shown at /dev/sms the way
-- a mail catcher shows mail. Production sends through the gateway and never writes here.
CREATE TABLE sms_outbox (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  phone   TEXT NOT NULL,
  text    TEXT NOT NULL,
  sent_at TEXT NOT NULL
);
