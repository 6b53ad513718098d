//! Following a live room over its WebSocket, in the browser: `hello` on every
//! (re)connect (a first visit asks for a snapshot, which also sets the clock; a reconnect
//! resumes after the last event and the last comment folded in), events folded into the
//! page's [`RoomSnapshot`] with [`RoomSnapshot::apply`] and comments with
//! [`RoomSnapshot::apply_comments`], a resume on the same socket on a gap,
//! reconnects with backoff, a ping every 20 s (and a reconnect when two go unanswered: a
//! phone's half-open socket never closes). The resident's live page and the owner's
//! console both keep their room current with [`follow_room`]. 立即抢购 goes over the same
//! socket when it is open ([`RoomSocket::buy`]), and each answer comes back under its key.

use crate::api::BuyAnswer;
use chrono::{DateTime, Utc};
use futures::channel::oneshot;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use shared_model::{
    api::OrderBrief,
    live::{Applied, ClientMessage, RoomSnapshot, ServerMessage},
    Problem,
};
use std::{
    cell::RefCell,
    rc::{Rc, Weak},
    time::Duration,
};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

const PING_EVERY: Duration = Duration::from_secs(20);
const TICK_EVERY: Duration = Duration::from_millis(250);
const MAX_BACKOFF_MS: f64 = 15_000.0;
/// How long a buy waits for its answer on the socket before the page asks over HTTP with
/// the same key (a half-open socket says nothing; a closed one gives up at once).
const BUY_ANSWER_WITHIN: Duration = Duration::from_secs(8);

struct Handlers {
    _open: Closure<dyn FnMut(Event)>,
    _message: Closure<dyn FnMut(MessageEvent)>,
    _close: Closure<dyn FnMut(CloseEvent)>,
}

struct Follower {
    url: String,
    ws: Option<WebSocket>,
    handlers: Option<Handlers>,
    room: RwSignal<RoomSnapshot>,
    now: RwSignal<DateTime<Utc>>,
    problem: RwSignal<Option<Problem>>,
    reconnecting: RwSignal<bool>,
    /// Room clock minus phone clock, in milliseconds.
    offset_ms: i64,
    /// Until the first snapshot over the socket, events are ignored (the answer to the
    /// first hello brings a fresh room and the clock).
    synced: bool,
    failures: u32,
    stopped: bool,
    /// When the socket last brought anything (ms, phone clock), pongs included: a phone's
    /// half-open socket never closes, it just goes quiet.
    last_heard_ms: f64,
    /// The buys sent on this socket and not yet answered, with their keys (one or two at
    /// a time: a list is all it takes).
    buys: Vec<(String, oneshot::Sender<Result<OrderBrief, Problem>>)>,
}

impl Follower {
    fn send(&self, message: &ClientMessage) -> bool {
        let Some(ws) = self.ws.as_ref().filter(|ws| ws.ready_state() == WebSocket::OPEN) else { return false };
        serde_json::to_string(message).is_ok_and(|text| ws.send_with_str(&text).is_ok())
    }

    /// Sends a buy and waits for its answer on this socket; `None` when the socket is not
    /// open, or the phone says it is offline (its socket may not know yet).
    fn buy(this: &Rc<RefCell<Self>>, message: &ClientMessage) -> Option<BuyAnswer> {
        let ClientMessage::Buy { key, .. } = message else { return None };
        if crate::api::browser_offline() || !this.borrow().send(message) {
            return None;
        }
        let (answer, wait) = oneshot::channel();
        this.borrow_mut().buys.push((key.clone(), answer));
        let (weak, key) = (Rc::downgrade(this), key.clone());
        set_timeout(
            move || {
                if let Some(this) = weak.upgrade() {
                    this.borrow_mut().buys.retain(|(waiting, _)| *waiting != key);
                }
            },
            BUY_ANSWER_WITHIN,
        );
        Some(wait)
    }

    /// Closes the socket, if any, after detaching its callbacks; dropping them is then safe
    /// (the browser is done calling them). Buys still unanswered give up on it.
    fn drop_socket(&mut self) {
        self.buys.clear();
        if let Some(ws) = self.ws.take() {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close();
        }
        self.handlers = None;
    }

