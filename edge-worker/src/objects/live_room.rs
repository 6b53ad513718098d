//! `LiveRoom`: one Durable Object per live, the source of truth for its status, pinned
//! offers, units sold, the 接龙 list and the numbered event log, and the hub its viewers'
//! WebSockets hang on (hibernation API: idle sockets cost nothing and survive evictions).
//!
//! A buy is decided with shared-model's `decide_live_buy` from synchronous SQLite reads
//! and writes with no `.await` in between, so an offer's allotment is never oversold.
//! A buy comes over HTTP through the worker, or over the buyer's own socket, where the
//! room makes the worker's checks itself (`LiveService::prepare_buy`), their reads batched
//! with the other socket buys' ([`LiveRoom::read_in_group`]).
//! The room then writes the order to D1 with the shop's own statements
//! (`storage::orders::order_statements`, guarded by `voided_orders`), and only then
//! appends the 接龙 line and broadcasts it, so every line anyone sees is a real order.
//! Writes are group-committed: while one D1 batch is in flight, the buys that arrive wait
//! and go together in the next one (each with its own guarded statements; a batch that
//! fails as a whole is written again buy by buy, so one bad buy fails no other), and a
//! group's lines are appended and sent as soon as it lands ([`LiveRoom::write_order`]). A
//! hold whose write never finished (the object was evicted mid-write) is swept by the
//! alarm exactly as `StockKeeper` sweeps its holds (`objects::sweep_stranded`).
//!
//! An offer's allotment was taken from the SKU's `StockKeeper` when it was pinned (one
//! confirmed hold, `live_allotment_key`). When the offer closes (unpinned, the live
//! ended, or its window passed) the room settles it: the unsold units go back to the
//! shelf through `pending_returns`, retried by the alarm until the keeper has them; a
//! live order cancelled later returns its units the same way.
//!
//! Broadcasting is a non-blocking send per socket; a dead socket's send fails and is
//! ignored, so no viewer holds up the room. Every event carries its sequence number and a
//! viewer resumes from the last one it saw (`live::resume`). Comments are numbered apart
//! (`live::comments`), so no flood of them pushes a buy out of what a viewer resumes from.
//! Each comment is also written to D1's `live_comments` with its author, after it is
//! sent, for the owner's 需求雷达 ([`LiveRoom::record_comments`]).
//!
//! A socket hears broadcasts only once its `hello` is answered, and the answer is made
//! after everything appended so far has gone out, in one synchronous step: a resumed
//! viewer gets exactly the events it missed, in order, and nothing newer ahead of them.
//! The 接龙 lines a socket hears carry buildings only for neighbours signed in to the
//! live's store (`live::Audience`).
//!
//! Hostile sockets: a frame's size is checked while it is still a JS string (the socket
//! handlers are exported by hand for that, see [`LiveRoom::web_socket_message`]); each
//! socket has a frame budget and a `hello` rate, each person a comment rate, and each
//! person or address a number of open sockets (`shared_model::throttle`); a viewer whose
//! queue of unsent frames grows past [`MAX_QUEUED_BYTES`] is closed.

use super::{in_args, int, now_ms, reply, sweep_stranded, to_u32, DueHold, HoldBook, ObjectStorage};
use crate::{
    clients::{
        room::{
            BuyCall, BuyReply, CancelCall, InitCall, KocCall, PinCall, RoomRoute, StatusCall, UnpinCall, Viewer, VIEWER_PARAM,
        },
        stock::{KeeperReply, ShrinkCall, StockClient},
    },
    error::{AppError, AppResult},
    http::now,
    services::{
        identity::Shopper,
        live::{BuyRequest, LiveService, PreparedBuy},
        orders::Fault,
    },
    storage::{
        self, changes,
        orders::{order_exists, order_statements},
    },
};
use chrono::{DateTime, Utc};
use futures::channel::oneshot;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use shared_model::{
    access::AccessError,
    api::{LiveBuy, OrderBrief},
    identity::mask_name,
    live::{
        comments_after, decide_live_buy, is_returning_customer, live_allotment_key, number_events, offer_state, oldest_kept,
        parse_client_message, price_for, resume, Audience, ChainEntry, ClientMessage, HoldState, LiveComment, LiveError,
        LiveSession, LiveSessionStatus, Offer, OfferState, PriceTier, Resume, RoomEvent, RoomEventKind, RoomSnapshot,
        ServerMessage, KEPT_COMMENTS, MAX_CLIENT_MESSAGE_BYTES, PING_FRAME, PONG_FRAME, SNAPSHOT_CHAIN_ENTRIES,
    },
    order::{IdempotencyKey, Order, OrderError, OrderLine},
    problem::Problem,
    throttle::{check_open_sockets, Limit, ThrottleState},
    LiveSessionId, OfferId, OrderId, PersonId, ProductId,
};
use std::{
    cell::{Cell, RefCell},
    collections::HashMap,
};
use wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};
use worker::{
    durable_object, D1Database, D1PreparedStatement, D1Result, DurableObject, Env, Request, Response, Result, SqlStorageValue,
    State, WebSocket, WebSocketPair, WebSocketRequestResponsePair,
};

/// A [`ClientMessage::Buy`] as the room carries it out.
struct SocketBuy {
    key: String,
    offer_id: OfferId,
    buy: LiveBuy,
}

/// Only `fetch` and `alarm` are exported by the macro; the socket handlers are exported
/// by hand below, to see a frame before it is copied.
#[durable_object(alarm)]
pub struct LiveRoom {
    storage: ObjectStorage,
    env: Env,
    /// Events appended but not yet sent; see [`LiveRoom::flush`].
    unsent: RefCell<Vec<RoomEvent>>,
    /// Comments posted but not yet sent, likewise.
    unsent_comments: RefCell<Vec<LiveComment>>,
    /// Comments not yet recorded in D1 with their author, for the owner's 需求雷达
    /// ([`LiveRoom::record_comments`]).
    unrecorded_comments: RefCell<Vec<(PersonId, LiveComment)>>,
    /// Whether a request is already waiting to send `unsent`.
    flushing: Cell<bool>,
    /// When the last frame went out (ms), to space frames out in a burst.
    last_flush_ms: Cell<i64>,
    /// The sockets that hear broadcasts (their `hello` was answered), by audience; read
    /// from the sockets' attachments when the room wakes, then kept here.
    listeners: RefCell<Option<Listeners>>,
    /// Orders waiting for the next group write to D1 ([`LiveRoom::write_order`]).
    queued_writes: RefCell<Vec<OrderWrite>>,
    /// Group writes in flight (at most [`MAX_WRITES_IN_FLIGHT`]).
    writing: Cell<usize>,
    /// What became of each write, by its ticket, until its buy takes it.
    written: RefCell<HashMap<u64, Written>>,
    /// The next group read's or write's ticket (a key sent twice at once writes its order
    /// twice).
    next_ticket: Cell<u64>,
    /// Buys waiting for a group write in flight to end.
    write_waiters: Waiters,
    /// Socket buys' reads waiting for the next group read ([`LiveRoom::read_in_group`]).
    queued_reads: RefCell<Vec<(u64, Vec<D1PreparedStatement>)>>,
    /// Whether a group read is in flight.
    reading: Cell<bool>,
    /// What each group read found, by ticket, until its buy takes it.
    read_results: RefCell<HashMap<u64, AppResult<Vec<D1Result>>>>,
    /// Buys waiting for a group read in flight to end.
    read_waiters: Waiters,
}

/// A held order's statements, waiting to be written with the next group.
struct OrderWrite {
    ticket: u64,
    order_id: OrderId,
    statements: Vec<D1PreparedStatement>,
}

/// What became of a held order's write.
enum Written {
    /// It is in D1 and its 接龙 line is appended.
    Landed,
    /// It is not in D1 (the header changed nothing and D1 does not have it, or the write
    /// failed): its hold goes back.
    Lost(AppError),
    /// It may or may not be in D1 (its line could not be appended, or its write was
    /// abandoned): the hold stays for the sweep to decide.
    Unsettled(AppError),
}

