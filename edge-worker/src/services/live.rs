//! Live rooms seen from the worker: who may do what (shared-model's rules), the D1 mirror
//! of sessions and offers for lists and summaries, reminders and KOCs. What happens in a
//! room is decided by its `LiveRoom` object (see `live_room.rs`).

use super::{
    catalog::CatalogService,
    identity::{session_hash, IdentityService, Shopper},
    orders::{Fault, OrderService, FAULT_HOLD_GRACE_MS},
};
use crate::{
    clients::{
        room::{BuyCall, BuyReply, KocCall, PinCall, RoomClient, StatusCall, UnpinCall, Viewer},
        stock::{KeeperReply, ReleaseCall, ReserveCall, StockClient, HOLD_GRACE_MS},
        throttle::client_address,
    },
    error::{AppError, AppResult},
    http::{env_text, random_id},
    storage::{changes, nullable, stored, stored_time},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, may, member_of, AccessError, Action},
    api::{
        LiveBuy, LiveCard, LiveDetail, LiveList, LiveNotice, LivePurchase, LiveViewer, Reminder, ResidentList, ResidentSummary,
    },
    catalog::like_pattern,
    identity::{Me, Role},
    live::{
        buy_fingerprint, live_allotment_key, summarize, Audience, LiveError, LiveOrder, LiveSession, LiveSessionStatus,
        LiveSummary, NewLiveSession, NewOffer, Offer, PriceTier,
    },
    order::{order_id_for, pickup_code, IdempotencyKey, Order, OrderError, OrderStatus, Placement},
    store::StoreError,
    Fen, LiveSessionId, OfferId, OrderId, PersonId, StoreId,
};
use worker::{D1Database, D1PreparedStatement, D1Result, Env, Request, Response};

/// Lives a store's list shows at most.
const LIST_LIMIT: u32 = 50;

#[derive(Deserialize)]
struct SessionRow {
    id: String,
    store_id: String,
    title: String,
    starts_at: String,
    cover_url: Option<String>,
    stream_url: Option<String>,
    status: String,
    started_at: Option<String>,
    ended_at: Option<String>,
}

impl SessionRow {
    fn into_session(self) -> AppResult<LiveSession> {
        Ok(LiveSession {
            id: LiveSessionId::new_unchecked(self.id),
            store_id: StoreId::new_unchecked(self.store_id),
            title: self.title,
            starts_at: stored_time(&self.starts_at)?,
            cover_url: self.cover_url,
            stream_url: self.stream_url,
            status: stored("live status", &self.status, LiveSessionStatus::parse)?,
            started_at: self.started_at.as_deref().map(stored_time).transpose()?,
            ended_at: self.ended_at.as_deref().map(stored_time).transpose()?,
        })
    }
}

const SESSION_COLUMNS: &str = "ls.id, ls.store_id, ls.title, ls.starts_at, ls.cover_url, ls.stream_url, ls.status, \
     ls.started_at, ls.ended_at";

fn time_arg(t: Option<DateTime<Utc>>) -> wasm_bindgen::JsValue {
    t.map(|t| t.to_rfc3339().into()).unwrap_or(wasm_bindgen::JsValue::NULL)
}

/// What a buy needs from D1, read in one round trip.
struct BuyContext {
    /// The buyer, read with the rest: her session must still be there (signing out stops
    /// her buying at once).
    me: Me,
    session: LiveSession,
    pickup: Option<shared_model::store::PickupPoint>,
    /// The fingerprint of the order this key already made, if any.
    existing_fingerprint: Option<String>,
    completed_orders: u32,
}

/// A buy checked and ready for the room, or the order its key already placed.
pub enum PreparedBuy {
    Replayed(Order),
    New(BuyCall),
}

/// A resident's one-tap buy, as the route (or the room's socket) read it.
pub struct BuyRequest<'a> {
    pub offer: &'a OfferId,
    pub key: &'a IdempotencyKey,
    pub buy: &'a LiveBuy,
    /// `AbandonAfterReserve` makes the room's hold sweepable within a second (tests only).
    pub fault: Fault,
}

pub struct LiveService {
    db: D1Database,
    rooms: RoomClient,
    env: Env,
}