    fn hello(&self) {
        let (last_seen, last_comment) = match self.synced {
            true => self.room.with_untracked(|r| (Some(r.last_seq), r.comments.last().map(|c| c.seq))),
            false => (None, None),
        };
        self.send(&ClientMessage::Hello { last_seen, last_comment });
    }

    /// Hands a buy's answer to the tap waiting for it, if it still waits.
    fn answer(&mut self, key: &str, answer: Result<OrderBrief, Problem>) {
        if let Some(at) = self.buys.iter().position(|(waiting, _)| waiting == key) {
            let _ = self.buys.swap_remove(at).1.send(answer);
        }
    }

    fn receive(&mut self, text: &str) {
        self.last_heard_ms = js_sys::Date::now();
        let Ok(message) = serde_json::from_str::<ServerMessage>(text) else { return };
        match message {
            ServerMessage::Snapshot { room } => {
                self.offset_ms = room.now.timestamp_millis() - js_sys::Date::now() as i64;
                self.synced = true;
                self.failures = 0;
                self.reconnecting.set(false);
                self.now.set(room_clock(self.offset_ms));
                self.room.set(*room);
            }
            ServerMessage::Events { events } if self.synced => {
                self.failures = 0;
                self.reconnecting.set(false);
                let mut gap = false;
                self.room.maybe_update(|room| {
                    let mut changed = false;
                    for event in &events {
                        match room.apply(event) {
                            Applied::Applied => changed = true,
                            Applied::Duplicate => {}
                            Applied::Gap => {
                                gap = true;
                                break;
                            }
                        }
                    }
                    changed
                });
                // The answer to this hello carries every event after ours, the dropped ones included.
                if gap {
                    self.hello();
                }
            }
            ServerMessage::Comments { comments } if self.synced => {
                self.room.maybe_update(|room| room.apply_comments(&comments));
            }
            ServerMessage::Bought { key, order, .. } => self.answer(&key, Ok(order)),
            ServerMessage::BuyFailed { key, problem } => self.answer(&key, Err(problem)),
            ServerMessage::Events { .. } | ServerMessage::Comments { .. } | ServerMessage::Pong => {}
            ServerMessage::Error { problem } => self.problem.set(Some(problem)),
        }
    }
}

