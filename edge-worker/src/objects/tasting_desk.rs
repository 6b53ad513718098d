//! `TastingDesk`: one Durable Object per tasting, the source of truth for its bookings.
//! Each handler reads, decides (shared-model's `Tasting::book`, `Booking::cancel`,
//! `promote_from_waitlist`, `Booking::check_in`) and writes with synchronous SQLite calls
//! and no `.await` in between, so when many phones take the last seats at once each is
//! decided after the one before: no seat is given twice and the waitlist has no gaps.
//!
//! Booking ids are the tasting's id and a sequence number, so bookings made within the
//! same millisecond (the runtime's clock stands still during a request) still queue in
//! the order they arrived.
//!
//! What residents are told (promoted from the waitlist, tasting tomorrow) is written to an
//! outbox in the same synchronous step as the decision, then copied into D1's `notices`
//! after it. A failed copy is retried by the alarm; each notice has a `source`, unique in
//! D1, so a retry after a copy that did land sends nothing twice.

use super::{in_args, int, now_ms, reply, to_u32, ObjectStorage};
use crate::{
    clients::desk::{
        BookCall, BookReply, BookingsReply, CheckInCall, CheckInReply, DeskCounts, DeskRoute, GuestCall, MineReply, RemindReply,
        TastingCall,
    },
    error::{AppError, AppResult},
    http::{env_text, now},
    storage::{stored, stored_time},
};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize};
use shared_model::{
    api::{BookingLine, MyBooking},
    community::{
        check_in_code, household_key, promote_from_waitlist, verify_check_in_code, waitlist_positions, Booking, BookingFacts,
        BookingStatus, CommunityNotice, Tasting, TastingError, WaitlistEntry,
    },
    BookingId, PersonId,
};
use worker::{durable_object, DurableObject, Env, Request, Response, Result, SqlStorageValue, State};

#[durable_object]
pub struct TastingDesk {
    storage: ObjectStorage,
    env: Env,
}

/// The desk's tables, one entry per schema version (never edit a landed one).
const SCHEMA: &[&[&str]] = &[&[
    "CREATE TABLE IF NOT EXISTS bookings (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, person_id TEXT NOT NULL, \
     nickname TEXT NOT NULL, building TEXT NOT NULL, unit TEXT NOT NULL, household TEXT NOT NULL, seats INTEGER NOT NULL, \
     status TEXT NOT NULL, booked_at TEXT NOT NULL, checked_in_at TEXT, cancelled_at TEXT, reminded INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS bookings_person ON bookings(person_id, status)",
    "CREATE INDEX IF NOT EXISTS bookings_household ON bookings(household, status)",
    "CREATE INDEX IF NOT EXISTS bookings_status ON bookings(status)",
    "CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, source TEXT NOT NULL, person_id TEXT NOT NULL, \
     store_id TEXT NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, created_at TEXT NOT NULL, claimed_at INTEGER)",
]];

/// How long a copy of the outbox may be under way before another may take its notices.
const OUTBOX_CLAIM_MS: i64 = 60_000;
/// When a failed copy is tried again.
const OUTBOX_RETRY_MS: i64 = 30_000;

const COLUMNS: &str = "id, person_id, nickname, building, unit, household, seats, status, booked_at, checked_in_at, cancelled_at";

#[derive(Deserialize)]
struct BookingRow {
    id: String,
    person_id: String,
    nickname: String,
    building: String,
    unit: String,
    household: String,
    seats: i64,
    status: String,
    booked_at: String,
    checked_in_at: Option<String>,
    cancelled_at: Option<String>,
}

/// A stored booking: the rules' `Booking` and who made it.
struct Stored {
    booking: Booking,
    nickname: String,
    building: String,
    unit: String,
}

impl BookingRow {
    fn into_stored(self, tasting: &Tasting) -> AppResult<Stored> {
        let booking = Booking {
            id: BookingId::new_unchecked(self.id),
            tasting_id: tasting.id.clone(),
            person_id: PersonId::new_unchecked(self.person_id),
            household: self.household,
            seats: to_u32(self.seats),
            status: stored("booking status", &self.status, BookingStatus::parse)?,
            booked_at: stored_time(&self.booked_at)?,
            checked_in_at: self.checked_in_at.as_deref().map(stored_time).transpose()?,
            cancelled_at: self.cancelled_at.as_deref().map(stored_time).transpose()?,
        };
        Ok(Stored { booking, nickname: self.nickname, building: self.building, unit: self.unit })
    }
}