/// The most buys one group write carries (four statements each).
const MAX_GROUP: usize = 50;
/// Group writes in flight at once. One: with four, groups landed within a frame's spacing
/// of each other and their lines waited for the next frame (a 200-buy rush's lines p95
/// about 600 ms instead of 200 ms); the price is that a buy arriving during a write waits
/// for it (a paced sale's answers about 100 ms slower).
const MAX_WRITES_IN_FLIGHT: usize = 1;

/// Buys waiting for a group (read or write) in flight to end.
#[derive(Default)]
struct Waiters(RefCell<Vec<oneshot::Sender<()>>>);

impl Waiters {
    /// Waits until [`Self::wake_all`].
    async fn wait(&self) {
        let (done, wait) = oneshot::channel();
        self.0.borrow_mut().push(done);
        let _ = wait.await;
    }

    fn wake_all(&self) {
        for waiter in self.0.borrow_mut().drain(..) {
            let _ = waiter.send(());
        }
    }
}

/// Ends a group read, even one whose future was dropped: a read of the group with no
/// result yet fails, and the buys waiting wake (one of them reads the next group).
struct ReadingGuard<'a> {
    room: &'a LiveRoom,
    tickets: Vec<u64>,
}

impl Drop for ReadingGuard<'_> {
    fn drop(&mut self) {
        let mut results = self.room.read_results.borrow_mut();
        for ticket in &self.tickets {
            results.entry(*ticket).or_insert_with(|| Err(AppError::Internal("live buy read abandoned".into())));
        }
        drop(results);
        self.room.reading.set(false);
        self.room.read_waiters.wake_all();
    }
}

/// Ends a group write, even one whose future was dropped: a write of the group with no
/// outcome yet is left to the sweep, the count in flight drops, and the buys waiting wake
/// (one of them writes the next group).
struct WritingGuard<'a> {
    room: &'a LiveRoom,
    tickets: Vec<u64>,
}

impl Drop for WritingGuard<'_> {
    fn drop(&mut self) {
        let mut written = self.room.written.borrow_mut();
        for ticket in &self.tickets {
            written.entry(*ticket).or_insert_with(|| Written::Unsettled(AppError::Internal("live order write abandoned".into())));
        }
        drop(written);
        self.room.writing.set(self.room.writing.get().saturating_sub(1));
        self.room.write_waiters.wake_all();
    }
}

/// What one socket carries across hibernation (its attachment).
#[derive(Serialize, Deserialize, Default)]
struct SocketState {
    viewer: Viewer,
    /// Its frame budget (`Limit::SocketFrames`).
    frames: ThrottleState,
    /// Its `hello` rate (`Limit::Hello`).
    hellos: ThrottleState,
    /// Its `hello` was answered: it hears broadcasts.
    listening: bool,
}

impl SocketState {
    fn audience(&self) -> Audience {
        Audience::of(self.viewer.person_id.is_some())
    }
}

/// The listening sockets of each audience.
#[derive(Default)]
struct Listeners {
    neighbours: Vec<web_sys::WebSocket>,
    public: Vec<web_sys::WebSocket>,
}

impl Listeners {
    fn of(&mut self, audience: Audience) -> &mut Vec<web_sys::WebSocket> {
        match audience {
            Audience::Neighbours => &mut self.neighbours,
            Audience::Public => &mut self.public,
        }
    }

    fn remove(&mut self, ws: &web_sys::WebSocket) {
        for list in [&mut self.neighbours, &mut self.public] {
            list.retain(|kept| !js_sys::Object::is(kept, ws));
        }
    }
}

/// A viewer whose unsent frames pile up past this (it does not read) is closed: the room
/// keeps no unbounded queue for anyone.
const MAX_QUEUED_BYTES: u32 = 1024 * 1024;
/// Close codes: a frame too big, and a socket that broke the room's rules.
const CLOSE_TOO_BIG: u16 = 1009;
const CLOSE_POLICY: u16 = 1008;

/// The tag of a socket held by a signed-in person, or by an address not signed in.
fn socket_tag(viewer: &Viewer) -> String {
    match &viewer.person_id {
        Some(person) => format!("person:{person}"),
        None => format!("address:{}", viewer.address),
    }
}

/// How long a broadcast waits for more events to send in the same frame, and the least
/// time between two frames. Sending costs the room per viewer, so in a burst dozens of
/// buys share one send per viewer instead of one each; the price is at most
/// `FRAME_SPACING_MS` of latency.
const COALESCE_MS: i64 = 10;
const FRAME_SPACING_MS: i64 = 40;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// A WebSocket seen as plain JS, to send one JS string to many sockets without
    /// converting it from Rust once per socket.
    #[wasm_bindgen(js_name = WebSocket)]
    type RawSocket;

    #[wasm_bindgen(method, catch, js_name = send)]
    fn send_js(this: &RawSocket, data: &wasm_bindgen::JsValue) -> std::result::Result<(), wasm_bindgen::JsValue>;
}

#[derive(Deserialize)]
struct JsonRow {
    json: String,
}

#[derive(Deserialize)]
struct OfferRow {
    json: String,
    sold: i64,
    settled: i64,
}

#[derive(Deserialize)]
struct HoldRow {
    offer_id: String,
    quantity: i64,
    fingerprint: String,
    order_json: String,
    buyer_display: String,
    building: String,
}

/// What a buy holds: the order (priced, not yet written), the price tier and the live.
struct Held {
    order: Order,
    /// When this call's new hold goes to the sweep if its order has not landed (ms);
    /// `None` for a retry of the key, whose hold was made before.
    new_hold_expires_ms: Option<i64>,
    tier: PriceTier,
    live_id: LiveSessionId,
}

#[derive(Deserialize)]
struct KeyRow {
    key: String,
}

#[derive(Deserialize)]
struct ReturnRow {
    op: String,
    product_id: String,
    key: String,
    quantity: i64,
}

#[derive(Deserialize)]
struct KocRow {
    is_koc: i64,
}

#[derive(Deserialize)]
struct DueRow {
    due_ms: i64,
}

/// How soon the alarm retries returns the keeper did not take.
const RETURN_RETRY_MS: i64 = 5_000;

/// The room's tables, one entry per schema version (never edit a landed one).
/// Version 2 numbers comments apart from the events and keeps each person's comment
/// rate; an older room's comment events leave its log (a viewer resuming across the hole
/// gets a snapshot, `live::events_after`).
const SCHEMA: &[&[&str]] = &[
    &[
        "CREATE TABLE IF NOT EXISTS session (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS offers (id TEXT PRIMARY KEY, position INTEGER NOT NULL, json TEXT NOT NULL, \
     sold INTEGER NOT NULL, settled INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS holds (order_id TEXT PRIMARY KEY, offer_id TEXT NOT NULL, person_id TEXT NOT NULL, \
     quantity INTEGER NOT NULL, state TEXT NOT NULL, expires_at INTEGER NOT NULL, fingerprint TEXT NOT NULL, \
     order_json TEXT NOT NULL, buyer_display TEXT NOT NULL, building TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS holds_buyer ON holds(offer_id, person_id, state)",
        "CREATE INDEX IF NOT EXISTS holds_due ON holds(state, expires_at)",
        "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, json TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS events_kind ON events(kind, seq)",
        "CREATE TABLE IF NOT EXISTS chain (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS kocs (person_id TEXT PRIMARY KEY, is_koc INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS pending_returns (op TEXT PRIMARY KEY, product_id TEXT NOT NULL, key TEXT NOT NULL, \
     quantity INTEGER NOT NULL)",
    ],
    &[
        "DELETE FROM events WHERE kind = 'comment'",
        "CREATE TABLE IF NOT EXISTS comments (seq INTEGER PRIMARY KEY, json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS comment_rates (person_id TEXT PRIMARY KEY, due_ms INTEGER NOT NULL)",
    ],
];

