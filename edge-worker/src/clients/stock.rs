//! Client of the `StockKeeper` Durable Objects: one object per SKU, named `store:product`.

use super::{call_object, object_routes};
use crate::error::AppResult;
use serde::{Deserialize, Serialize};
use shared_model::{stock::ReserveError, ProductId, StoreId};
use worker::{Env, ObjectNamespace};

object_routes! {
    /// What a `StockKeeper` answers to.
    KeeperRoute {
        /// Hold units for an order line or a live's allotment ([`ReserveCall`]).
        Reserve => "/reserve",
        /// End a hold and put its units back ([`ReleaseCall`]).
        Release => "/release",
        /// Put part of a hold back, once per operation ([`ShrinkCall`]).
        Shrink => "/shrink",
        /// Set the units on hand ([`SetStockCall`]).
        Set => "/set",
        /// Move the units on hand by a signed delta, once per operation ([`AdjustCall`]).
        Adjust => "/adjust",
        /// Read the count.
        State => "/state",
    }
}

/// Reserve `quantity` units under `key` for `buyer`.
#[derive(Serialize, Deserialize)]
pub struct ReserveCall {
    pub key: String,
    pub buyer: String,
    pub quantity: u32,
    pub per_buyer_cap: Option<u32>,
    /// The buyer's holds within this window count against the cap (`stock::cap_window`).
    pub cap_window: String,
    /// Stock the SKU starts with the first time it is touched (from D1's seed).
    pub opening_stock: u32,
    /// How long the hold may wait for its order to reach D1 before the keeper sweeps it.
    pub hold_grace_ms: u64,
    /// Whether the hold is final at once (a live's allotment, which has no order to wait
    /// for), so the sweep never touches it.
    #[serde(default)]
    pub confirmed: bool,
}

/// Grace for a hold before the sweep: far longer than any order takes to be written.
pub const HOLD_GRACE_MS: u64 = 120_000;

#[derive(Serialize, Deserialize)]
pub struct ReleaseCall {
    pub key: String,
    pub opening_stock: u32,
}

/// Give `quantity` units of the hold under `key` back to the shelf, once per `op`: what a
/// live returns when an offer closes with units unsold or a live order is cancelled.
#[derive(Serialize, Deserialize)]
pub struct ShrinkCall {
    pub key: String,
    pub quantity: u32,
    pub op: String,
}

#[derive(Serialize, Deserialize)]
pub struct SetStockCall {
    pub available: u32,
}

/// Move the shelf by `delta` units once per `op` (收货, 报损, 盘点: `shared_model::movement`).
/// A take larger than the shelf is refused unless `clamp`, which stops it at zero (a
/// stock-take's shortfall: the shelf cannot hold fewer than none).
#[derive(Serialize, Deserialize)]
pub struct AdjustCall {
    pub op: String,
    pub delta: i64,
    pub clamp: bool,
    /// Stock the SKU starts with the first time it is touched (from D1's seed).
    pub opening_stock: u32,
}

/// What a keeper answers; `version` orders the answers for D1's mirror. Externally
/// tagged (`{"reserved": {…}}`): serde reads an internally tagged enum through a buffer,
/// whose code cost the worker's wasm 14 KB for this one type.
#[derive(Serialize, Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
pub enum KeeperReply {
    Reserved {
        available: u32,
        version: u64,
        replayed: bool,
    },
    Refused {
        error: ReserveError,
        available: u32,
        version: u64,
    },
    Released {
        available: u32,
        version: u64,
        released: u32,
    },
    State {
        available: u32,
        version: u64,
    },
    /// The shelf moved by `applied` (a replayed `op` answers what it did the first time,
    /// with `replayed`); `previous` is what it held before.
    Adjusted {
        available: u32,
        version: u64,
        previous: u32,
        applied: i64,
        replayed: bool,
    },
    Untouched,
}

pub struct StockClient {
    namespace: ObjectNamespace,
}

impl StockClient {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { namespace: env.durable_object("STOCK_KEEPER")? })
    }

    async fn call<B: Serialize>(
        &self,
        store: &StoreId,
        product: &ProductId,
        route: KeeperRoute,
        body: &B,
    ) -> AppResult<KeeperReply> {
        call_object(&self.namespace, &format!("{store}:{product}"), route.path(), body).await
    }

    pub async fn reserve(&self, store: &StoreId, product: &ProductId, call: &ReserveCall) -> AppResult<KeeperReply> {
        self.call(store, product, KeeperRoute::Reserve, call).await
    }

    pub async fn release(&self, store: &StoreId, product: &ProductId, call: &ReleaseCall) -> AppResult<KeeperReply> {
        self.call(store, product, KeeperRoute::Release, call).await
    }

    pub async fn shrink(&self, store: &StoreId, product: &ProductId, call: &ShrinkCall) -> AppResult<KeeperReply> {
        self.call(store, product, KeeperRoute::Shrink, call).await
    }

    pub async fn adjust(&self, store: &StoreId, product: &ProductId, call: &AdjustCall) -> AppResult<KeeperReply> {
        self.call(store, product, KeeperRoute::Adjust, call).await
    }

    pub async fn set(&self, store: &StoreId, product: &ProductId, available: u32) -> AppResult<KeeperReply> {
        self.call(store, product, KeeperRoute::Set, &SetStockCall { available }).await
    }
}