#[derive(Deserialize)]
struct OutboxRow {
    id: i64,
    source: String,
    person_id: String,
    store_id: String,
    kind: String,
    json: String,
    created_at: String,
}

impl DurableObject for TastingDesk {
    fn new(state: State, env: Env) -> Self {
        Self { storage: ObjectStorage::open(state, "tasting desk", SCHEMA), env }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let Some(route) = DeskRoute::from_path(&req.path()) else {
            return Response::error("no such tasting desk route", 404);
        };
        let now = now();
        let response = match route {
            DeskRoute::Book => reply(self.book(req.json().await?, now)),
            DeskRoute::Cancel => reply(self.cancel(req.json().await?, now)),
            DeskRoute::Mine => reply(self.mine(req.json().await?)),
            DeskRoute::Bookings => reply(self.bookings(req.json().await?)),
            DeskRoute::CheckIn => reply(self.check_in(req.json().await?, now)),
            DeskRoute::Void => reply(self.void(req.json().await?, now)),
            DeskRoute::Remind => reply(self.remind(req.json().await?, now)),
        };
        if matches!(route, DeskRoute::Cancel | DeskRoute::Remind) {
            self.send_outbox().await;
        }
        response
    }

    /// Copies what an earlier copy could not.
    async fn alarm(&self) -> Result<Response> {
        self.storage.alarm_fired();
        self.send_outbox().await;
        Response::ok("sent")
    }
}

impl TastingDesk {
    fn rows<T: DeserializeOwned>(&self, query: &str, args: Vec<SqlStorageValue>) -> AppResult<Vec<T>> {
        self.storage.rows(query, args)
    }

    /// Bookings in `statuses`, in the order they were made.
    fn with_status(&self, tasting: &Tasting, statuses: &[BookingStatus]) -> AppResult<Vec<Stored>> {
        let (marks, args) = in_args(statuses.iter().map(|s| s.as_str()));
        let rows: Vec<BookingRow> =
            self.rows(&format!("SELECT {COLUMNS} FROM bookings WHERE status IN ({marks}) ORDER BY seq"), args)?;
        rows.into_iter().map(|r| r.into_stored(tasting)).collect()
    }

    /// Seats in bookings with one of `statuses`, of everyone or of one household.
    fn seats_in(&self, statuses: &[BookingStatus], household: Option<&str>) -> AppResult<u32> {
        let (marks, mut args) = in_args(statuses.iter().map(|s| s.as_str()));
        let mut query = format!("SELECT COALESCE(SUM(seats), 0) AS n FROM bookings WHERE status IN ({marks})");
        if let Some(household) = household {
            query.push_str(" AND household = ?");
            args.push(household.into());
        }
        Ok(to_u32(self.storage.number(&query, args)?))
    }

    /// The resident's booking that is still on (confirmed, waiting or checked in).
    fn active_of(&self, tasting: &Tasting, person: &PersonId) -> AppResult<Option<Stored>> {
        let (marks, mut args) = in_args(active().iter().map(|s| s.as_str()));
        args.insert(0, person.as_str().into());
        let rows: Vec<BookingRow> = self.rows(
            &format!("SELECT {COLUMNS} FROM bookings WHERE person_id = ? AND status IN ({marks}) ORDER BY seq DESC LIMIT 1"),
            args,
        )?;
        rows.into_iter().next().map(|r| r.into_stored(tasting)).transpose()
    }

    /// Each waiting booking's place, 1 first.
    fn positions(&self, tasting: &Tasting) -> AppResult<Vec<(BookingId, u32)>> {
        let entries: Vec<WaitlistEntry> =
            self.with_status(tasting, &[BookingStatus::Waitlisted])?.iter().filter_map(|s| s.booking.waitlist_entry()).collect();
        Ok(waitlist_positions(&entries))
    }

    fn position_of(&self, tasting: &Tasting, booking: &BookingId) -> AppResult<Option<u32>> {
        Ok(self.positions(tasting)?.into_iter().find(|(id, _)| id == booking).map(|(_, p)| p))
    }