/// `states` as SQL arguments, with their `?, ?` placeholders.
fn state_args(states: &[HoldState]) -> (String, Vec<SqlStorageValue>) {
    in_args(states.iter().map(|s| s.as_str()))
}

fn parse<T: DeserializeOwned>(json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|e| AppError::Internal(format!("live room state: {e}")))
}

fn problem_of(e: AppError) -> Problem {
    match e {
        AppError::Problem(p) => p,
        AppError::Internal(detail) => {
            worker::console_error!("live room: {detail}");
            Problem::internal()
        }
    }
}

fn send(ws: &WebSocket, message: &ServerMessage) {
    if let Ok(text) = serde_json::to_string(message) {
        // A closed or failing socket is the viewer's problem, never the room's.
        let _ = ws.send_with_str(text);
    }
}

impl DurableObject for LiveRoom {
    fn new(state: State, env: Env) -> Self {
        let storage = ObjectStorage::open(state, "live room", SCHEMA);
        // Keep-alive pings are answered by the runtime without waking the room.
        match WebSocketRequestResponsePair::new(PING_FRAME, PONG_FRAME) {
            Ok(pair) => storage.state().set_websocket_auto_response(&pair),
            Err(e) => worker::console_error!("live room auto-response: {e:?}"),
        }
        Self {
            storage,
            env,
            unsent: RefCell::new(Vec::new()),
            unsent_comments: RefCell::new(Vec::new()),
            unrecorded_comments: RefCell::new(Vec::new()),
            flushing: Cell::new(false),
            last_flush_ms: Cell::new(0),
            listeners: RefCell::new(None),
            queued_writes: RefCell::new(Vec::new()),
            writing: Cell::new(0),
            written: RefCell::new(HashMap::new()),
            next_ticket: Cell::new(0),
            write_waiters: Waiters::default(),
            queued_reads: RefCell::new(Vec::new()),
            reading: Cell::new(false),
            read_results: RefCell::new(HashMap::new()),
            read_waiters: Waiters::default(),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        // A busy room fires its frame timer late; any request after the spacing sends.
        self.send_unsent_if_due();
        let response = self.dispatch(req).await;
        self.flush().await;
        response
    }

    /// Sweeps stranded holds, settles offers whose window has passed, and retries returns.
    async fn alarm(&self) -> Result<Response> {
        self.storage.alarm_fired();
        let now = now();
        if let Err(e) = sweep_stranded(self, &self.env, now).await {
            worker::console_error!("live room sweep: {e:?}");
        }
        if let Err(e) = self.settle_closed(now) {
            worker::console_error!("live room settle: {e:?}");
        }
        self.flush_returns().await;
        if let Err(e) = self.schedule_alarm().await {
            worker::console_error!("live room alarm: {e:?}");
        }
        self.flush().await;
        Response::ok("swept")
    }
}

/// The socket handlers, exported by hand (the runtime calls them by these names) so a
/// frame's size is read from the JS string before anything copies it into the room.
#[wasm_bindgen(wasm_bindgen = ::worker::wasm_bindgen, wasm_bindgen_futures = ::worker::wasm_bindgen_futures)]
impl LiveRoom {
    #[wasm_bindgen(js_name = webSocketMessage)]
    pub async fn web_socket_message(&self, ws: web_sys::WebSocket, message: JsValue) -> std::result::Result<JsValue, JsValue> {
        // Frames that were on their way when the room closed the socket are dropped unread.
        if ws.ready_state() != web_sys::WebSocket::OPEN {
            return Ok(JsValue::NULL);
        }
        let ws = WebSocket::from(ws);
        // Binary frames are never ours; a text frame's UTF-16 length bounds its UTF-8 size
        // from below, so an oversized frame is refused here, uncopied.
        let text = match message.dyn_ref::<js_sys::JsString>() {
            Some(text) if text.length() as usize <= MAX_CLIENT_MESSAGE_BYTES => String::from(text),
            _ => {
                self.drop_socket(&ws, CLOSE_TOO_BIG, "frame too big");
                return Ok(JsValue::NULL);
            }
        };
        if let Some((viewer, buy)) = self.on_frame(&ws, &text) {
            self.buy_over_socket(&ws, viewer, buy).await;
        }
        self.flush().await;
        self.record_comments().await;
        Ok(JsValue::NULL)
    }

    #[wasm_bindgen(js_name = webSocketClose)]
    pub async fn web_socket_close(
        &self,
        ws: web_sys::WebSocket,
        _code: u16,
        _reason: String,
        _was_clean: bool,
    ) -> std::result::Result<JsValue, JsValue> {
        // Complete the closing handshake; the runtime forgets the socket afterwards.
        self.drop_socket(&WebSocket::from(ws), 1000, "bye");
        Ok(JsValue::NULL)
    }

    #[wasm_bindgen(js_name = webSocketError)]
    pub async fn web_socket_error(&self, ws: web_sys::WebSocket, _error: JsValue) -> std::result::Result<JsValue, JsValue> {
        self.drop_socket(&WebSocket::from(ws), 1011, "error");
        Ok(JsValue::NULL)
    }
}

impl LiveRoom {
    async fn dispatch(&self, mut req: Request) -> Result<Response> {
        let Some(route) = RoomRoute::from_path(&req.path()) else {
            return Response::error("no such live room route", 404);
        };
        match route {
            RoomRoute::Socket => self.handle_socket(&req),
            RoomRoute::Init => reply(self.handle_init(req.json().await?)),
            RoomRoute::Snapshot => reply(self.snapshot()),
            RoomRoute::Status => reply(self.handle_status(req.json().await?).await),
            RoomRoute::Pin => reply(self.handle_pin(req.json().await?).await),
            RoomRoute::Unpin => reply(self.handle_unpin(req.json().await?).await),
            RoomRoute::Buy => reply(self.handle_buy(req.json().await?).await),
            RoomRoute::Cancel => reply(self.handle_cancel(req.json().await?).await),
            RoomRoute::Koc => reply(self.handle_koc(req.json().await?)),
        }
    }

    fn sql(&self) -> &worker::SqlStorage {
        self.storage.sql()
    }

    // -- state -----------------------------------------------------------------------

    fn session(&self) -> AppResult<LiveSession> {
        let rows: Vec<JsonRow> = self.sql().exec("SELECT json FROM session WHERE id = 1", None)?.to_array()?;
        parse(&rows.first().ok_or(LiveError::LiveNotFound)?.json)
    }

    fn save_session(&self, session: &LiveSession) -> AppResult<()> {
        self.sql().exec(
            "INSERT INTO session (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            vec![serde_json::to_string(session)?.into()],
        )?;
        Ok(())
    }

    /// An offer with its current `sold`, and whether it has been settled.
    fn offer(&self, id: &OfferId) -> AppResult<(Offer, bool)> {
        let rows: Vec<OfferRow> =
            self.sql().exec("SELECT json, sold, settled FROM offers WHERE id = ?", vec![id.as_str().into()])?.to_array()?;
        let row = rows.first().ok_or(LiveError::OfferNotFound)?;
        Ok((Self::offer_of(row)?, row.settled != 0))
    }

    fn offer_of(row: &OfferRow) -> AppResult<Offer> {
        let mut offer: Offer = parse(&row.json)?;
        offer.sold = to_u32(row.sold);
        Ok(offer)
    }

    fn offers(&self) -> AppResult<Vec<(Offer, bool)>> {
        let rows: Vec<OfferRow> =
            self.sql().exec("SELECT json, sold, settled FROM offers ORDER BY position", None)?.to_array()?;
        rows.iter().map(|row| Ok((Self::offer_of(row)?, row.settled != 0))).collect()
    }