impl LiveService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, rooms: RoomClient::new(env)?, env: env.clone() })
    }

    /// A live from D1; unknown ids are not found.
    pub async fn session(&self, live: &LiveSessionId) -> AppResult<LiveSession> {
        let row: Option<SessionRow> = self
            .db
            .prepare(format!("SELECT {SESSION_COLUMNS} FROM live_sessions ls WHERE ls.id = ?1"))
            .bind(&[live.as_str().into()])?
            .first(None)
            .await?;
        row.ok_or(LiveError::LiveNotFound)?.into_session()
    }

    /// The live, if `me` may run it.
    async fn owned_session(&self, me: &Me, live: &LiveSessionId) -> AppResult<LiveSession> {
        let session = self.session(live).await?;
        authorize(Some(me), Action::RunLive(&session.store_id))?;
        Ok(session)
    }

    /// A store's lives: on air, then upcoming (soonest first), then past (newest first).
    pub async fn list(&self, store: &StoreId, me: Option<&Me>) -> AppResult<LiveList> {
        #[derive(Deserialize)]
        struct Row {
            #[serde(flatten)]
            session: SessionRow,
            reminded: i64,
        }
        let person = me.map_or("", |m| m.person_id.as_str());
        let rows: Vec<Row> = self
            .db
            .prepare(format!(
                "SELECT {SESSION_COLUMNS}, EXISTS (SELECT 1 FROM live_reminders r WHERE r.live_session_id = ls.id \
                 AND r.person_id = ?2) AS reminded FROM live_sessions ls WHERE ls.store_id = ?1 \
                 ORDER BY CASE ls.status WHEN ?4 THEN 0 WHEN ?5 THEN 1 ELSE 2 END, \
                 CASE WHEN ls.status = ?6 THEN '' ELSE ls.starts_at END, ls.starts_at DESC LIMIT ?3"
            ))
            .bind(&[
                store.as_str().into(),
                person.into(),
                LIST_LIMIT.into(),
                LiveSessionStatus::Live.as_str().into(),
                LiveSessionStatus::Scheduled.as_str().into(),
                LiveSessionStatus::Ended.as_str().into(),
            ])?
            .all()
            .await?
            .results()?;
        let lives = rows
            .into_iter()
            .map(|r| Ok(LiveCard { session: r.session.into_session()?, reminded: r.reminded != 0 }))
            .collect::<AppResult<_>>()?;
        Ok(LiveList { lives })
    }

    /// Schedules a live for the owner's store: the room first, then the D1 row, so a
    /// listed live always has its room.
    pub async fn schedule(&self, me: &Me, store: &StoreId, new: &NewLiveSession, now: DateTime<Utc>) -> AppResult<LiveSession> {
        authorize(Some(me), Action::RunLive(store))?;
        let valid = new.validate(now)?;
        let session = LiveSession::schedule(LiveSessionId::new_unchecked(random_id("l")?), store.clone(), valid);
        self.create(&session, now).await?;
        Ok(session)
    }

    /// Creates the room and the D1 row for `session`; repeating it changes nothing (the
    /// demo seed relies on that).
    pub async fn create(&self, session: &LiveSession, now: DateTime<Utc>) -> AppResult<bool> {
        self.rooms.init(session).await?;
        let result = self
            .db
            .prepare(
                "INSERT INTO live_sessions (id, store_id, title, starts_at, cover_url, stream_url, status, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8, ?7) ON CONFLICT DO NOTHING",
            )
            .bind(&[
                session.id.as_str().into(),
                session.store_id.as_str().into(),
                session.title.as_str().into(),
                session.starts_at.to_rfc3339().into(),
                nullable(session.cover_url.as_deref()),
                nullable(session.stream_url.as_deref()),
                now.to_rfc3339().into(),
                session.status.as_str().into(),
            ])?
            .run()
            .await?;
        Ok(changes(&result) > 0)
    }

    /// The room as it stands and what the viewer may do in it.
    pub async fn detail(&self, live: &LiveSessionId, me: Option<&Me>) -> AppResult<LiveDetail> {
        let session = self.session(live).await?;
        let member = member_of(me, &session.store_id);
        let room = self.rooms.snapshot(live).await?.shown_to(Audience::of(member.is_some()));
        let mut viewer = LiveViewer::default();
        if let Some(me) = member {
            viewer.signed_in = true;
            viewer.is_owner = may(Some(me), Action::RunLive(&session.store_id));
            let (completed, reminded) = self.viewer_facts(live, &me.person_id).await?;
            viewer.returning_customer = shared_model::live::is_returning_customer(completed);
            viewer.reminded = reminded;
            viewer.bought = self.purchases(live, &me.person_id).await?;
        }
        Ok(LiveDetail { room, viewer })
    }

    /// A person's orders in a live that are not cancelled, oldest first: what the offers'
    /// per-buyer caps count, read from the orders themselves.
    async fn purchases(&self, live: &LiveSessionId, person: &PersonId) -> AppResult<Vec<LivePurchase>> {
        #[derive(Deserialize)]
        struct Row {
            offer_id: String,
            order_id: String,
            quantity: u32,
            pickup_code: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT lo.offer_id, o.id AS order_id, o.pickup_code, \
                 (SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE order_id = o.id) AS quantity \
                 FROM live_orders lo JOIN orders o ON o.id = lo.order_id \
                 WHERE lo.live_session_id = ?1 AND o.person_id = ?2 AND o.status != ?3 ORDER BY o.placed_at, o.id",
            )
            .bind(&[live.as_str().into(), person.as_str().into(), OrderStatus::Cancelled.as_str().into()])?
            .all()
            .await?
            .results()?;
        Ok(rows
            .into_iter()
            .map(|r| LivePurchase {
                offer_id: OfferId::new_unchecked(r.offer_id),
                order_id: OrderId::new_unchecked(r.order_id),
                quantity: r.quantity,
                pickup_code: r.pickup_code,
            })
            .collect())
    }

    /// (picked-up orders, reminded of `live`) for a person.
    async fn viewer_facts(&self, live: &LiveSessionId, person: &PersonId) -> AppResult<(u32, bool)> {
        #[derive(Deserialize)]
        struct Row {
            completed: u32,
            reminded: i64,
        }
        let row: Option<Row> = self
            .db
            .prepare(format!(
                "SELECT {} AS completed, \
                 EXISTS (SELECT 1 FROM live_reminders WHERE person_id = ?1 AND live_session_id = ?2) AS reminded",
                completed_orders("?1", "?3")
            ))
            .bind(&[person.as_str().into(), live.as_str().into(), OrderStatus::PickedUp.as_str().into()])?
            .first(None)
            .await?;
        Ok(row.map_or((0, false), |r| (r.completed, r.reminded != 0)))
    }

    /// Starts or ends a live (owner), and mirrors the new status to D1.
    pub async fn change_status(
        &self,
        me: &Me,
        live: &LiveSessionId,
        status: LiveSessionStatus,
        now: DateTime<Utc>,
    ) -> AppResult<LiveSession> {
        self.owned_session(me, live).await?;
        let session = self.rooms.set_status(live, &StatusCall { status, now }).await?;
        self.db
            .prepare("UPDATE live_sessions SET status = ?2, started_at = ?3, ended_at = ?4 WHERE id = ?1")
            .bind(&[
                live.as_str().into(),
                session.status.as_str().into(),
                time_arg(session.started_at),
                time_arg(session.ended_at),
            ])?
            .run()
            .await?;
        if session.status == LiveSessionStatus::Ended {
            self.mirror_offers(live).await?;
        }
        Ok(session)
    }

    /// Pins an offer (owner): the allotment is set aside from the shelf first, and given
    /// back if the room refuses the offer.
    pub async fn pin(&self, me: &Me, live: &LiveSessionId, new: &NewOffer, now: DateTime<Utc>) -> AppResult<Offer> {
        let session = self.owned_session(me, live).await?;
        session.status.check_live()?;
        let catalog = CatalogService::new(&self.env)?;
        let row = catalog
            .product(&session.store_id, &new.product_id)
            .await?
            .filter(|r| r.on_sale())
            .ok_or(LiveError::ProductNotFound)?;
        let product = row.summary()?;
        new.validate(now, product.price)?;

        let id = OfferId::new_unchecked(random_id("f")?);
        let key = live_allotment_key(&id);
        let stock = StockClient::new(&self.env)?;
        let allot = ReserveCall {
            key: key.clone(),
            buyer: format!("live:{live}"),
            quantity: new.allotted,
            per_buyer_cap: None,
            cap_window: "live".into(),
            opening_stock: row.opening_stock(),
            hold_grace_ms: HOLD_GRACE_MS,
            confirmed: true,
        };
        match stock.reserve(&session.store_id, &product.id, &allot).await? {
            KeeperReply::Reserved { available, version, .. } => {
                catalog.record_stock(&session.store_id, &product.id, available, version).await?;
            }
            KeeperReply::Refused { error, .. } => {
                return Err(AppError::from(error).with_detail(format!("{} ({})", product.name, product.id)));
            }
            other => return Err(AppError::Internal(format!("unexpected keeper reply {other:?}"))),
        }
        let pinned = self.rooms.pin(live, &PinCall { id: id.clone(), product, offer: new.clone(), now }).await;
        let offer = match pinned {
            Ok(offer) => offer,
            Err(e) => {
                let release = ReleaseCall { key, opening_stock: row.opening_stock() };
                match stock.release(&session.store_id, &new.product_id, &release).await {
                    Ok(KeeperReply::Released { available, version, .. }) => {
                        catalog.record_stock(&session.store_id, &new.product_id, available, version).await?;
                    }
                    Ok(other) => worker::console_error!("release allotment {id}: unexpected {other:?}"),
                    Err(release_error) => worker::console_error!("release allotment {id}: {release_error:?}"),
                }
                return Err(e);
            }
        };
        self.mirror_offer(&offer).await?;
        Ok(offer)
    }

    /// Unpins an offer (owner); its unsold units go back to the shelf.
    pub async fn unpin(&self, me: &Me, live: &LiveSessionId, offer: &OfferId) -> AppResult<Offer> {
        self.owned_session(me, live).await?;
        let offer = self.rooms.unpin(live, &UnpinCall { offer_id: offer.clone() }).await?;
        self.mirror_offer(&offer).await?;
        Ok(offer)
    }

    async fn mirror_offer(&self, offer: &Offer) -> AppResult<()> {
        self.db
            .prepare(
                "INSERT INTO live_offers (id, live_session_id, product_id, json, pinned_at) VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            )
            .bind(&[
                offer.id.as_str().into(),
                offer.live_session_id.as_str().into(),
                offer.product_id.as_str().into(),
                serde_json::to_string(offer)?.into(),
                offer.pinned_at.to_rfc3339().into(),
            ])?
            .run()
            .await?;
        Ok(())
    }

    async fn mirror_offers(&self, live: &LiveSessionId) -> AppResult<()> {
        for offer in self.rooms.snapshot(live).await?.offers {
            self.mirror_offer(&offer).await?;
        }
        Ok(())
    }

    /// One-tap buy over HTTP: the same order, idempotency and pickup rules as the shop;
    /// the room decides the stock and the price. One D1 batch of reads
    /// ([`Self::buy_reads`]), then the room, which writes the order to D1 in a batch shared
    /// with the buys around it (group commit). A buy over the room's socket takes the same
    /// steps in the room itself (`LiveRoom::buy_over_socket`).
    pub async fn buy(
        &self,
        shopper: &Shopper,
        live: &LiveSessionId,
        request: BuyRequest<'_>,
        now: DateTime<Utc>,
    ) -> AppResult<(Order, bool)> {
        let read = self.db.batch(self.buy_reads(shopper, live, &request)?).await?;
        match self.prepare_buy(shopper, request, &read, now).await? {
            PreparedBuy::Replayed(order) => Ok((order, true)),
            PreparedBuy::New(call) => self.settle_buy(self.rooms.buy(live, &call).await?).await,
        }
    }

    /// Everything a buy checks before the room, from what [`Self::buy_reads`] read: her
    /// session, the live's store, the key's earlier order (a replay is answered from D1)
    /// and the pickup point. What is left is the room's [`BuyCall`].
    pub async fn prepare_buy(
        &self,
        shopper: &Shopper,
        request: BuyRequest<'_>,
        read: &[D1Result],
        now: DateTime<Utc>,
    ) -> AppResult<PreparedBuy> {
        let BuyRequest { offer, key, buy, fault } = request;
        let order_id = order_id_for(&shopper.person_id, key);
        let context = read_buy_context(shopper, read)?;
        let me = &context.me;
        authorize(Some(me), Action::ShopAt(&context.session.store_id))?;
        let pickup = context.pickup.ok_or(StoreError::UnknownPickupPoint)?;
        let fingerprint = buy_fingerprint(offer, buy.quantity, &pickup.id);
        if let Some(existing_fingerprint) = context.existing_fingerprint {
            if existing_fingerprint != fingerprint {
                return Err(OrderError::IdempotencyKeyReused.into());
            }
            if let Some((existing, _)) = OrderService::new(&self.env)?.load(&order_id).await? {
                return Ok(PreparedBuy::Replayed(existing));
            }
        }
        let secret = env_text(&self.env, "PICKUP_CODE_SECRET")
            .ok_or_else(|| AppError::Internal("PICKUP_CODE_SECRET is not set".into()))?;
        let placement = Placement {
            pickup_code: pickup_code(secret.as_bytes(), &order_id),
            id: order_id.clone(),
            store_id: me.store_id.clone(),
            person_id: me.person_id.clone(),
            pickup_point: pickup,
            note: None,
            placed_at: now,
        };
        Ok(PreparedBuy::New(BuyCall {
            offer_id: offer.clone(),
            placement,
            idempotency_key: key.as_str().to_owned(),
            fingerprint,
            // Out of range (negative, huge) becomes 0, which the room refuses as such.
            quantity: u32::try_from(buy.quantity).unwrap_or(0),
            completed_orders: context.completed_orders,
            nickname: me.nickname.clone(),
            building: me.building.clone(),
            hold_grace_ms: if fault == Fault::AbandonAfterReserve { FAULT_HOLD_GRACE_MS } else { HOLD_GRACE_MS },
            abandon_after_hold: fault == Fault::AbandonAfterReserve,
        }))
    }

    /// The buy's answer from the room's reply: a replayed order is read from D1, since the
    /// first request may have moved on since (e.g. cancelled).
    pub async fn settle_buy(&self, reply: BuyReply) -> AppResult<(Order, bool)> {
        if reply.replayed {
            if let Some((order, _)) = OrderService::new(&self.env)?.load(&reply.order.id).await? {
                return Ok((order, true));
            }
        }
        Ok((reply.order, reply.replayed))
    }

    /// What a buy checks before the room, as one D1 batch of three reads (the buyer with
    /// her session; the live with the key's earlier order and her completed orders; the
    /// pickup point): the worker sends it alone, the room with other buys' reads.
    pub fn buy_reads(
        &self,
        shopper: &Shopper,
        live: &LiveSessionId,
        request: &BuyRequest<'_>,
    ) -> AppResult<Vec<D1PreparedStatement>> {
        let order_id = order_id_for(&shopper.person_id, request.key);
        Ok(vec![
            IdentityService::viewer_query(&self.db, &shopper.session)?,
            self.db
                .prepare(format!(
                    "SELECT {SESSION_COLUMNS}, (SELECT fingerprint FROM orders WHERE id = ?2) AS existing_fingerprint, \
                     {} AS completed FROM live_sessions ls WHERE ls.id = ?1",
                    completed_orders("?3", "?4")
                ))
                .bind(&[
                    live.as_str().into(),
                    order_id.as_str().into(),
                    shopper.person_id.as_str().into(),
                    OrderStatus::PickedUp.as_str().into(),
                ])?,
            CatalogService::new(&self.env)?.pickup_point_query(&shopper.store_id, request.buy.pickup_point_id.as_ref())?,
        ])
    }

    /// Units and GMV per offer, buyers and the returning customers' share (owner).
    pub async fn summary(&self, me: &Me, live: &LiveSessionId) -> AppResult<LiveSummary> {
        self.owned_session(me, live).await?;
        #[derive(Deserialize)]
        struct Row {
            order_id: String,
            offer_id: String,
            person_id: String,
            quantity: u32,
            unit_price_fen: i64,
            tier: String,
            returning_customer: i64,
            placed_at: String,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT lo.order_id, lo.offer_id, o.person_id, l.quantity, l.unit_price_fen, lo.tier, lo.returning_customer, \
                 o.placed_at FROM live_orders lo JOIN orders o ON o.id = lo.order_id \
                 JOIN order_lines l ON l.order_id = o.id AND l.line_no = 1 \
                 WHERE lo.live_session_id = ?1 AND o.status != ?2",
            )
            .bind(&[live.as_str().into(), OrderStatus::Cancelled.as_str().into()])?
            .all()
            .await?
            .results()?;
        let orders: Vec<LiveOrder> = rows
            .into_iter()
            .map(|r| {
                Ok(LiveOrder {
                    order_id: OrderId::new_unchecked(r.order_id),
                    offer_id: OfferId::new_unchecked(r.offer_id),
                    person_id: PersonId::new_unchecked(r.person_id),
                    quantity: r.quantity,
                    unit_price: Fen::from_fen(r.unit_price_fen),
                    tier: stored("price tier", &r.tier, PriceTier::parse)?,
                    returning_customer: r.returning_customer != 0,
                    at: stored_time(&r.placed_at)?,
                })
            })
            .collect::<AppResult<_>>()?;
        let offers = self.rooms.snapshot(live).await?.offers;
        Ok(summarize(&offers, &orders))
    }

    /// Turns the reminder for a live on or off (residents of its store).
    pub async fn set_reminder(&self, me: &Me, live: &LiveSessionId, on: bool, now: DateTime<Utc>) -> AppResult<Reminder> {
        let session = self.session(live).await?;
        authorize(Some(me), Action::ShopAt(&session.store_id))?;
        let statement = if on {
            self.db
                .prepare(
                    "INSERT INTO live_reminders (live_session_id, person_id, created_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&[live.as_str().into(), me.person_id.as_str().into(), now.to_rfc3339().into()])?
        } else {
            self.db
                .prepare("DELETE FROM live_reminders WHERE live_session_id = ?1 AND person_id = ?2")
                .bind(&[live.as_str().into(), me.person_id.as_str().into()])?
        };
        statement.run().await?;
        Ok(Reminder { reminded: on })
    }

    /// Lives the person asked to be reminded of that are on air now.
    pub async fn notices(&self, me: &Me) -> AppResult<Vec<LiveNotice>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            title: String,
            started_at: Option<String>,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT ls.id, ls.title, ls.started_at FROM live_reminders r JOIN live_sessions ls ON ls.id = r.live_session_id \
                 WHERE r.person_id = ?1 AND ls.status = ?2 ORDER BY ls.started_at DESC LIMIT 10",
            )
            .bind(&[me.person_id.as_str().into(), LiveSessionStatus::Live.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|r| {
                Ok(LiveNotice {
                    live_id: LiveSessionId::new_unchecked(r.id),
                    title: r.title,
                    started_at: r.started_at.as_deref().map(stored_time).transpose()?,
                })
            })
            .collect()
    }

    /// The store's residents, most loyal first, then the newest (owner).
    /// The store's residents, most loyal first (200 at most); with `search` (normalized
    /// by `catalog::normalize_search`), those whose nickname or building holds it or whose
    /// phone ends with it.
    pub async fn residents(&self, store: &StoreId, search: Option<&str>) -> AppResult<ResidentList> {
        let mut args = vec![store.as_str().into(), OrderStatus::PickedUp.as_str().into(), Role::Resident.as_str().into()];
        let filter = match search {
            Some(q) => {
                args.push(like_pattern(q).into());
                args.push(format!("%{}", q.replace(['%', '_', '\\'], "")).into());
                " AND (p.nickname LIKE ?4 ESCAPE '\\' OR p.building LIKE ?4 ESCAPE '\\' OR p.phone LIKE ?5)"
            }
            None => "",
        };
        let rows: Vec<ResidentRow> = self
            .db
            .prepare(format!(
                "{} WHERE p.store_id = ?1 AND p.role = ?3{filter} ORDER BY completed DESC, p.created_at DESC LIMIT 200",
                resident_query()
            ))
            .bind(&args)?
            .all()
            .await?
            .results()?;
        Ok(ResidentList { residents: rows.into_iter().map(ResidentRow::into_summary).collect() })
    }

    /// Marks or unmarks a resident of the owner's store as a KOC, and tells the store's
    /// rooms that are not over, so the change shows on their next comment.
    pub async fn set_koc(&self, store: &StoreId, person: &PersonId, is_koc: bool) -> AppResult<ResidentSummary> {
        let updated = self
            .db
            .prepare("UPDATE people SET is_koc = ?3 WHERE id = ?1 AND store_id = ?2 AND role = ?4")
            .bind(&[person.as_str().into(), store.as_str().into(), u32::from(is_koc).into(), Role::Resident.as_str().into()])?
            .run()
            .await?;
        if changes(&updated) == 0 {
            return Err(AppError::not_found("resident_not_found"));
        }
        #[derive(Deserialize)]
        struct IdRow {
            id: String,
        }
        let open: Vec<IdRow> = self
            .db
            .prepare("SELECT id FROM live_sessions WHERE store_id = ?1 AND status != ?2")
            .bind(&[store.as_str().into(), LiveSessionStatus::Ended.as_str().into()])?
            .all()
            .await?
            .results()?;
        for live in open {
            let call = KocCall { person_id: person.clone(), is_koc };
            self.rooms.set_koc(&LiveSessionId::new_unchecked(live.id), &call).await?;
        }
        let row: ResidentRow = self
            .db
            .prepare(format!("{} WHERE p.id = ?1", resident_query()))
            .bind(&[person.as_str().into(), OrderStatus::PickedUp.as_str().into()])?
            .first(None)
            .await?
            .ok_or_else(|| AppError::not_found("resident_not_found"))?;
        Ok(row.into_summary())
    }

    /// Connects a viewer's socket to the room; the viewer's identity rides along so the
    /// room can name and badge their comments, and take her buys over the socket.
    pub async fn connect(&self, live: &LiveSessionId, req: &Request, me: Option<&Me>) -> AppResult<Response> {
        let session = self.session(live).await?;
        let address = client_address(req);
        let viewer = match member_of(me, &session.store_id) {
            Some(me) => Viewer {
                person_id: Some(me.person_id.clone()),
                nickname: me.nickname.clone(),
                is_koc: me.is_koc,
                address,
                session: session_hash(req),
            },
            None => Viewer { address, ..Viewer::default() },
        };
        self.rooms.connect(live, req, &viewer).await
    }
}

