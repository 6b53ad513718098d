//! A resident's community notices (D1 `notices`): the list her notice page and top bar
//! show, how many she has not read, and marking them read. The services whose events send
//! notices (a stocked wish, a promotion, a reminder, a hidden review) write the rows
//! themselves, in the same batch as the event; only reading and marking read live here.

use crate::{
    error::{AppError, AppResult},
    storage::stored_time,
};
use serde::Deserialize;
use shared_model::{api::CommunityNoticeCard, community::CommunityNotice, identity::Me, StoreId};
use wasm_bindgen::JsValue;
use worker::{D1Database, Env};

/// Notices a list shows at most, newest first.
const LIST_LIMIT: u32 = 50;

pub struct NoticeService {
    db: D1Database,
}

impl NoticeService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")? })
    }

    /// The resident's community notices, newest first, with their words and links.
    pub async fn community(&self, me: &Me) -> AppResult<Vec<CommunityNoticeCard>> {
        #[derive(Deserialize)]
        struct Row {
            id: i64,
            store_id: String,
            json: String,
            created_at: String,
            read_at: Option<String>,
        }
        let rows: Vec<Row> = self
            .db
            .prepare(format!(
                "SELECT id, store_id, json, created_at, read_at FROM notices WHERE person_id = ?1 ORDER BY id DESC LIMIT {LIST_LIMIT}"
            ))
            .bind(&[me.person_id.as_str().into()])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|r| {
                let notice: CommunityNotice =
                    serde_json::from_str(&r.json).map_err(|e| AppError::Internal(format!("stored notice {}: {e}", r.id)))?;
                Ok(CommunityNoticeCard {
                    id: r.id,
                    headline: notice.headline_zh().to_owned(),
                    text: notice.text_zh(),
                    path: notice.path(&StoreId::new_unchecked(r.store_id)),
                    notice,
                    created_at: stored_time(&r.created_at)?,
                    read: r.read_at.is_some(),
                })
            })
            .collect()
    }

    /// How many of the resident's notices are unread (all of them, not only a list's).
    pub async fn unread(&self, me: &Me) -> AppResult<u32> {
        #[derive(Deserialize)]
        struct Count {
            unread: u32,
        }
        let count: Option<Count> = self
            .db
            .prepare("SELECT COUNT(*) AS unread FROM notices WHERE person_id = ?1 AND read_at IS NULL")
            .bind(&[me.person_id.as_str().into()])?
            .first(None)
            .await?;
        Ok(count.map_or(0, |c| c.unread))
    }

    /// Marks the resident's own notices with an id up to `up_to` read at `now` (those read
    /// before keep their time), and answers how many are still unread. Another person's
    /// notices are never touched, whatever `up_to` says.
    pub async fn mark_read(&self, me: &Me, up_to: i64, now: chrono::DateTime<chrono::Utc>) -> AppResult<u32> {
        self.db
            .prepare("UPDATE notices SET read_at = ?1 WHERE person_id = ?2 AND id <= ?3 AND read_at IS NULL")
            .bind(&[now.to_rfc3339().into(), me.person_id.as_str().into(), JsValue::from_f64(up_to as f64)])?
            .run()
            .await?;
        self.unread(me).await
    }
}