    fn save_offer(&self, offer: &Offer) -> AppResult<()> {
        self.sql().exec(
            "INSERT INTO offers (id, position, json, sold) VALUES (?, (SELECT COUNT(*) + 1 FROM offers), ?, ?) \
             ON CONFLICT (id) DO UPDATE SET json = excluded.json, sold = excluded.sold",
            vec![offer.id.as_str().into(), serde_json::to_string(offer)?.into(), int(offer.sold)],
        )?;
        Ok(())
    }

    fn set_sold(&self, id: &OfferId, sold: u32) -> AppResult<()> {
        self.sql().exec("UPDATE offers SET sold = ? WHERE id = ?", vec![int(sold), id.as_str().into()])?;
        Ok(())
    }

    fn number(&self, query: &str, args: Vec<SqlStorageValue>) -> AppResult<i64> {
        self.storage.number(query, args)
    }

    /// Numbers and keeps `kinds` as the next events, dropping what falls out of the kept
    /// window, and returns them for broadcasting.
    fn append(&self, at: DateTime<Utc>, kinds: Vec<RoomEventKind>) -> AppResult<Vec<RoomEvent>> {
        let last_seq = u64::try_from(self.number("SELECT MAX(seq) AS n FROM events", vec![])?).unwrap_or(0);
        let events = number_events(last_seq, at, kinds);
        let mut values = Vec::with_capacity(events.len() * 3);
        for event in &events {
            values.extend([int(event.seq), event.kind.tag().into(), serde_json::to_string(event)?.into()]);
        }
        self.storage.insert_rows("events (seq, kind, json)", 3, values)?;
        if let Some(newest) = events.last() {
            self.sql().exec("DELETE FROM events WHERE seq < ?", vec![int(oldest_kept(newest.seq))])?;
        }
        Ok(events)
    }

    /// Appends events; they go out with the next [`Self::flush`].
    fn append_and_broadcast(&self, at: DateTime<Utc>, kinds: Vec<RoomEventKind>) -> AppResult<()> {
        let events = self.append(at, kinds)?;
        self.unsent.borrow_mut().extend(events);
        Ok(())
    }

    /// Sends the unsent events and comments to every listening socket, after waiting a
    /// little for more ([`COALESCE_MS`], [`FRAME_SPACING_MS`]). Every handler ends with
    /// it; while one request waits, the others leave their events to it.
    async fn flush(&self) {
        if self.flushing.get() || (self.unsent.borrow().is_empty() && self.unsent_comments.borrow().is_empty()) {
            return;
        }
        self.flushing.set(true);
        let wait = COALESCE_MS.max(self.last_flush_ms.get() + FRAME_SPACING_MS - now_ms());
        worker::Delay::from(std::time::Duration::from_millis(wait.unsigned_abs())).await;
        self.flushing.set(false);
        self.send_unsent();
    }

    /// Sends what is unsent now if the last frame is at least [`FRAME_SPACING_MS`] old: a
    /// group write's lines go out as it lands (or with the next request), without waiting
    /// for a timer that a busy room fires late. Otherwise the pending [`Self::flush`]
    /// sends them.
    fn send_unsent_if_due(&self) {
        if now_ms() >= self.last_flush_ms.get() + FRAME_SPACING_MS {
            self.send_unsent();
        }
    }

    /// Sends what is unsent now, in one synchronous step: one frame of events and one of
    /// comments per socket, each serialised once per audience.
    fn send_unsent(&self) {
        let events = std::mem::take(&mut *self.unsent.borrow_mut());
        let comments = std::mem::take(&mut *self.unsent_comments.borrow_mut());
        if events.is_empty() && comments.is_empty() {
            return;
        }
        self.last_flush_ms.set(now_ms());
        let mut stuck = Vec::new();
        let mut listeners = self.listeners.borrow_mut();
        let listeners = listeners.get_or_insert_with(|| self.read_listeners());
        for audience in [Audience::Neighbours, Audience::Public] {
            let mut frames = Vec::new();
            if !events.is_empty() {
                let events = events.iter().map(|e| e.shown_to(audience)).collect();
                frames.extend(serde_json::to_string(&ServerMessage::Events { events }).ok());
            }
            if !comments.is_empty() {
                frames.extend(serde_json::to_string(&ServerMessage::Comments { comments: comments.clone() }).ok());
            }
            let frames: Vec<JsValue> = frames.iter().map(|f| JsValue::from_str(f)).collect();
            for raw in listeners.of(audience).iter() {
                // A viewer who does not read is closed rather than queued for without end.
                if raw.buffered_amount() > MAX_QUEUED_BYTES {
                    stuck.push(raw.clone());
                    continue;
                }
                for frame in &frames {
                    // A closed or failing socket is the viewer's problem, never the room's.
                    let _ = raw.unchecked_ref::<RawSocket>().send_js(frame);
                }
            }
        }
        for raw in stuck {
            listeners.remove(&raw);
            let _ = raw.close_with_code_and_reason(CLOSE_POLICY, "not reading");
        }
    }

    /// The listening sockets, from their attachments (after the room woke up).
    fn read_listeners(&self) -> Listeners {
        let mut listeners = Listeners::default();
        for ws in self.storage.state().get_websockets() {
            if let Ok(Some(state)) = ws.deserialize_attachment::<SocketState>() {
                if state.listening {
                    listeners.of(state.audience()).push(ws.as_ref().clone());
                }
            }
        }
        listeners
    }

    fn snapshot(&self) -> AppResult<RoomSnapshot> {
        let session = self.session()?;
        let offers = self.offers()?.into_iter().map(|(offer, _)| offer).collect();
        let chain: Vec<ChainEntry> = self.newest("chain", SNAPSHOT_CHAIN_ENTRIES)?;
        let comments = self.kept_comments()?;
        Ok(RoomSnapshot {
            session,
            offers,
            chain,
            chain_total: u64::try_from(self.number("SELECT MAX(seq) AS n FROM chain", vec![])?).unwrap_or(0),
            comments,
            last_seq: u64::try_from(self.number("SELECT MAX(seq) AS n FROM events", vec![])?).unwrap_or(0),
            now: now(),
        })
    }

    // -- owner calls -----------------------------------------------------------------

    /// Creates the room for a scheduled live; a second call changes nothing.
    fn handle_init(&self, call: InitCall) -> AppResult<LiveSession> {
        match self.session() {
            Ok(session) => Ok(session),
            Err(_) => {
                self.save_session(&call.session)?;
                Ok(call.session)
            }
        }
    }

    async fn handle_status(&self, call: StatusCall) -> AppResult<LiveSession> {
        let mut session = self.session()?;
        match call.status {
            LiveSessionStatus::Live => {
                session.start(call.now)?;
                self.save_session(&session)?;
                self.append_and_broadcast(call.now, vec![RoomEventKind::LiveStarted])?;
            }
            LiveSessionStatus::Ended => {
                session.end(call.now)?;
                self.save_session(&session)?;
                // Ending unpins every offer (viewers do the same on `LiveEnded`).
                for (mut offer, settled) in self.offers()? {
                    if offer.pinned {
                        offer.unpin();
                        self.save_offer(&offer)?;
                    }
                    if !settled {
                        self.settle(&offer)?;
                    }
                }
                self.append_and_broadcast(call.now, vec![RoomEventKind::LiveEnded])?;
                self.flush_returns().await;
            }
            LiveSessionStatus::Scheduled => return Err(LiveError::LiveAlreadyStarted.into()),
        }
        Ok(session)
    }

    async fn handle_pin(&self, call: PinCall) -> AppResult<Offer> {
        let session = self.session()?;
        let offer = Offer::pin(call.id, &session, &call.product, &call.offer, call.now)?;
        self.save_offer(&offer)?;
        self.append_and_broadcast(call.now, vec![RoomEventKind::OfferPinned { offer: Box::new(offer.clone()) }])?;
        self.schedule_alarm().await?;
        Ok(offer)
    }

