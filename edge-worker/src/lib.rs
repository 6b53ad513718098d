//! Linli's edge worker: the JSON API under `/api/v1/`, the `StockKeeper`, `LiveRoom` and
//! `TastingDesk` Durable Objects, the cron, and server rendering of the Leptos app for
//! every other path. Static files under `public/` never reach this code: Workers Static
//! Assets serves them first.
//!
//! Layers point one way: `routes` → `services` → `clients` (typed Durable Object calls)
//! and `storage` (D1 statements and stored values); `objects` (the Durable Objects) use
//! `clients` and `storage` too, never `services`. Rules come from shared-model.

mod clients;
mod error;
mod guard;
mod http;
mod objects;
mod qr;
mod routes;
mod services;
mod ssr;
mod storage;

use shared_model::api::QueuedPurchaseOrder;
use worker::{
    event, Context, Env, MessageBatch, MessageExt, QueueRetryOptionsBuilder, Request, Response, ScheduleContext, ScheduledEvent,
};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
    ssr::init_executor();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let mut response = if req.path().starts_with("/api/") {
        match guard::check_api_request(&req) {
            Ok(()) => routes::handle_api(req, env).await?,
            Err(refused) => refused.into_response(),
        }
    } else if req.path().starts_with("/dev/") {
        routes::handle_dev(req, env).await?
    } else {
        ssr::render_page(req, env).await?
    };
    if response.status_code() != 101 {
        let _ = guard::set_common_headers(response.headers_mut());
    }
    Ok(response)
}

/// The queues' consumer (`wrangler.toml` `[[queues.consumers]]`): purchase orders to
/// deliver to their suppliers, each retried with its own back-off when delivery fails,
/// and those the queue gave up on, which go on the store's dead-letter list
/// (`services::supply` says why there).
#[event(queue)]
async fn queue(batch: MessageBatch<QueuedPurchaseOrder>, env: Env, _ctx: Context) -> worker::Result<()> {
    let supply = services::supply::SupplyService::new(&env).map_err(error::AppError::into_worker_error)?;
    let dead_letters = batch.queue() == services::supply::DEAD_LETTER_QUEUE;
    for message in batch.messages()? {
        let now = http::now();
        if dead_letters {
            match supply.bury(message.body(), now).await {
                Ok(()) => message.ack(),
                Err(e) => {
                    worker::console_error!("supply dead letter {}: {e:?}", message.body().purchase_order_id);
                    message.retry();
                }
            }
            continue;
        }
        match supply.deliver(message.body(), now).await {
            Ok(services::supply::Delivered::Done) => message.ack(),
            Ok(services::supply::Delivered::RetryIn(seconds)) => {
                message.retry_with_options(&QueueRetryOptionsBuilder::new().with_delay_seconds(seconds).build());
            }
            Err(e) => {
                worker::console_error!("supply delivery {}: {e:?}", message.body().purchase_order_id);
                message.retry();
            }
        }
    }
    Ok(())
}

/// The cron (`wrangler.toml` `[triggers]`): "tasting tomorrow" notices that are due, the
/// browse follow-ups that are due, the stores' recommendation profiles that are due, and the
/// stores' brains that are due.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = http::now();
    let reminders = async { services::tastings::TastingService::new(&env)?.send_reminders(now).await };
    if let Err(e) = reminders.await {
        worker::console_error!("tasting reminders: {e:?}");
    }
    let follow_ups = async { services::browse::BrowseService::new(&env)?.send_due(now).await };
    match follow_ups.await {
        Ok(0) => {}
        Ok(sent) => worker::console_log!("browse follow-ups: {sent} sent"),
        Err(e) => worker::console_error!("browse follow-ups: {e:?}"),
    }
    let profiles = async { services::recommendations::RecommendationService::new(&env)?.rebuild_due(now).await };
    match profiles.await {
        Ok(builds) => {
            for b in builds {
                worker::console_log!(
                    "recommendation profile {} v{}: {} residents, {} orders, {} bytes, {} ms",
                    b.store_id,
                    b.version,
                    b.residents,
                    b.orders,
                    b.bytes,
                    b.build_ms
                );
            }
        }
        Err(e) => worker::console_error!("recommendation profiles: {e:?}"),
    }
    let numbers = async {
        let metrics = services::metrics::MetricsService::new(&env)?;
        let mut refreshes = Vec::new();
        for store in metrics.store_ids().await? {
            refreshes.push(metrics.refresh(&store, now).await?);
        }
        error::AppResult::Ok(refreshes)
    };
    match numbers.await {
        Ok(refreshes) => {
            for r in refreshes {
                worker::console_log!("numbers {}: {} days from {} orders in {} ms", r.store_id, r.days, r.orders, r.ms);
            }
        }
        Err(e) => worker::console_error!("numbers: {e:?}"),
    }
    let brains = async { services::brain::BrainService::new(&env)?.compute_due(now).await };
    match brains.await {
        Ok(runs) => {
            for r in runs {
                worker::console_log!(
                    "brain {}: {} suggestions, {} topics from {} voices and {} orders, read in {} ms, computed in {} ms",
                    r.store_id,
                    r.suggestions,
                    r.topics,
                    r.inputs.voices,
                    r.inputs.orders,
                    r.gather_ms,
                    r.compute_ms
                );
            }
        }
        Err(e) => worker::console_error!("brains: {e:?}"),
    }
}