    fn secret(&self) -> AppResult<String> {
        env_text(&self.env, "PICKUP_CODE_SECRET").ok_or_else(|| AppError::Internal("PICKUP_CODE_SECRET is not set".into()))
    }

    fn my_booking(&self, tasting: &Tasting, booking: &Booking) -> AppResult<MyBooking> {
        let check_in_code = (booking.status == BookingStatus::Confirmed)
            .then(|| self.secret().map(|secret| check_in_code(secret.as_bytes(), &booking.id)))
            .transpose()?;
        Ok(MyBooking {
            booking_id: booking.id.clone(),
            seats: booking.seats,
            status: booking.status,
            position: self.position_of(tasting, &booking.id)?,
            check_in_code,
        })
    }

    fn counts(&self) -> AppResult<DeskCounts> {
        Ok(DeskCounts {
            seats_taken: self.seats_in(&holding(), None)?,
            waitlisted: to_u32(self.storage.number(
                "SELECT COUNT(*) AS n FROM bookings WHERE status = ?",
                vec![BookingStatus::Waitlisted.as_str().into()],
            )?),
            version: u64::try_from(self.storage.number("SELECT version AS n FROM changes WHERE id = 1", vec![])?).unwrap_or(0),
        })
    }

    /// Counts one more change (for D1's copy of the counts).
    fn changed(&self) -> AppResult<()> {
        self.storage
            .exec("INSERT INTO changes (id, version) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET version = version + 1", vec![])
    }

    fn set_status(&self, booking: &Booking) -> AppResult<()> {
        self.storage.exec(
            "UPDATE bookings SET status = ?, checked_in_at = ?, cancelled_at = ? WHERE id = ?",
            vec![
                booking.status.as_str().into(),
                optional_time(booking.checked_in_at),
                optional_time(booking.cancelled_at),
                booking.id.as_str().into(),
            ],
        )
    }