    async fn handle_unpin(&self, call: UnpinCall) -> AppResult<Offer> {
        let (mut offer, settled) = self.offer(&call.offer_id)?;
        if offer.pinned {
            offer.unpin();
            self.save_offer(&offer)?;
            self.append_and_broadcast(now(), vec![RoomEventKind::OfferUnpinned { offer_id: offer.id.clone() }])?;
        }
        if !settled {
            self.settle(&offer)?;
        }
        self.flush_returns().await;
        Ok(offer)
    }

    fn handle_koc(&self, call: KocCall) -> AppResult<()> {
        self.sql().exec(
            "INSERT INTO kocs (person_id, is_koc) VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE SET is_koc = excluded.is_koc",
            vec![call.person_id.as_str().into(), int(i64::from(call.is_koc))],
        )?;
        Ok(())
    }

    // -- buying ------------------------------------------------------------------------

    /// Decides the buy (synchronously), writes the order to D1 with the next group, whose
    /// landing confirms the hold (the 接龙 line). A repeated key replays.
    async fn handle_buy(&self, call: BuyCall) -> AppResult<BuyReply> {
        let Held { order, new_hold_expires_ms, tier, live_id } = self.hold_for(&call)?;
        // A new hold adds only its own expiry to what the alarm must cover.
        if new_hold_expires_ms.is_some_and(|at| !self.storage.alarm_set_by(at)) {
            self.schedule_alarm().await?;
        }
        let first_time = new_hold_expires_ms.is_some();
        if call.abandon_after_hold {
            return Err(AppError::Internal("fault injected: abandoned after holding".into()));
        }
        let db = self.env.d1("DB")?;
        let key = IdempotencyKey::parse(&call.idempotency_key).map_err(|_| AppError::Internal("bad idempotency key".into()))?;
        let mut statements = order_statements(&db, &key, &call.fingerprint, &order)?;
        statements.push(
            db.prepare(
                "INSERT INTO live_orders (order_id, live_session_id, offer_id, tier, returning_customer) \
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?1) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                order.id.as_str().into(),
                live_id.as_str().into(),
                call.offer_id.as_str().into(),
                tier.as_str().into(),
                u32::from(is_returning_customer(call.completed_orders)).into(),
            ])?,
        );
        match self.write_order(order.id.clone(), statements).await {
            Written::Landed => Ok(BuyReply { order, replayed: !first_time }),
            Written::Lost(e) => {
                self.release_hold(&order.id, &[HoldState::Held], HoldState::Released)?;
                self.flush_returns().await;
                Err(e)
            }
            Written::Unsettled(e) => Err(e),
        }
    }

