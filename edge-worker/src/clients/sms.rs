//! The SMS gateway: Tencent Cloud SMS in production (configured by secrets), or the local
//! development edge's outbox (shown at `/dev/sms`). Which one is `SMS_GATEWAY`'s choice;
//! with neither configured no message can be sent and callers answer `sms_unavailable`.

use crate::{
    error::{AppError, AppResult},
    http::env_text,
};
use chrono::{DateTime, Utc};
use shared_model::sms::{tencent_reply, tencent_send_sms, SmsError, TencentSmsConfig};
use worker::{D1Database, Env, Fetch, Headers, Method, Request, RequestInit};

/// Where text messages go.
pub enum SmsGateway {
    /// Tencent Cloud SMS (`SMS_GATEWAY=tencent` and the `TENCENT_SMS_*` secrets).
    Tencent(TencentSmsConfig),
    /// The development outbox (`SMS_GATEWAY=outbox`): messages are kept in D1, not sent.
    Outbox(D1Database),
}

impl SmsGateway {
    /// The gateway this edge is configured with, or `SmsError::Unavailable`.
    pub fn from_env(env: &Env) -> AppResult<Self> {
        match env_text(env, "SMS_GATEWAY").as_deref() {
            Some("outbox") => Ok(Self::Outbox(env.d1("DB")?)),
            Some("tencent") => {
                let setting = |name: &str| {
                    env_text(env, name).ok_or_else(|| {
                        worker::console_error!("SMS_GATEWAY=tencent but {name} is not set");
                        AppError::from(SmsError::Unavailable)
                    })
                };
                Ok(Self::Tencent(TencentSmsConfig {
                    secret_id: setting("TENCENT_SMS_SECRET_ID")?,
                    secret_key: setting("TENCENT_SMS_SECRET_KEY")?,
                    sdk_app_id: setting("TENCENT_SMS_SDK_APP_ID")?,
                    sign_name: setting("TENCENT_SMS_SIGN_NAME")?,
                    template_id: setting("TENCENT_SMS_TEMPLATE_ID")?,
                    region: env_text(env, "TENCENT_SMS_REGION").unwrap_or_else(|| "ap-guangzhou".into()),
                }))
            }
            _ => Err(SmsError::Unavailable.into()),
        }
    }

    /// Sends `text` to `phone`; the gateway's template gets `params` (its own wording
    /// stands in for `text`, as SMS rules in mainland China require approved templates).
    pub async fn send(&self, phone: &str, text: &str, params: &[&str], now: DateTime<Utc>) -> AppResult<()> {
        match self {
            Self::Outbox(db) => {
                db.prepare("INSERT INTO sms_outbox (phone, text, sent_at) VALUES (?1, ?2, ?3)")
                    .bind(&[phone.into(), text.into(), now.to_rfc3339().into()])?
                    .run()
                    .await?;
                Ok(())
            }
            Self::Tencent(config) => {
                let signed = tencent_send_sms(config, phone, params, now);
                let headers = Headers::new();
                for (name, value) in &signed.headers {
                    headers.set(name, value)?;
                }
                let init =
                    RequestInit { method: Method::Post, headers, body: Some(signed.body.into()), ..RequestInit::default() };
                let mut resp = Fetch::Request(Request::new_with_init(&signed.url, &init)?).send().await?;
                let body = resp.text().await?;
                tencent_reply(&body).map_err(|why| {
                    worker::console_error!("sms gateway refused: {why}");
                    AppError::from(SmsError::Unavailable)
                })
            }
        }
    }
}

/// The newest messages in the development outbox, for `/dev/sms`.
pub async fn outbox(db: &D1Database) -> AppResult<Vec<(String, String, String)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        phone: String,
        text: String,
        sent_at: String,
    }
    let rows: Vec<Row> =
        db.prepare("SELECT phone, text, sent_at FROM sms_outbox ORDER BY id DESC LIMIT 50").all().await?.results()?;
    Ok(rows.into_iter().map(|r| (r.phone, r.text, r.sent_at)).collect())
}