    /// Read, decide, write: no await anywhere in here.
    fn book(&self, call: BookCall, now: DateTime<Utc>) -> AppResult<BookReply> {
        let BookCall { tasting, guest, request } = call;
        let household = household_key(&guest.person_id, &guest.building, &guest.unit);
        let facts = BookingFacts {
            held_seats: self.seats_in(&holding(), None)?,
            household_seats: self.seats_in(&active(), Some(&household))?,
            has_active_booking: self.active_of(&tasting, &guest.person_id)?.is_some(),
        };
        let decision = tasting.book(&request, &facts, now)?;
        let seq = self.storage.number("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM bookings", vec![])?;
        let id = BookingId::new_unchecked(format!("{}-{seq:06}", tasting.id));
        let seats = u32::try_from(request.seats).unwrap_or(0);
        let booking = Booking::new(id, tasting.id.clone(), guest.person_id.clone(), household, seats, decision, now);
        self.storage.exec(
            "INSERT INTO bookings (seq, id, person_id, nickname, building, unit, household, seats, status, booked_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                seq.into(),
                booking.id.as_str().into(),
                guest.person_id.as_str().into(),
                guest.nickname.into(),
                guest.building.into(),
                guest.unit.into(),
                booking.household.as_str().into(),
                int(booking.seats),
                booking.status.as_str().into(),
                booking.booked_at.to_rfc3339().into(),
            ],
        )?;
        self.changed()?;
        Ok(BookReply { mine: self.my_booking(&tasting, &booking)?, counts: self.counts()? })
    }

    /// The resident cancels her booking; seats it held go to the waitlist at once.
    fn cancel(&self, call: GuestCall, now: DateTime<Utc>) -> AppResult<MineReply> {
        let tasting = call.tasting;
        let mut stored = self.active_of(&tasting, &call.person_id)?.ok_or(TastingError::BookingNotFound)?;
        let cancellation = stored.booking.cancel(tasting.starts_at, now)?;
        self.set_status(&stored.booking)?;
        if cancellation.freed_seats > 0 {
            self.promote(&tasting, now)?;
        }
        self.changed()?;
        Ok(MineReply { mine: None, counts: self.counts()? })
    }

    /// Gives free seats to the waitlist in order (shared-model's `promote_from_waitlist`)
    /// and tells each promoted resident.
    fn promote(&self, tasting: &Tasting, now: DateTime<Utc>) -> AppResult<()> {
        let waiting = self.with_status(tasting, &[BookingStatus::Waitlisted])?;
        let entries: Vec<WaitlistEntry> = waiting.iter().filter_map(|s| s.booking.waitlist_entry()).collect();
        let promotion = promote_from_waitlist(tasting.seats_left(self.seats_in(&holding(), None)?), &entries);
        for mut stored in waiting.into_iter().filter(|s| promotion.promoted.contains(&s.booking.id)) {
            stored.booking.promote();
            self.set_status(&stored.booking)?;
            let notice = CommunityNotice::PromotedFromWaitlist {
                tasting_id: tasting.id.clone(),
                title: tasting.title.clone(),
                starts_at: tasting.starts_at,
                seats: stored.booking.seats,
            };
            self.tell(tasting, &stored.booking, "promoted", &notice, now)?;
        }
        Ok(())
    }

    fn mine(&self, call: GuestCall) -> AppResult<MineReply> {
        let mine = self.active_of(&call.tasting, &call.person_id)?;
        let mine = mine.map(|s| self.my_booking(&call.tasting, &s.booking)).transpose()?;
        Ok(MineReply { mine, counts: self.counts()? })
    }

    /// Everyone: seated and checked in, then the waitlist in order, then the rest.
    fn bookings(&self, call: TastingCall) -> AppResult<BookingsReply> {
        let tasting = call.tasting;
        let positions = self.positions(&tasting)?;
        let rows: Vec<BookingRow> = self.rows(&format!("SELECT {COLUMNS} FROM bookings ORDER BY seq"), vec![])?;
        let mut lines = rows
            .into_iter()
            .map(|r| {
                let stored = r.into_stored(&tasting)?;
                let position = positions.iter().find(|(id, _)| *id == stored.booking.id).map(|(_, p)| *p);
                Ok(line(stored, position))
            })
            .collect::<AppResult<Vec<_>>>()?;
        let group = |l: &BookingLine| match l.status {
            BookingStatus::Confirmed | BookingStatus::CheckedIn | BookingStatus::NoShow => 0,
            BookingStatus::Waitlisted => 1,
            _ => 2,
        };
        lines.sort_by_key(|l| (group(l), l.position));
        Ok(BookingsReply { bookings: lines, counts: self.counts()? })
    }

    /// The door screen: the booking whose code was typed is checked in, once.
    fn check_in(&self, call: CheckInCall, now: DateTime<Utc>) -> AppResult<CheckInReply> {
        let tasting = call.tasting;
        let secret = self.secret()?;
        let mut stored = self
            .with_status(&tasting, &[BookingStatus::Confirmed, BookingStatus::CheckedIn])?
            .into_iter()
            .find(|s| verify_check_in_code(secret.as_bytes(), &s.booking.id, &call.code))
            .ok_or(TastingError::WrongCheckInCode)?;
        stored.booking.check_in(secret.as_bytes(), &call.code, tasting.starts_at, now)?;
        self.set_status(&stored.booking)?;
        self.changed()?;
        Ok(CheckInReply { booking: line(stored, None), counts: self.counts()? })
    }

    /// The owner cancelled the tasting: every active booking is void (never the
    /// resident's fault).
    fn void(&self, call: TastingCall, now: DateTime<Utc>) -> AppResult<DeskCounts> {
        for mut stored in self.with_status(&call.tasting, &active())? {
            if stored.booking.void(now) {
                self.set_status(&stored.booking)?;
            }
        }
        self.changed()?;
        self.counts()
    }

    /// Tells each confirmed guest not yet told that the tasting is near.
    fn remind(&self, call: TastingCall, now: DateTime<Utc>) -> AppResult<RemindReply> {
        let tasting = call.tasting;
        let rows: Vec<BookingRow> = self.rows(
            &format!("SELECT {COLUMNS} FROM bookings WHERE status = ? AND reminded = 0 ORDER BY seq"),
            vec![BookingStatus::Confirmed.as_str().into()],
        )?;
        let notice = CommunityNotice::TastingTomorrow {
            tasting_id: tasting.id.clone(),
            title: tasting.title.clone(),
            starts_at: tasting.starts_at,
            place: tasting.place.clone(),
        };
        let mut reminded = 0;
        for row in rows {
            let stored = row.into_stored(&tasting)?;
            self.tell(&tasting, &stored.booking, "reminder", &notice, now)?;
            self.storage.exec("UPDATE bookings SET reminded = 1 WHERE id = ?", vec![stored.booking.id.as_str().into()])?;
            reminded += 1;
        }
        Ok(RemindReply { reminded })
    }

    /// Puts a notice for the booking's resident in the outbox; `what` names it once per
    /// booking.
    fn tell(
        &self,
        tasting: &Tasting,
        booking: &Booking,
        what: &str,
        notice: &CommunityNotice,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        self.storage.exec(
            "INSERT INTO outbox (source, person_id, store_id, kind, json, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            vec![
                format!("{what}:{}", booking.id).into(),
                booking.person_id.as_str().into(),
                tasting.store_id.as_str().into(),
                notice.kind().as_str().into(),
                serde_json::to_string(notice)?.into(),
                now.to_rfc3339().into(),
            ],
        )
    }

    /// Copies the outbox into D1's notices. The notices are claimed before the copy, so a
    /// copy running at the same time takes others; a failure frees them for the alarm.
    async fn send_outbox(&self) {
        if let Err(e) = self.try_send_outbox().await {
            worker::console_error!("tasting desk outbox: {e:?}");
            let retry = self.storage.schedule_alarm(Some(now_ms() + OUTBOX_RETRY_MS)).await;
            if let Err(e) = retry {
                worker::console_error!("tasting desk alarm: {e:?}");
            }
        }
    }

    async fn try_send_outbox(&self) -> AppResult<()> {
        let claim = now_ms();
        let rows: Vec<OutboxRow> = self.rows(
            "SELECT id, source, person_id, store_id, kind, json, created_at FROM outbox \
             WHERE claimed_at IS NULL OR claimed_at < ? ORDER BY id LIMIT 100",
            vec![(claim - OUTBOX_CLAIM_MS).into()],
        )?;
        if rows.is_empty() {
            return Ok(());
        }
        let (marks, ids) = in_args(rows.iter().map(|r| r.id));
        let mut claim_args = vec![claim.into()];
        claim_args.extend(ids.iter().cloned());
        self.storage.exec(&format!("UPDATE outbox SET claimed_at = ? WHERE id IN ({marks})"), claim_args)?;
        let db = self.env.d1("DB")?;
        let statements = rows
            .iter()
            .map(|r| {
                db.prepare(
                    "INSERT INTO notices (person_id, store_id, kind, json, created_at, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                     ON CONFLICT (source) DO NOTHING",
                )
                .bind(&[
                    r.person_id.as_str().into(),
                    r.store_id.as_str().into(),
                    r.kind.as_str().into(),
                    r.json.as_str().into(),
                    r.created_at.as_str().into(),
                    r.source.as_str().into(),
                ])
            })
            .collect::<worker::Result<Vec<_>>>()?;
        match db.batch(statements).await {
            Ok(_) => self.storage.exec(&format!("DELETE FROM outbox WHERE id IN ({marks})"), ids),
            Err(e) => {
                self.storage.exec(&format!("UPDATE outbox SET claimed_at = NULL WHERE id IN ({marks})"), ids)?;
                Err(e.into())
            }
        }
    }
}

/// The statuses that hold seats (`BookingStatus::holds_seats`).
fn holding() -> Vec<BookingStatus> {
    BookingStatus::ALL.iter().copied().filter(|s| s.holds_seats()).collect()
}

/// The statuses of bookings still on (`BookingStatus::is_active`).
fn active() -> Vec<BookingStatus> {
    BookingStatus::ALL.iter().copied().filter(|s| s.is_active()).collect()
}

fn optional_time(at: Option<DateTime<Utc>>) -> SqlStorageValue {
    at.map_or(SqlStorageValue::Null, |t| t.to_rfc3339().into())
}

fn line(stored: Stored, position: Option<u32>) -> BookingLine {
    BookingLine {
        booking_id: stored.booking.id,
        nickname: stored.nickname,
        building: stored.building,
        unit: stored.unit,
        seats: stored.booking.seats,
        status: stored.booking.status,
        position,
        booked_at: stored.booking.booked_at,
        checked_in_at: stored.booking.checked_in_at,
    }
}