    /// A ticket for a read or write waiting for its group.
    fn take_ticket(&self) -> u64 {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket + 1);
        ticket
    }

    /// Reads what a socket buy checks (its `statements`) with the next group, as
    /// [`Self::write_order`] writes: while one group read is in flight, the buys that
    /// arrive queue up, and when it ends one of them reads everything queued (up to
    /// [`MAX_GROUP`] buys) in one D1 batch. A rush then reads in a few batches, not one per
    /// buy. Returns this buy's results, in order.
    async fn read_in_group(&self, statements: Vec<D1PreparedStatement>) -> AppResult<Vec<D1Result>> {
        let db = self.env.d1("DB")?;
        let ticket = self.take_ticket();
        self.queued_reads.borrow_mut().push((ticket, statements));
        loop {
            if let Some(read) = self.read_results.borrow_mut().remove(&ticket) {
                return read;
            }
            if self.reading.get() {
                self.read_waiters.wait().await;
                continue;
            }
            let group: Vec<(u64, Vec<D1PreparedStatement>)> = {
                let mut queued = self.queued_reads.borrow_mut();
                let n = queued.len().min(MAX_GROUP);
                queued.drain(..n).collect()
            };
            self.reading.set(true);
            let _reading = ReadingGuard { room: self, tickets: group.iter().map(|(ticket, _)| *ticket).collect() };
            let sizes: Vec<(u64, usize)> = group.iter().map(|(ticket, reads)| (*ticket, reads.len())).collect();
            let read = db.batch(group.into_iter().flat_map(|(_, reads)| reads).collect()).await;
            let mut results = self.read_results.borrow_mut();
            match read {
                Ok(rows) => {
                    let mut rows = rows.into_iter();
                    for (ticket, size) in sizes {
                        results.insert(ticket, Ok(rows.by_ref().take(size).collect()));
                    }
                }
                Err(e) => {
                    for (ticket, _) in sizes {
                        results.insert(ticket, Err(AppError::Internal(format!("live buy reads: {e}"))));
                    }
                }
            }
        }
    }

    /// Writes a held order (its `statements`) with the next group: while
    /// [`MAX_WRITES_IN_FLIGHT`] group writes are in flight, buys queue up; when one ends,
    /// one of them writes everything queued (up to [`MAX_GROUP`]) in one D1 batch,
    /// confirms what landed and sends the lines at once.
    /// Between awaits the room runs one thing at a time, so the queue and the flags need
    /// no lock.
    async fn write_order(&self, order_id: OrderId, statements: Vec<D1PreparedStatement>) -> Written {
        let ticket = self.take_ticket();
        self.queued_writes.borrow_mut().push(OrderWrite { ticket, order_id, statements });
        loop {
            if let Some(written) = self.written.borrow_mut().remove(&ticket) {
                return written;
            }
            // Queued (not yet taken into a group in flight) and room for one more write.
            let queued = self.queued_writes.borrow().iter().any(|w| w.ticket == ticket);
            if !queued || self.writing.get() >= MAX_WRITES_IN_FLIGHT {
                self.write_waiters.wait().await;
                continue;
            }
            let group: Vec<OrderWrite> = {
                let mut queued = self.queued_writes.borrow_mut();
                let n = queued.len().min(MAX_GROUP);
                queued.drain(..n).collect()
            };
            self.writing.set(self.writing.get() + 1);
            let _writing = WritingGuard { room: self, tickets: group.iter().map(|w| w.ticket).collect() };
            let outcomes = self.write_group(group).await;
            let landed: Vec<&OrderId> =
                outcomes.iter().filter(|(_, landed)| landed.is_ok()).map(|(write, _)| &write.order_id).collect();
            let mut confirmed = self.confirm(&landed, now()).into_iter();
            let mut written = self.written.borrow_mut();
            for (write, landed) in outcomes {
                let outcome = match landed {
                    Ok(()) => match confirmed.next() {
                        Some(Ok(())) => Written::Landed,
                        Some(Err(e)) => Written::Unsettled(e),
                        None => Written::Unsettled(AppError::Internal("landed order not confirmed".into())),
                    },
                    Err(e) => Written::Lost(e),
                };
                written.insert(write.ticket, outcome);
            }
            drop(written);
            self.send_unsent_if_due();
        }
    }

    /// Writes a group in one D1 batch; if the batch fails as a whole, each order again
    /// in a batch of its own. Says for each order whether it is in D1.
    async fn write_group(&self, group: Vec<OrderWrite>) -> Vec<(OrderWrite, AppResult<()>)> {
        let db = match self.env.d1("DB") {
            Ok(db) => db,
            Err(e) => return group.into_iter().map(|w| (w, Err(AppError::Internal(e.to_string())))).collect(),
        };
        if group.len() > 1 {
            let all: Vec<D1PreparedStatement> = group.iter().flat_map(|w| w.statements.iter().cloned()).collect();
            if let Ok(results) = db.batch(all).await {
                let mut outcomes = Vec::with_capacity(group.len());
                let mut header = 0;
                for write in group {
                    let changed = results.get(header).map_or(0, changes) > 0;
                    header += write.statements.len();
                    let landed = if changed { Ok(()) } else { Self::landed_anyway(&db, &write.order_id, Ok(())).await };
                    outcomes.push((write, landed));
                }
                return outcomes;
            }
        }
        let mut outcomes = Vec::with_capacity(group.len());
        for write in group {
            let landed = match db.batch(write.statements.clone()).await {
                Ok(results) if results.first().map_or(0, changes) > 0 => Ok(()),
                Ok(_) => Self::landed_anyway(&db, &write.order_id, Ok(())).await,
                Err(e) => Self::landed_anyway(&db, &write.order_id, Err(e.into())).await,
            };
            outcomes.push((write, landed));
        }
        outcomes
    }

    /// An order whose header changed nothing (a retry with its key wrote it first, or the
    /// sweep voided its id) or whose write failed (it may still have landed): D1 says
    /// whether it is there. Not there: `failure`, or the write timed out.
    async fn landed_anyway(db: &D1Database, order: &OrderId, failure: AppResult<()>) -> AppResult<()> {
        if order_exists(db, order).await.unwrap_or(false) {
            return Ok(());
        }
        failure.and(Err(OrderError::TimedOut.into()))
    }

    /// The order this call holds stock for: a new hold when the key is new, the existing
    /// one when it is a retry. Read, decide, write: no await in here.
    fn hold_for(&self, call: &BuyCall) -> AppResult<Held> {
        let existing: Vec<HoldRow> = self
            .sql()
            .exec(
                "SELECT offer_id, quantity, fingerprint, order_json, buyer_display, building FROM holds WHERE order_id = ?",
                vec![call.placement.id.as_str().into()],
            )?
            .to_array()?;
        let (offer, _) = self.offer(&call.offer_id)?;
        let (unit_price, tier) = price_for(&offer, call.completed_orders);
        let live_id = offer.live_session_id.clone();
        if let Some(hold) = existing.first() {
            if hold.fingerprint != call.fingerprint {
                return Err(OrderError::IdempotencyKeyReused.into());
            }
            return Ok(Held { order: parse(&hold.order_json)?, new_hold_expires_ms: None, tier, live_id });
        }
        let (sold_states, mut args) = state_args(HoldState::SOLD);
        args.splice(0..0, [call.offer_id.as_str().into(), call.placement.person_id.as_str().into()]);
        let buyer_already = self.number(
            &format!("SELECT SUM(quantity) AS n FROM holds WHERE offer_id = ? AND person_id = ? AND state IN ({sold_states})"),
            args,
        )?;
        let now = call.placement.placed_at;
        let sold = decide_live_buy(&offer, offer.sold, to_u32(buyer_already), call.quantity, now)?;
        let line = OrderLine::new(offer.product_id.clone(), offer.name.clone(), offer.unit.clone(), unit_price, call.quantity)
            .ok_or(OrderError::TotalTooLarge)?;
        let order = Order::place(call.placement.clone(), vec![line])?;
        let expires_at_ms = now_ms().saturating_add(i64::try_from(call.hold_grace_ms).unwrap_or(i64::MAX));
        self.sql().exec(
            "INSERT INTO holds (order_id, offer_id, person_id, quantity, state, expires_at, fingerprint, order_json, \
             buyer_display, building) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            vec![
                order.id.as_str().into(),
                offer.id.as_str().into(),
                order.person_id.as_str().into(),
                int(call.quantity),
                HoldState::Held.as_str().into(),
                int(expires_at_ms),
                call.fingerprint.as_str().into(),
                serde_json::to_string(&order)?.into(),
                mask_name(&call.nickname).into(),
                call.building.trim().into(),
            ],
        )?;
        self.set_sold(&offer.id, sold)?;
        Ok(Held { order, new_hold_expires_ms: Some(expires_at_ms), tier, live_id })
    }

    /// Marks held orders as written and shows them: for each, the next 接龙 line, then the
    /// stock bar of each offer they bought from, appended for the whole group at once (one
    /// read of the last numbers and one trim of the log, instead of one per order). One
    /// stock event per offer says all the group's would have (a hold counts in `sold` from
    /// when it is taken), in half the events a viewer reads. Returns each order's outcome,
    /// in order; a hold already confirmed (a replay) confirms as nothing.
    fn confirm(&self, order_ids: &[&OrderId], at: DateTime<Utc>) -> Vec<AppResult<()>> {
        let Ok(last) = self.number("SELECT MAX(seq) AS n FROM chain", vec![]) else {
            return order_ids.iter().map(|_| Err(AppError::Internal("live room: chain unreadable".into()))).collect();
        };
        let mut seq = u64::try_from(last).unwrap_or(0);
        let (mut kinds, mut offers) = (Vec::new(), Vec::new());
        let shown: Vec<AppResult<bool>> =
            order_ids.iter().map(|order_id| self.confirm_one(order_id, &mut seq, &mut kinds, &mut offers, at)).collect();
        for offer_id in offers {
            match self.offer(&offer_id) {
                Ok((offer, _)) => {
                    kinds.push(RoomEventKind::StockChanged { offer_id, sold: offer.sold, allotted: offer.allotted })
                }
                Err(e) => worker::console_error!("live room: offer {offer_id} unreadable: {e:?}"),
            }
        }
        let appended = kinds.is_empty()
            || self.append_and_broadcast(at, kinds).map_err(|e| worker::console_error!("live room events: {e:?}")).is_ok();
        shown
            .into_iter()
            .map(|shown| match shown {
                Ok(true) if !appended => Err(AppError::Internal("live room: events not appended".into())),
                shown => shown.map(drop),
            })
            .collect()
    }

    /// Confirms one held order as the 接龙 line after `seq` (moved on), adding it to
    /// `kinds` and its offer to `offers`; `false` if it was not held.
    fn confirm_one(
        &self,
        order_id: &OrderId,
        seq: &mut u64,
        kinds: &mut Vec<RoomEventKind>,
        offers: &mut Vec<OfferId>,
        at: DateTime<Utc>,
    ) -> AppResult<bool> {
        let Some(hold) = self.move_hold(order_id, &[HoldState::Held], HoldState::Confirmed)? else { return Ok(false) };
        let entry = ChainEntry::new(*seq + 1, &hold.buyer_display, &hold.building, to_u32(hold.quantity), at);
        self.sql()
            .exec("INSERT INTO chain (seq, json) VALUES (?, ?)", vec![int(entry.seq), serde_json::to_string(&entry)?.into()])?;
        *seq = entry.seq;
        kinds.push(RoomEventKind::ChainAppended { entry });
        let offer_id = OfferId::new_unchecked(hold.offer_id);
        if !offers.contains(&offer_id) {
            offers.push(offer_id);
        }
        Ok(true)
    }

    /// Moves a hold from one of `from` to `to`, returning it if it moved.
    fn move_hold(&self, order_id: &OrderId, from: &[HoldState], to: HoldState) -> AppResult<Option<HoldRow>> {
        let (from_states, from_args) = state_args(from);
        let mut args: Vec<SqlStorageValue> = vec![to.as_str().into(), order_id.as_str().into()];
        args.extend(from_args);
        let moved: Vec<HoldRow> = self.storage.rows(
            &format!(
                "UPDATE holds SET state = ? WHERE order_id = ? AND state IN ({from_states}) \
                 RETURNING offer_id, quantity, fingerprint, order_json, buyer_display, building"
            ),
            args,
        )?;
        Ok(moved.into_iter().next())
    }

    /// Takes a hold's units off the offer's count (and, once the offer is settled, queues
    /// them for the shelf), and shows the new count.
    fn release_hold(&self, order_id: &OrderId, from: &[HoldState], to: HoldState) -> AppResult<()> {
        let Some(hold) = self.move_hold(order_id, from, to)? else { return Ok(()) };
        let (offer, settled) = self.offer(&OfferId::new_unchecked(hold.offer_id))?;
        let quantity = to_u32(hold.quantity);
        let sold = offer.sold.saturating_sub(quantity);
        self.set_sold(&offer.id, sold)?;
        if settled {
            self.queue_return(&format!("{}:{order_id}", to.as_str()), &offer, quantity)?;
        }
        self.append_and_broadcast(now(), vec![RoomEventKind::StockChanged { offer_id: offer.id, sold, allotted: offer.allotted }])
    }

    async fn handle_cancel(&self, call: CancelCall) -> AppResult<()> {
        self.release_hold(&call.order_id, HoldState::SOLD, HoldState::Cancelled)?;
        self.flush_returns().await;
        Ok(())
    }

    // -- settling with the shelf -------------------------------------------------------

    /// Closes the offer's books: what was not sold goes back to the shelf.
    fn settle(&self, offer: &Offer) -> AppResult<()> {
        self.sql().exec("UPDATE offers SET settled = 1 WHERE id = ?", vec![offer.id.as_str().into()])?;
        let unsold = offer.remaining(offer.sold);
        self.queue_return(&format!("settle:{}", offer.id), offer, unsold)
    }

    fn queue_return(&self, op: &str, offer: &Offer, quantity: u32) -> AppResult<()> {
        if quantity == 0 {
            return Ok(());
        }
        self.sql().exec(
            "INSERT INTO pending_returns (op, product_id, key, quantity) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            vec![op.into(), offer.product_id.as_str().into(), live_allotment_key(&offer.id).into(), int(quantity)],
        )?;
        Ok(())
    }

    /// Settles every unsettled offer whose window has passed.
    fn settle_closed(&self, now: DateTime<Utc>) -> AppResult<()> {
        for (offer, settled) in self.offers()? {
            if !settled && offer_state(&offer, offer.sold, now) == OfferState::Closed {
                self.settle(&offer)?;
            }
        }
        Ok(())
    }

    /// Hands queued units back to the shelf's keeper; what fails stays queued for the alarm.
    async fn flush_returns(&self) {
        if let Err(e) = self.try_flush_returns().await {
            worker::console_error!("live room returns: {e:?}");
            let _ = self.schedule_alarm().await;
        }
    }

    async fn try_flush_returns(&self) -> AppResult<()> {
        let pending: Vec<ReturnRow> =
            self.sql().exec("SELECT op, product_id, key, quantity FROM pending_returns", None)?.to_array()?;
        if pending.is_empty() {
            return Ok(());
        }
        let store = self.session()?.store_id;
        let (stock, db) = (StockClient::new(&self.env)?, self.env.d1("DB")?);
        for row in pending {
            let product = ProductId::new_unchecked(row.product_id);
            let call = ShrinkCall { key: row.key, quantity: to_u32(row.quantity), op: row.op.clone() };
            if let KeeperReply::Released { available, version, .. } = stock.shrink(&store, &product, &call).await? {
                storage::stock::record(&db, &store, &product, available, version).await?;
            }
            self.sql().exec("DELETE FROM pending_returns WHERE op = ?", vec![row.op.into()])?;
        }
        Ok(())
    }

    // -- the alarm ---------------------------------------------------------------------

    /// Sets the alarm for the next thing due: a hold's grace, an open offer's close, or a
    /// retry of returns the keeper did not take.
    async fn schedule_alarm(&self) -> AppResult<()> {
        let held =
            self.number("SELECT MIN(expires_at) AS n FROM holds WHERE state = ?", vec![HoldState::Held.as_str().into()])?;
        let mut next = (held > 0).then_some(held);
        for (offer, settled) in self.offers()? {
            if !settled {
                let close = offer.closes_at.timestamp_millis();
                next = Some(next.map_or(close, |n| n.min(close)));
            }
        }
        if self.number("SELECT COUNT(*) AS n FROM pending_returns", vec![])? > 0 {
            let retry = now_ms() + RETURN_RETRY_MS;
            next = Some(next.map_or(retry, |n| n.min(retry)));
        }
        self.storage.schedule_alarm(next).await
    }

    // -- viewers -----------------------------------------------------------------------

    /// Accepts a viewer's socket, unless the person (or, not signed in, the address)
    /// already holds the most sockets a room allows.
    fn handle_socket(&self, req: &Request) -> Result<Response> {
        if self.session().is_err() {
            return Ok(AppError::from(LiveError::LiveNotFound).into_response());
        }
        let viewer: Viewer = req
            .url()?
            .query_pairs()
            .find(|(k, _)| k == VIEWER_PARAM)
            .and_then(|(_, v)| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let tag = socket_tag(&viewer);
        let open = self.storage.state().get_websockets_with_tag(&tag).len();
        if let Err(e) = check_open_sockets(open, viewer.person_id.is_some()) {
            return Ok(AppError::from(e).into_response());
        }
        let pair = WebSocketPair::new()?;
        self.storage.state().accept_websocket_with_tags(&pair.server, &[&tag]);
        pair.server.serialize_attachment(SocketState { viewer, ..SocketState::default() })?;
        Response::from_websocket(pair.client)
    }

    /// One text frame from a viewer, within the size limit, answered at once; a buy is
    /// returned to be carried out (it waits on D1). Every frame spends the socket's budget;
    /// a socket that has spent it is closed.
    fn on_frame(&self, ws: &WebSocket, text: &str) -> Option<(Viewer, SocketBuy)> {
        let Ok(Some(mut state)) = ws.deserialize_attachment::<SocketState>() else {
            self.drop_socket(ws, CLOSE_POLICY, "unknown socket");
            return None;
        };
        let now = now_ms();
        match state.frames.attempt(Limit::SocketFrames, now) {
            Ok(frames) => state.frames = frames,
            Err(_) => {
                self.drop_socket(ws, CLOSE_POLICY, "too many frames");
                return None;
            }
        }
        let mut buy = None;
        let answer = match parse_client_message(text) {
            Ok(ClientMessage::Hello { last_seen, last_comment }) => match state.hellos.attempt(Limit::Hello, now) {
                Ok(hellos) => {
                    state.hellos = hellos;
                    self.hello(ws, &mut state, last_seen, last_comment)
                }
                Err(e) => Err(e.into()),
            },
            Ok(ClientMessage::Comment { text }) => self.comment(&state.viewer, text),
            Ok(ClientMessage::Ping) => Ok(vec![ServerMessage::Pong]),
            Ok(ClientMessage::Buy { key, offer_id, quantity, pickup_point_id }) => {
                buy = Some((state.viewer.clone(), SocketBuy { key, offer_id, buy: LiveBuy { quantity, pickup_point_id } }));
                Ok(vec![])
            }
            Err(e) => Err(e.into()),
        };
        let replies = answer.unwrap_or_else(|e| vec![ServerMessage::Error { problem: problem_of(e) }]);
        if let Err(e) = ws.serialize_attachment(&state) {
            worker::console_error!("live room socket state: {e:?}");
        }
        for reply in &replies {
            send(ws, reply);
        }
        buy
    }

    /// 立即抢购 over the socket, answered on it under the buy's key: the checks the worker
    /// makes for a buy over HTTP (`LiveService::prepare_buy`: her session, the store, the
    /// key's earlier order, the pickup point: one D1 batch), then [`Self::handle_buy`]. No
    /// request, route or call between objects: in a rush, that is most of a buy's cost.
    async fn buy_over_socket(&self, ws: &WebSocket, viewer: Viewer, buy: SocketBuy) {
        let answer = match self.socket_buy(viewer, &buy).await {
            Ok((order, replayed)) => ServerMessage::Bought { key: buy.key, order: OrderBrief::from(&order), replayed },
            Err(e) => ServerMessage::BuyFailed { key: buy.key, problem: problem_of(e) },
        };
        send(ws, &answer);
    }

    async fn socket_buy(&self, viewer: Viewer, buy: &SocketBuy) -> AppResult<(Order, bool)> {
        let (Some(person_id), Some(session)) = (viewer.person_id, viewer.session) else {
            return Err(AccessError::Unauthenticated.into());
        };
        let live = self.session()?;
        let shopper = Shopper { person_id, store_id: live.store_id, session, read_session: false };
        let key = IdempotencyKey::parse(&buy.key)?;
        let service = LiveService::new(&self.env)?;
        let request = BuyRequest { offer: &buy.offer_id, key: &key, buy: &buy.buy, fault: Fault::None };
        let read = self.read_in_group(service.buy_reads(&shopper, &live.id, &request)?).await?;
        match service.prepare_buy(&shopper, request, &read, now()).await? {
            PreparedBuy::Replayed(order) => Ok((order, true)),
            PreparedBuy::New(call) => service.settle_buy(self.handle_buy(call).await?).await,
        }
    }

    /// The answer to `hello`: the events after `last_seen` and the comments after
    /// `last_comment`, or the whole room on a first visit. Everything appended so far is
    /// sent to the listeners first, and the socket listens from the answer on, all in one
    /// synchronous step: it misses nothing and hears nothing twice.
    fn hello(
        &self,
        ws: &WebSocket,
        state: &mut SocketState,
        last_seen: Option<u64>,
        last_comment: Option<u64>,
    ) -> AppResult<Vec<ServerMessage>> {
        self.send_unsent();
        let audience = state.audience();
        let kept: Vec<RoomEvent> = match last_seen {
            None => Vec::new(),
            Some(seen) => self
                .sql()
                .exec("SELECT json FROM events WHERE seq >= ? ORDER BY seq", vec![int(seen)])?
                .to_array::<JsonRow>()?
                .iter()
                .map(|r| parse(&r.json))
                .collect::<AppResult<_>>()?,
        };
        let replies = match resume(&kept, last_seen) {
            Resume::Events(events) => {
                let events = events.iter().map(|e| e.shown_to(audience)).collect();
                let comments = comments_after(&self.kept_comments()?, last_comment).to_vec();
                vec![ServerMessage::Events { events }, ServerMessage::Comments { comments }]
            }
            Resume::Snapshot => vec![ServerMessage::Snapshot { room: Box::new(self.snapshot()?.shown_to(audience)) }],
        };
        if !state.listening {
            state.listening = true;
            let mut listeners = self.listeners.borrow_mut();
            let listeners = listeners.get_or_insert_with(|| self.read_listeners());
            let raw: &web_sys::WebSocket = ws.as_ref();
            listeners.remove(raw);
            listeners.of(audience).push(raw.clone());
        }
        Ok(replies)
    }

    /// The comments the room keeps, oldest first.
    fn kept_comments(&self) -> AppResult<Vec<LiveComment>> {
        self.newest("comments", KEPT_COMMENTS)
    }

    /// The newest `limit` rows of `table` (`seq`, `json`; one of the room's own tables),
    /// oldest first.
    fn newest<T: DeserializeOwned>(&self, table: &str, limit: usize) -> AppResult<Vec<T>> {
        let mut rows: Vec<T> = self
            .sql()
            .exec(&format!("SELECT json FROM {table} ORDER BY seq DESC LIMIT ?"), vec![int(limit)])?
            .to_array::<JsonRow>()?
            .iter()
            .map(|r| parse(&r.json))
            .collect::<AppResult<_>>()?;
        rows.reverse();
        Ok(rows)
    }

    /// A signed-in neighbour's comment, within her comment rate; it goes out with the next
    /// flush.
    fn comment(&self, viewer: &Viewer, text: String) -> AppResult<Vec<ServerMessage>> {
        let Some(person) = &viewer.person_id else { return Err(AccessError::Unauthenticated.into()) };
        if self.session()?.status == LiveSessionStatus::Ended {
            return Err(LiveError::LiveEnded.into());
        }
        let now_ms = now_ms();
        let rates: Vec<DueRow> =
            self.sql().exec("SELECT due_ms FROM comment_rates WHERE person_id = ?", vec![person.as_str().into()])?.to_array()?;
        let rate = ThrottleState { due_ms: rates.first().map_or(0, |r| r.due_ms), ..ThrottleState::default() };
        let rate = rate.attempt(Limit::LiveComment, now_ms)?;
        self.sql().exec(
            "INSERT INTO comment_rates (person_id, due_ms) VALUES (?, ?) \
             ON CONFLICT (person_id) DO UPDATE SET due_ms = excluded.due_ms",
            vec![person.as_str().into(), int(rate.due_ms)],
        )?;
        // Rates long past are no different from none.
        self.sql().exec("DELETE FROM comment_rates WHERE due_ms < ?", vec![int(now_ms - 60_000)])?;
        let kocs: Vec<KocRow> =
            self.sql().exec("SELECT is_koc FROM kocs WHERE person_id = ?", vec![person.as_str().into()])?.to_array()?;
        let is_koc = kocs.first().map_or(viewer.is_koc, |r| r.is_koc != 0);
        let seq = u64::try_from(self.number("SELECT MAX(seq) AS n FROM comments", vec![])?).unwrap_or(0) + 1;
        let comment = LiveComment::new(seq, now(), &viewer.nickname, text, is_koc);
        self.sql()
            .exec("INSERT INTO comments (seq, json) VALUES (?, ?)", vec![int(seq), serde_json::to_string(&comment)?.into()])?;
        self.sql().exec("DELETE FROM comments WHERE seq <= ?", vec![int(seq.saturating_sub(KEPT_COMMENTS as u64))])?;
        self.unrecorded_comments.borrow_mut().push((person.clone(), comment.clone()));
        self.unsent_comments.borrow_mut().push(comment);
        Ok(Vec::new())
    }

    /// Writes the comments not yet recorded to D1's `live_comments`, with their author
    /// (the room keeps only its last few, masked): the owner's 需求雷达 reads them there.
    /// Whatever arrived meanwhile goes in the same batch; a failed write is logged and
    /// the radar misses those comments, nothing else.
    async fn record_comments(&self) {
        let comments = std::mem::take(&mut *self.unrecorded_comments.borrow_mut());
        if comments.is_empty() {
            return;
        }
        let written = async {
            let session = self.session()?;
            let db = self.env.d1("DB")?;
            let mut statements = Vec::new();
            for (person, c) in &comments {
                statements.push(
                    db.prepare(
                        "INSERT INTO live_comments (id, store_id, live_id, person_id, text, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(&[
                        format!("{}-{}", session.id, c.seq).into(),
                        session.store_id.as_str().into(),
                        session.id.as_str().into(),
                        person.as_str().into(),
                        c.text.as_str().into(),
                        c.at.to_rfc3339().into(),
                    ])?,
                );
            }
            db.batch(statements).await?;
            AppResult::Ok(())
        };
        if let Err(e) = written.await {
            worker::console_error!("live room: recording {} comments: {e:?}", comments.len());
        }
    }

    /// Closes a socket and stops broadcasting to it.
    fn drop_socket(&self, ws: &WebSocket, code: u16, reason: &str) {
        if let Some(listeners) = self.listeners.borrow_mut().as_mut() {
            listeners.remove(ws.as_ref());
        }
        let _ = ws.close(Some(code), Some(reason));
    }
}

impl HoldBook for LiveRoom {
    fn due_holds(&self, now_ms: i64) -> AppResult<Vec<DueHold>> {
        let due: Vec<KeyRow> = self.storage.rows(
            "SELECT order_id AS key FROM holds WHERE state = ? AND expires_at <= ?",
            vec![HoldState::Held.as_str().into(), int(now_ms)],
        )?;
        Ok(due.into_iter().map(|row| DueHold { order: OrderId::new_unchecked(row.key.clone()), key: row.key }).collect())
    }

    fn hold_landed(&self, key: &str, now: DateTime<Utc>) -> AppResult<()> {
        self.confirm(&[&OrderId::new_unchecked(key.to_owned())], now).pop().unwrap_or(Ok(()))
    }

    fn hold_lost(&self, key: &str) -> AppResult<()> {
        self.release_hold(&OrderId::new_unchecked(key.to_owned()), &[HoldState::Held], HoldState::Released)
    }
}