fn connect(this: &Rc<RefCell<Follower>>) {
    let weak = Rc::downgrade(this);
    let mut f = this.borrow_mut();
    if f.stopped {
        return;
    }
    let Ok(ws) = WebSocket::new(&f.url) else {
        drop(f);
        retry_later(this);
        return;
    };
    let on_open = Closure::<dyn FnMut(Event)>::new({
        let weak = weak.clone();
        move |_| {
            if let Some(this) = weak.upgrade() {
                this.borrow().hello();
            }
        }
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
        let weak = weak.clone();
        move |ev: MessageEvent| {
            if let (Some(this), Some(text)) = (weak.upgrade(), ev.data().as_string()) {
                this.borrow_mut().receive(&text);
            }
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_| {
        if let Some(this) = weak.upgrade() {
            retry_later(&this);
        }
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    f.ws = Some(ws);
    f.last_heard_ms = js_sys::Date::now();
    f.handlers = Some(Handlers { _open: on_open, _message: on_message, _close: on_close });
}

/// Reconnects after 1 s, 2 s, 4 s … up to 15 s, with some jitter so a room full of
/// phones does not come back at the same instant.
fn retry_later(this: &Rc<RefCell<Follower>>) {
    let delay = {
        let mut f = this.borrow_mut();
        if f.stopped {
            return;
        }
        f.drop_socket();
        f.reconnecting.set(true);
        let base = (1000.0 * 2f64.powi(f.failures.min(4) as i32)).min(MAX_BACKOFF_MS);
        f.failures += 1;
        base * (0.75 + js_sys::Math::random() * 0.5)
    };
    connect_after(this, Duration::from_millis(delay as u64));
}

/// Opens the socket after `delay`, in a task of its own: the first time, so the page's
/// first hydration task does not also pay for opening it (and for compiling the code
/// that does).
fn connect_after(this: &Rc<RefCell<Follower>>, delay: Duration) {
    let weak = Rc::downgrade(this);
    set_timeout(
        move || {
            if let Some(this) = weak.upgrade() {
                connect(&this);
            }
        },
        delay,
    );
}

/// How the page talks to the room over its socket.
#[derive(Clone, Copy)]
pub struct RoomSocket {
    /// Sends a message (false when the socket is not open).
    pub send: Callback<ClientMessage, bool>,
    /// Sends a [`ClientMessage::Buy`] and waits for its answer (`None` when the socket is
    /// not open).
    pub buy: Callback<ClientMessage, Option<BuyAnswer>>,
}

/// Starts following `live`; returns how the page talks to the room. Stops when the room's
/// view is dropped.
pub fn follow_room(
    live: String,
    room: RwSignal<RoomSnapshot>,
    now: RwSignal<DateTime<Utc>>,
    problem: RwSignal<Option<Problem>>,
    reconnecting: RwSignal<bool>,
) -> RoomSocket {
    let shared: Rc<RefCell<Option<Rc<RefCell<Follower>>>>> = Rc::new(RefCell::new(None));
    // Start after hydration, in an effect (effects never run on the server).
    Effect::new({
        let shared = SendWrapper::new(Rc::clone(&shared));
        move |_| {
            if shared.borrow().is_some() {
                return;
            }
            let Some(url) = crate::api::live_socket_url(&live) else { return };
            // Until the socket's snapshot comes in, count from the page's own snapshot.
            let offset_ms = room.with_untracked(|r| r.now.timestamp_millis()) - js_sys::Date::now() as i64;
            let follower = Rc::new(RefCell::new(Follower {
                url,
                ws: None,
                handlers: None,
                room,
                now,
                problem,
                reconnecting,
                offset_ms,
                synced: false,
                failures: 0,
                stopped: false,
                last_heard_ms: js_sys::Date::now(),
                buys: Vec::new(),
            }));
            connect_after(&follower, Duration::ZERO);
            let tick = {
                let weak: Weak<RefCell<Follower>> = Rc::downgrade(&follower);
                set_interval_with_handle(
                    move || {
                        if let Some(f) = weak.upgrade() {
                            let offset = f.borrow().offset_ms;
                            now.set(room_clock(offset));
                        }
                    },
                    TICK_EVERY,
                )
                .ok()
            };
            let ping = {
                let weak: Weak<RefCell<Follower>> = Rc::downgrade(&follower);
                set_interval_with_handle(
                    move || {
                        if let Some(f) = weak.upgrade() {
                            // Two pings unanswered: the socket is dead without knowing it.
                            let silent_ms = js_sys::Date::now() - f.borrow().last_heard_ms;
                            if silent_ms > 2.0 * PING_EVERY.as_millis() as f64 {
                                retry_later(&f);
                            } else {
                                f.borrow().send(&ClientMessage::Ping);
                            }
                        }
                    },
                    PING_EVERY,
                )
                .ok()
            };
            *shared.borrow_mut() = Some(Rc::clone(&follower));
            let stop = SendWrapper::new((follower, tick, ping));
            on_cleanup(move || {
                let (follower, tick, ping) = stop.take();
                tick.inspect(|h| h.clear());
                ping.inspect(|h| h.clear());
                let mut f = follower.borrow_mut();
                f.stopped = true;
                f.drop_socket();
            });
        }
    });
    let shared = SendWrapper::new(shared);
    let for_buys = shared.clone();
    RoomSocket {
        send: Callback::new(move |message: ClientMessage| shared.borrow().as_ref().is_some_and(|f| f.borrow().send(&message))),
        buy: Callback::new(move |message: ClientMessage| for_buys.borrow().as_ref().and_then(|f| Follower::buy(f, &message))),
    }
}

/// The server's clock now, from the phone's clock and the offset measured against the
/// room's `now` (browser only).
fn room_clock(offset_ms: i64) -> DateTime<Utc> {
    let phone_ms = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(phone_ms.saturating_add(offset_ms)).unwrap_or_default()
}
