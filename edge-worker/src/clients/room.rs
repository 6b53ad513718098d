//! Client of the `LiveRoom` Durable Objects: one object per live, named by the live's id.
//! The room answers 200 with JSON, or a problem+json that is passed on to the caller as is.

use super::{call_object, object_routes};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Utc};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use shared_model::{
    catalog::ProductSummary,
    live::{LiveSession, LiveSessionStatus, NewOffer, Offer, RoomSnapshot},
    order::{Order, Placement},
    LiveSessionId, OfferId, OrderId, PersonId,
};
use worker::{Env, Headers, Method, ObjectNamespace, Request, RequestInit, Response, Url};

object_routes! {
    /// What a `LiveRoom` answers to.
    RoomRoute {
        /// A viewer's WebSocket upgrade ([`Viewer`] in the query).
        Socket => "/socket",
        /// Create the room for a scheduled live ([`InitCall`]).
        Init => "/init",
        /// The whole room as it stands.
        Snapshot => "/snapshot",
        /// Go on air or end ([`StatusCall`]).
        Status => "/status",
        /// Pin an offer ([`PinCall`]).
        Pin => "/pin",
        /// Unpin an offer ([`UnpinCall`]).
        Unpin => "/unpin",
        /// A one-tap buy ([`BuyCall`]).
        Buy => "/buy",
        /// A live order was cancelled ([`CancelCall`]).
        Cancel => "/cancel",
        /// A resident became, or stopped being, a KOC ([`KocCall`]).
        Koc => "/koc",
    }
}

/// Who holds a socket, fixed when it connects (the worker checked the cookie).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Viewer {
    /// The signed-in person of this live's store, if any (needed to comment).
    pub person_id: Option<PersonId>,
    /// Their nickname (masked by the room before anyone else sees it).
    pub nickname: String,
    /// A key opinion consumer when they connected (the room's own KOC list wins).
    pub is_koc: bool,
    /// The client's address, which counts the sockets of viewers not signed in.
    #[serde(default)]
    pub address: String,
    /// Her session's token hash, with `person_id`: a buy over the socket checks it is
    /// still there, as a buy over HTTP does. Never sent to anyone.
    #[serde(default)]
    pub session: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct InitCall {
    pub session: LiveSession,
}

#[derive(Serialize, Deserialize)]
pub struct StatusCall {
    pub status: LiveSessionStatus,
    pub now: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
pub struct PinCall {
    pub id: OfferId,
    pub product: ProductSummary,
    pub offer: NewOffer,
    pub now: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
pub struct UnpinCall {
    pub offer_id: OfferId,
}

/// A one-tap buy: who buys, where they collect and when, as the worker read it. The room
/// prices the line and makes the order ([`Order::place`]), since the offer and the units
/// left are the room's.
#[derive(Serialize, Deserialize)]
pub struct BuyCall {
    pub offer_id: OfferId,
    pub placement: Placement,
    pub idempotency_key: String,
    pub fingerprint: String,
    pub quantity: u32,
    /// The buyer's picked-up orders, for the returning-customer price.
    pub completed_orders: u32,
    pub nickname: String,
    pub building: String,
    pub hold_grace_ms: u64,
    /// Tests only: stop after holding, as if the room died before writing the order.
    pub abandon_after_hold: bool,
}

/// The room's answer to a buy: the order, and whether the key had already made it.
#[derive(Serialize, Deserialize)]
pub struct BuyReply {
    pub order: Order,
    pub replayed: bool,
}

#[derive(Serialize, Deserialize)]
pub struct CancelCall {
    pub order_id: OrderId,
}

#[derive(Serialize, Deserialize)]
pub struct KocCall {
    pub person_id: PersonId,
    pub is_koc: bool,
}

/// The query parameter that carries the [`Viewer`] to the room's `/socket` (headers
/// cannot carry Chinese nicknames).
pub const VIEWER_PARAM: &str = "viewer";

pub struct RoomClient {
    namespace: ObjectNamespace,
}

impl RoomClient {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { namespace: env.durable_object("LIVE_ROOM")? })
    }

    async fn call<B: Serialize, T: DeserializeOwned>(&self, live: &LiveSessionId, route: RoomRoute, body: &B) -> AppResult<T> {
        call_object(&self.namespace, live.as_str(), route.path(), body).await
    }

    pub async fn init(&self, session: &LiveSession) -> AppResult<LiveSession> {
        self.call(&session.id, RoomRoute::Init, &InitCall { session: session.clone() }).await
    }

    pub async fn snapshot(&self, live: &LiveSessionId) -> AppResult<RoomSnapshot> {
        self.call(live, RoomRoute::Snapshot, &()).await
    }

    pub async fn set_status(&self, live: &LiveSessionId, call: &StatusCall) -> AppResult<LiveSession> {
        self.call(live, RoomRoute::Status, call).await
    }

    pub async fn pin(&self, live: &LiveSessionId, call: &PinCall) -> AppResult<Offer> {
        self.call(live, RoomRoute::Pin, call).await
    }

    pub async fn unpin(&self, live: &LiveSessionId, call: &UnpinCall) -> AppResult<Offer> {
        self.call(live, RoomRoute::Unpin, call).await
    }

    pub async fn buy(&self, live: &LiveSessionId, call: &BuyCall) -> AppResult<BuyReply> {
        self.call(live, RoomRoute::Buy, call).await
    }

    pub async fn cancel(&self, live: &LiveSessionId, call: &CancelCall) -> AppResult<()> {
        self.call(live, RoomRoute::Cancel, call).await
    }

    pub async fn set_koc(&self, live: &LiveSessionId, call: &KocCall) -> AppResult<()> {
        self.call(live, RoomRoute::Koc, call).await
    }

    /// Hands a viewer's WebSocket upgrade to the room; the answer carries the socket.
    pub async fn connect(&self, live: &LiveSessionId, req: &Request, viewer: &Viewer) -> AppResult<Response> {
        let stub = self.namespace.id_from_name(live.as_str())?.get_stub()?;
        let mut url =
            Url::parse(&format!("https://object{}", RoomRoute::Socket.path())).map_err(|e| AppError::Internal(e.to_string()))?;
        url.query_pairs_mut().append_pair(VIEWER_PARAM, &serde_json::to_string(viewer)?);
        let headers = Headers::new();
        for (name, value) in req.headers().entries() {
            headers.set(&name, &value)?;
        }
        let init = RequestInit { method: Method::Get, headers, ..RequestInit::default() };
        let forwarded = Request::new_with_init(url.as_str(), &init)?;
        Ok(stub.fetch_with_request(forwarded).await?)
    }
}