/// What [`LiveService::buy_reads`] found.
fn read_buy_context(shopper: &Shopper, read: &[D1Result]) -> AppResult<BuyContext> {
    /// What the buy needs of her orders, read with the live's row.
    #[derive(Deserialize)]
    struct OrdersRow {
        existing_fingerprint: Option<String>,
        completed: u32,
    }
    let [me, session, pickup] = read else {
        return Err(AppError::Internal("buy context batch returned a different shape".into()));
    };
    // The seal and the session name the same resident unless the cookie was forged
    // with the secret.
    let me = IdentityService::read_viewer(me)?
        .filter(|me| me.person_id == shopper.person_id && me.store_id == shopper.store_id)
        .ok_or(AccessError::Unauthenticated)?;
    let orders = session.results::<OrdersRow>()?.into_iter().next().ok_or(LiveError::LiveNotFound)?;
    let session = session.results::<SessionRow>()?.into_iter().next().ok_or(LiveError::LiveNotFound)?.into_session()?;
    Ok(BuyContext {
        me,
        session,
        pickup: CatalogService::read_pickup_point(pickup)?,
        existing_fingerprint: orders.existing_fingerprint,
        completed_orders: orders.completed,
    })
}

/// How many orders the person `person` (a SQL expression) has picked up: what makes a
/// returning customer (`live::is_returning_customer`), and how the owner's resident list
/// is ordered. `picked_up` is the parameter bound to `OrderStatus::PickedUp`.
fn completed_orders(person: &str, picked_up: &str) -> String {
    format!("(SELECT COUNT(*) FROM orders WHERE orders.person_id = {person} AND orders.status = {picked_up})")
}

/// Residents with their picked-up orders; bind `?2` to `OrderStatus::PickedUp`.
fn resident_query() -> String {
    format!("SELECT p.id, p.nickname, p.building, p.is_koc, {} AS completed FROM people p", completed_orders("p.id", "?2"))
}

#[derive(Deserialize)]
struct ResidentRow {
    id: String,
    nickname: String,
    building: String,
    is_koc: i64,
    completed: u32,
}

impl ResidentRow {
    fn into_summary(self) -> ResidentSummary {
        ResidentSummary {
            person_id: PersonId::new_unchecked(self.id),
            nickname: self.nickname,
            building: self.building,
            is_koc: self.is_koc != 0,
            completed_orders: self.completed,
        }
    }
}
