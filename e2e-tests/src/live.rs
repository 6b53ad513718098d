//! Live-room helpers: a live on air with a pinned offer, one-tap buys, and [`Viewer`]s on
//! the room's WebSocket that keep a `RoomSnapshot` the way the app does (fold each event
//! with `RoomSnapshot::apply`, say `hello` again on a gap) and note when each 接龙 line
//! arrived.

use crate::{base_url, now, own_address, owner, product_ids, set_stock, url, OWNER_A_PHONE, STORE_A};
use chrono::Duration;
use futures::{SinkExt, StreamExt};
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::json;
use shared_model::{
    api::{LiveDetail, LiveStatusChange, OrderBrief},
    live::{
        Applied, ChainEntry, ClientMessage, LiveSession, LiveSessionStatus, LiveSummary, NewLiveSession, NewOffer, Offer,
        RoomEventKind, RoomSnapshot, ServerMessage,
    },
    Fen, LiveSessionId, OfferId, Problem, ProductId,
};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Instant, SystemTime},
};
use tokio::{
    sync::{mpsc, watch},
    task::JoinHandle,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

/// What an owner pins: how many units, the cap, the window and whether returning
/// customers get a lower price. Prices follow the product's regular price (see
/// [`Live::offer_for`]).
#[derive(Debug, Clone)]
pub struct OfferTerms {
    pub allotted: u32,
    pub per_buyer_cap: Option<u32>,
    /// Buying opens this long from now (negative: already open).
    pub opens_in: Duration,
    /// Buying stays open this long after it opens.
    pub window: Duration,
    /// Whether the offer has a returning-customer price (老顾客专享).
    pub returning_price: bool,
}

impl OfferTerms {
    /// `allotted` units, open now for an hour, no cap, one price for everyone.
    pub fn open_now(allotted: u32) -> Self {
        OfferTerms {
            allotted,
            per_buyer_cap: None,
            opens_in: Duration::seconds(-5),
            window: Duration::hours(1),
            returning_price: false,
        }
    }
}

/// A live of store A, run by its signed-in owner.
pub struct Live {
    pub id: LiveSessionId,
    pub owner: Client,
}

/// The `live` fixture: a live on air with one offer pinned for store A's SKU `sku`.
pub struct OnAir {
    pub live: Live,
    pub offer: Offer,
    pub sku: String,
}

/// Stocks store A's `index`-th product (by id, so each test takes its own) with `shelf`
/// units, then the owner schedules a live starting now, starts it and pins an offer of it.
pub async fn live(index: usize, shelf: u32, terms: &OfferTerms) -> OnAir {
    let sku = product_ids(STORE_A).await.swap_remove(index);
    let live = Live::on_air().await;
    set_stock(&live.owner, STORE_A, &sku, shelf, None).await;
    let offer = live.pin(&sku, terms).await;
    OnAir { live, offer, sku }
}

impl Live {
    /// Store A's owner schedules a live starting now and starts it.
    pub async fn on_air() -> Live {
        let owner = owner(OWNER_A_PHONE).await;
        let new = NewLiveSession {
            title: "今晚特价 测试专场".into(),
            starts_at: now(),
            cover_url: Some("/images/live/cover.svg".into()),
            stream_url: Some("/media/live-demo.webm".into()),
        };
        let resp = owner.post(url(&format!("/api/v1/stores/{STORE_A}/lives"))).json(&new).send().await.expect("schedule");
        let scheduled: LiveSession = body_of(resp, StatusCode::CREATED, "schedule a live").await;
        assert_eq!(scheduled.status, LiveSessionStatus::Scheduled);
        let live = Live { id: scheduled.id, owner };
        let started = live.change_status(LiveSessionStatus::Live).await;
        assert_eq!(started.status, LiveSessionStatus::Live);
        live
    }

    pub fn path(&self, rest: &str) -> String {
        url(&format!("/api/v1/lives/{}{rest}", self.id))
    }

    /// `POST /lives/{live}/status-changes` by the owner; asserts 200.
    pub async fn change_status(&self, status: LiveSessionStatus) -> LiveSession {
        let resp =
            self.owner.post(self.path("/status-changes")).json(&LiveStatusChange { status }).send().await.expect("status change");
        body_of(resp, StatusCode::OK, "change the live's status").await
    }

    /// The offer `terms` describe for store A's `sku`: the flash price is 80% of the
    /// regular price, the returning price (if any) 60%.
    pub async fn offer_for(sku: &str, terms: &OfferTerms) -> NewOffer {
        let product: serde_json::Value = crate::client()
            .get(url(&format!("/api/v1/stores/{STORE_A}/products/{sku}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let regular = product["price"].as_i64().expect("price");
        let opens_at = now() + terms.opens_in;
        NewOffer {
            product_id: ProductId::parse(sku).unwrap(),
            flash_price: Fen::from_fen(regular * 8 / 10),
            returning_price: terms.returning_price.then(|| Fen::from_fen(regular * 6 / 10)),
            allotted: terms.allotted,
            per_buyer_cap: terms.per_buyer_cap,
            opens_at,
            closes_at: opens_at + terms.window,
            gift: None,
        }
    }

    /// `who` asks to pin an offer of `sku`; the answer as it comes.
    pub async fn pin_as(&self, who: &Client, sku: &str, terms: &OfferTerms) -> Response {
        let new = Live::offer_for(sku, terms).await;
        who.post(self.path("/offers")).json(&new).send().await.expect("pin")
    }

    /// The owner pins an offer of `sku`; asserts 201.
    pub async fn pin(&self, sku: &str, terms: &OfferTerms) -> Offer {
        body_of(self.pin_as(&self.owner, sku, terms).await, StatusCode::CREATED, "pin an offer").await
    }

    /// The owner unpins `offer`; asserts 200.
    pub async fn unpin(&self, offer: &OfferId) -> Offer {
        let resp = self.owner.post(self.path(&format!("/offers/{offer}/unpin"))).send().await.expect("unpin");
        body_of(resp, StatusCode::OK, "unpin an offer").await
    }

    /// `GET /lives/{live}` as `who`.
    pub async fn detail(&self, who: &Client) -> LiveDetail {
        body_of(who.get(self.path("")).send().await.expect("live detail"), StatusCode::OK, "read the live").await
    }

    /// `GET /lives/{live}/summary` as the owner.
    pub async fn summary(&self) -> LiveSummary {
        body_of(self.owner.get(self.path("/summary")).send().await.expect("summary"), StatusCode::OK, "read the summary").await
    }

    /// One-tap buy of `quantity` units of `offer` by `who` with `key`; the answer as it comes.
    pub async fn buy(&self, who: &Client, offer: &str, key: &str, quantity: i64) -> Response {
        self.buy_request(who, offer, key, quantity).send().await.expect("live buy request")
    }

    /// The request [`Live::buy`] sends, for callers that expect it may get no answer.
    pub fn buy_request(&self, who: &Client, offer: &str, key: &str, quantity: i64) -> RequestBuilder {
        who.post(self.path(&format!("/offers/{offer}/orders")))
            .header("Idempotency-Key", key)
            .json(&json!({ "quantity": quantity }))
    }
}

/// The body of an answer that must have `status`, with the problem shown if not.
async fn body_of<T: serde::de::DeserializeOwned>(resp: Response, status: StatusCode, what: &str) -> T {
    let got = resp.status();
    if got != status {
        panic!("{what}: expected {status}, got {got}: {}", resp.text().await.unwrap_or_default());
    }
    resp.json().await.unwrap_or_else(|e| panic!("{what}: unreadable body: {e}"))
}

// ---------------------------------------------------------------------------------------
// Viewers

/// A 接龙 line as a viewer folded it in, and when its frame arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub entry: ChainEntry,
    /// When the frame was read off the socket (monotonic, for latencies in this process).
    pub at: Instant,
    /// The same moment on the wall clock, to compare with the server's `ChainEntry::at`.
    pub wall: SystemTime,
}

/// What a viewer has seen so far.
#[derive(Debug, Default)]
pub struct Seen {
    /// The room as this viewer holds it: the snapshot, with every event since folded in.
    pub room: Option<RoomSnapshot>,
    /// Every 接龙 line folded in (`Applied::Applied`), in order.
    pub chain: Vec<Arrival>,
    /// The `seq` of every 接龙 line received, duplicates and dropped ones included.
    pub chain_received: Vec<u64>,
    /// Frames the room refused.
    pub problems: Vec<Problem>,
    /// Frames that were not a `ServerMessage`, with why.
    pub unreadable: Vec<String>,
    pub pongs: usize,
    /// Text frames received, and their bytes.
    pub frames: usize,
    pub bytes: usize,
    /// Snapshots received (a first visit's, or a resume the log could not serve).
    pub snapshots: usize,
    /// 接龙 lines with no `StockChanged` after them in the same frame (a group of buys'
    /// lines travel with the stock after them).
    pub lines_without_stock: usize,
    /// Times the viewer had to say `hello` again because of a gap.
    pub resyncs: usize,
    /// Events received that it already held (`Applied::Duplicate`).
    pub duplicates: usize,
    /// Events received before the room's snapshot, with nothing to fold them into.
    pub early_events: usize,
    /// Since the last (re)connect: the numbers of the events received, in order.
    pub since_connect: Vec<u64>,
    /// The socket is closed (by either side).
    pub closed: bool,
    /// The code the room closed the socket with, if it did.
    pub close_code: Option<u16>,
    /// The answers to the buys sent over this socket, by key, with when each arrived.
    pub buys: HashMap<String, (Instant, Result<OrderBrief, Problem>)>,
}

impl Seen {
    /// The 接龙 lines' numbers, as folded in.
    pub fn chain_seqs(&self) -> Vec<u64> {
        self.chain.iter().map(|a| a.entry.seq).collect()
    }

    /// Reads one text frame; returns the `hello` to send when an event showed a gap.
    fn take_frame(&mut self, text: &str, at: Instant, wall: SystemTime) -> Option<ClientMessage> {
        self.frames += 1;
        self.bytes += text.len();
        let message: ServerMessage = match serde_json::from_str(text) {
            Ok(message) => message,
            Err(e) => {
                self.unreadable.push(format!("{e}: {text}"));
                return None;
            }
        };
        match message {
            ServerMessage::Snapshot { room } => {
                self.snapshots += 1;
                self.room = Some(*room);
            }
            ServerMessage::Error { problem } => self.problems.push(problem),
            ServerMessage::Pong => self.pongs += 1,
            ServerMessage::Bought { key, order, .. } => {
                self.buys.insert(key, (at, Ok(order)));
            }
            ServerMessage::BuyFailed { key, problem } => {
                self.buys.insert(key, (at, Err(problem)));
            }
            ServerMessage::Comments { comments } => {
                if let Some(room) = self.room.as_mut() {
                    room.apply_comments(&comments);
                }
            }
            ServerMessage::Events { events } => {
                self.since_connect.extend(events.iter().map(|e| e.seq));
                self.lines_without_stock += events
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| {
                        matches!(e.kind, RoomEventKind::ChainAppended { .. })
                            && !events[i + 1..].iter().any(|n| matches!(n.kind, RoomEventKind::StockChanged { .. }))
                    })
                    .count();
                let mut gap = false;
                for event in &events {
                    if let RoomEventKind::ChainAppended { entry } = &event.kind {
                        self.chain_received.push(entry.seq);
                    }
                    // Until the snapshot arrives there is nothing to fold into.
                    let Some(room) = self.room.as_mut() else {
                        self.early_events += 1;
                        continue;
                    };
                    match room.apply(event) {
                        Applied::Applied => {
                            if let RoomEventKind::ChainAppended { entry } = &event.kind {
                                self.chain.push(Arrival { entry: entry.clone(), at, wall });
                            }
                        }
                        Applied::Duplicate => self.duplicates += 1,
                        Applied::Gap => gap = true,
                    }
                }
                if gap {
                    self.resyncs += 1;
                    return Some(self.hello());
                }
            }
        }
        None
    }
}

impl Seen {
    /// The `hello` that resumes from what this viewer holds.
    fn hello(&self) -> ClientMessage {
        ClientMessage::Hello {
            last_seen: self.room.as_ref().map(|r| r.last_seq),
            last_comment: self.room.as_ref().and_then(|r| r.comments.last()).map(|c| c.seq),
        }
    }
}

/// One viewer of a live on the room's WebSocket, signed in or not. A task reads the
/// socket and folds what arrives into [`Seen`].
pub struct Viewer {
    live: LiveSessionId,
    cookie: Option<String>,
    /// Its client address (`CF-Connecting-IP`): viewers not signed in are counted per address.
    address: String,
    seen: Arc<Mutex<Seen>>,
    changed: watch::Sender<u64>,
    out: Option<mpsc::UnboundedSender<Message>>,
    task: Option<JoinHandle<()>>,
}

/// How long a viewer waits for something it expects before the test fails.
pub const VIEWER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

impl Viewer {
    /// Connects to `live`'s socket with an optional session cookie and says `hello`.
    /// Events can arrive before the snapshot; use [`Viewer::joined`] to wait for it.
    pub async fn connect(live: &LiveSessionId, cookie: Option<&str>) -> Viewer {
        Viewer::try_connect(live, cookie).await.unwrap_or_else(|e| panic!("viewer of {live}: {e}"))
    }

    /// Connects and waits for the room's snapshot.
    pub async fn joined(live: &LiveSessionId, cookie: Option<&str>) -> Viewer {
        let viewer = Viewer::connect(live, cookie).await;
        viewer.wait_for("the room's snapshot", |s| s.room.is_some()).await;
        viewer
    }

    /// [`Viewer::joined`], saying why not instead of failing (for the benchmark).
    pub async fn try_joined(live: &LiveSessionId, cookie: Option<&str>) -> Result<Viewer, String> {
        let viewer = Viewer::try_connect(live, cookie).await?;
        if viewer.try_wait_for(|s| s.room.is_some()).await {
            Ok(viewer)
        } else {
            Err(format!("no snapshot within {VIEWER_PATIENCE:?}"))
        }
    }

    async fn try_connect(live: &LiveSessionId, cookie: Option<&str>) -> Result<Viewer, String> {
        let mut viewer = Viewer {
            live: live.clone(),
            cookie: cookie.map(str::to_owned),
            address: own_address(),
            seen: Arc::default(),
            changed: watch::Sender::new(0),
            out: None,
            task: None,
        };
        viewer.open(false).await?;
        Ok(viewer)
    }

    /// Opens the socket and says `hello`: resuming from what it holds, or as a first visit.
    async fn open(&mut self, resume: bool) -> Result<(), String> {
        let mut request = socket_url(&self.live).into_client_request().map_err(|e| format!("socket request: {e}"))?;
        if let Some(cookie) = &self.cookie {
            request.headers_mut().insert("Cookie", HeaderValue::from_str(cookie).map_err(|e| format!("cookie: {e}"))?);
        }
        request.headers_mut().insert("CF-Connecting-IP", HeaderValue::from_str(&self.address).map_err(|e| e.to_string())?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| format!("WebSocket upgrade: {e}"))?;
        let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
        let (seen, changed) = (self.seen.clone(), self.changed.clone());
        let hello = {
            let mut seen = lock(&seen);
            seen.closed = false;
            seen.close_code = None;
            seen.since_connect.clear();
            if resume {
                seen.hello()
            } else {
                ClientMessage::Hello { last_seen: None, last_comment: None }
            }
        };
        let task = tokio::spawn(async move {
            let (mut sink, mut stream) = socket.split();
            loop {
                tokio::select! {
                    next = outgoing.recv() => match next {
                        Some(message) => {
                            if sink.send(message).await.is_err() {
                                break;
                            }
                        }
                        None => {
                            let _ = sink.close().await;
                            break;
                        }
                    },
                    frame = stream.next() => match frame {
                        Some(Ok(Message::Text(text))) => {
                            let (at, wall) = (Instant::now(), SystemTime::now());
                            let hello = lock(&seen).take_frame(text.as_str(), at, wall);
                            if let Some(hello) = hello {
                                if sink.send(text_frame(&hello)).await.is_err() {
                                    break;
                                }
                            }
                            changed.send_modify(|n| *n += 1);
                        }
                        Some(Ok(Message::Close(frame))) => {
                            lock(&seen).close_code = frame.map(|f| u16::from(f.code));
                            break;
                        }
                        Some(Err(_)) | None => break,
                        Some(Ok(_)) => {}
                    },
                }
            }
            lock(&seen).closed = true;
            changed.send_modify(|n| *n += 1);
        });
        out.send(text_frame(&hello)).map_err(|_| "the viewer task stopped".to_string())?;
        self.out = Some(out);
        self.task = Some(task);
        Ok(())
    }

    /// Sends a message to the room.
    pub fn send(&self, message: &ClientMessage) {
        self.send_text(&serde_json::to_string(message).unwrap());
    }

    /// Sends any text frame, well-formed or not.
    pub fn send_text(&self, text: &str) {
        self.out.as_ref().expect("connected").send(Message::text(text)).expect("viewer task");
    }

    /// What this viewer has seen so far.
    pub fn seen(&self) -> MutexGuard<'_, Seen> {
        lock(&self.seen)
    }

    /// Waits until `done` holds for what this viewer has seen; fails the test after
    /// [`VIEWER_PATIENCE`].
    pub async fn wait_for(&self, what: &str, done: impl Fn(&Seen) -> bool) {
        if !self.try_wait_for(done).await {
            let seen = self.seen();
            panic!(
                "viewer of {} waited {VIEWER_PATIENCE:?} for {what}; it holds 接龙 {:?}, problems {:?}, unreadable frames {:?}, \
                 closed {}",
                self.live,
                seen.chain_seqs(),
                seen.problems,
                seen.unreadable,
                seen.closed
            );
        }
    }

    /// Waits up to [`VIEWER_PATIENCE`] until `done` holds; whether it did.
    pub async fn try_wait_for(&self, done: impl Fn(&Seen) -> bool) -> bool {
        let mut changes = self.changed.subscribe();
        let deadline = tokio::time::Instant::now() + VIEWER_PATIENCE;
        loop {
            changes.borrow_and_update();
            if done(&self.seen()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changes.changed()).await.is_err() {
                return false;
            }
        }
    }

    /// 立即抢购 over this socket, as the live page does when its socket is open: the
    /// room's answer under `key`.
    pub async fn buy(&self, offer: &OfferId, key: &str, quantity: i64) -> Result<OrderBrief, Problem> {
        self.send_buy(offer, key, quantity);
        self.buy_answer(key).await.1
    }

    /// Sends a buy over this socket without waiting (forgetting an earlier answer under
    /// the same key, so [`Viewer::buy_answer`] waits for this one's).
    pub fn send_buy(&self, offer: &OfferId, key: &str, quantity: i64) {
        self.seen().buys.remove(key);
        self.send(&ClientMessage::Buy { key: key.into(), offer_id: offer.clone(), quantity, pickup_point_id: None });
    }

    /// Waits for the answer to the buy sent under `key`, and when it arrived.
    pub async fn buy_answer(&self, key: &str) -> (Instant, Result<OrderBrief, Problem>) {
        self.wait_for(&format!("the answer to buy {key}"), |s| s.buys.contains_key(key)).await;
        self.seen().buys.get(key).cloned().expect("answered")
    }

    /// Waits until `n` 接龙 lines are folded in.
    pub async fn wait_for_chain(&self, n: usize) {
        self.wait_for(&format!("{n} 接龙 lines"), |s| s.chain.len() >= n).await;
    }

    /// Closes the socket (keeping what was seen) and waits for the reader to stop.
    pub async fn disconnect(&mut self) {
        self.out = None;
        if let Some(task) = self.task.take() {
            task.await.expect("viewer task");
        }
    }

    /// Connects again and resumes: `hello` with the last event and comment it holds.
    pub async fn reconnect(&mut self) {
        self.open(true).await.unwrap_or_else(|e| panic!("viewer of {} reconnecting: {e}", self.live));
    }
}

/// The `ws://` address of `live`'s socket on the edge under test.
fn socket_url(live: &LiveSessionId) -> String {
    let base = base_url();
    let ws = base.strip_prefix("http").map(|rest| format!("ws{rest}")).unwrap_or(base);
    format!("{ws}/api/v1/lives/{live}/socket")
}

/// A raw socket of a live room, held open without a word (the tests of the room's limits).
pub type RawSocket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `live`'s socket with these headers: the socket, or the status the upgrade was
/// refused with.
pub async fn open_socket(live: &LiveSessionId, headers: &[(&'static str, &str)]) -> Result<RawSocket, u16> {
    let mut request = socket_url(live).into_client_request().expect("socket request");
    for (name, value) in headers {
        request.headers_mut().insert(*name, HeaderValue::from_str(value).expect("header value"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Err(response.status().as_u16()),
        Err(e) => panic!("upgrade of {live}'s socket: {e}"),
    }
}

/// The lock, even after a failed assertion poisoned it (the failure is reported already).
fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(PoisonError::into_inner)
}

fn text_frame(message: &ClientMessage) -> Message {
    Message::text(serde_json::to_string(message).unwrap())
}
