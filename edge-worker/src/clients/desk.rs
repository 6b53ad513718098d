//! Client of the `TastingDesk` Durable Objects: one object per tasting, named by its id,
//! which decides that tasting's bookings one at a time. Every call carries the tasting as
//! D1 holds it, so the desk never reads D1 to decide.

use super::{call_object, object_routes};
use crate::error::AppResult;
use serde::{Deserialize, Serialize};
use shared_model::{
    api::{BookingLine, MyBooking},
    community::{NewBooking, Tasting},
    identity::Me,
    PersonId,
};
use worker::{Env, ObjectNamespace};

object_routes! {
    /// What a `TastingDesk` answers to.
    DeskRoute {
        /// Book seats or join the waitlist ([`BookCall`] → [`BookReply`]).
        Book => "/book",
        /// The resident cancels; freed seats go to the waitlist ([`GuestCall`] → [`MineReply`]).
        Cancel => "/cancel",
        /// The resident's own booking ([`GuestCall`] → [`MineReply`]).
        Mine => "/mine",
        /// Every booking, for the owner ([`TastingCall`] → [`BookingsReply`]).
        Bookings => "/bookings",
        /// The door screen checks a code in ([`CheckInCall`] → [`CheckInReply`]).
        CheckIn => "/check-in",
        /// The owner cancelled the tasting: every active booking is void ([`TastingCall`] → [`DeskCounts`]).
        Void => "/void",
        /// Tell every confirmed guest the tasting is near, once each ([`TastingCall`] → [`RemindReply`]).
        Remind => "/remind",
    }
}

/// A resident as the desk records her booking: the owner's list shows who and where,
/// and the household cap reads the building and unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Guest {
    pub person_id: PersonId,
    pub nickname: String,
    pub building: String,
    pub unit: String,
}

impl From<&Me> for Guest {
    fn from(me: &Me) -> Self {
        Guest {
            person_id: me.person_id.clone(),
            nickname: me.nickname.clone(),
            building: me.building.clone(),
            unit: me.unit.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
pub struct BookCall {
    pub tasting: Tasting,
    pub guest: Guest,
    pub request: NewBooking,
}

#[derive(Serialize, Deserialize)]
pub struct GuestCall {
    pub tasting: Tasting,
    pub person_id: PersonId,
}

#[derive(Serialize, Deserialize)]
pub struct TastingCall {
    pub tasting: Tasting,
}

#[derive(Serialize, Deserialize)]
pub struct CheckInCall {
    pub tasting: Tasting,
    pub code: String,
}

/// Seats held and bookings waiting after a call; `version` counts the desk's changes, so
/// D1's copy keeps the newest whatever order answers arrive in.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct DeskCounts {
    pub seats_taken: u32,
    pub waitlisted: u32,
    pub version: u64,
}

#[derive(Serialize, Deserialize)]
pub struct BookReply {
    pub mine: MyBooking,
    pub counts: DeskCounts,
}

#[derive(Serialize, Deserialize)]
pub struct MineReply {
    pub mine: Option<MyBooking>,
    pub counts: DeskCounts,
}

#[derive(Serialize, Deserialize)]
pub struct BookingsReply {
    pub bookings: Vec<BookingLine>,
    pub counts: DeskCounts,
}

#[derive(Serialize, Deserialize)]
pub struct CheckInReply {
    pub booking: BookingLine,
    pub counts: DeskCounts,
}

#[derive(Serialize, Deserialize)]
pub struct RemindReply {
    pub reminded: u32,
}

pub struct DeskClient {
    namespace: ObjectNamespace,
}

impl DeskClient {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { namespace: env.durable_object("TASTING_DESK")? })
    }

    async fn call<B: Serialize, T: for<'de> Deserialize<'de>>(
        &self,
        tasting: &Tasting,
        route: DeskRoute,
        body: &B,
    ) -> AppResult<T> {
        call_object(&self.namespace, tasting.id.as_str(), route.path(), body).await
    }

    pub async fn book(&self, tasting: &Tasting, guest: Guest, request: NewBooking) -> AppResult<BookReply> {
        self.call(tasting, DeskRoute::Book, &BookCall { tasting: tasting.clone(), guest, request }).await
    }

    pub async fn cancel(&self, tasting: &Tasting, person_id: &PersonId) -> AppResult<MineReply> {
        self.call(tasting, DeskRoute::Cancel, &GuestCall { tasting: tasting.clone(), person_id: person_id.clone() }).await
    }

    pub async fn mine(&self, tasting: &Tasting, person_id: &PersonId) -> AppResult<MineReply> {
        self.call(tasting, DeskRoute::Mine, &GuestCall { tasting: tasting.clone(), person_id: person_id.clone() }).await
    }

    pub async fn bookings(&self, tasting: &Tasting) -> AppResult<BookingsReply> {
        self.call(tasting, DeskRoute::Bookings, &TastingCall { tasting: tasting.clone() }).await
    }

    pub async fn check_in(&self, tasting: &Tasting, code: String) -> AppResult<CheckInReply> {
        self.call(tasting, DeskRoute::CheckIn, &CheckInCall { tasting: tasting.clone(), code }).await
    }

    pub async fn void(&self, tasting: &Tasting) -> AppResult<DeskCounts> {
        self.call(tasting, DeskRoute::Void, &TastingCall { tasting: tasting.clone() }).await
    }

    pub async fn remind(&self, tasting: &Tasting) -> AppResult<RemindReply> {
        self.call(tasting, DeskRoute::Remind, &TastingCall { tasting: tasting.clone() }).await
    }
}
