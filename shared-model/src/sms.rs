//! Text messages to residents' phones: the sign-in code a resident asks for when she has
//! no signed-in device left, how often a phone may get one, and the signed request to the
//! production gateway (Tencent Cloud SMS), built here as pure functions so they are
//! tested without a network.
//!
//! Policy:
//! - A resident who signed out (or lost her phone) gets back in with a one-time sign-in
//!   code: the same 6-digit code as a device code (`identity`), reaching her by SMS, or
//!   read out by the store's owner at the counter after checking who she is.
//! - Asking for a code answers the same whether or not the phone belongs to a resident,
//!   so the form cannot be used to find out who shops where.
//! - A phone gets at most one code per [`SMS_RESEND_SECONDS`] and
//!   [`SMS_MAX_PER_HOUR`] per hour: SMS costs money and annoys when abused.
//! - The message names the store and how long the code lasts, and tells a stranger to
//!   ignore it.

use crate::problem::impl_error_code;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// Least time between two codes to one phone.
pub const SMS_RESEND_SECONDS: i64 = 60;
/// Most codes to one phone in an hour.
pub const SMS_MAX_PER_HOUR: usize = 5;

/// The sign-in message (what the local outbox shows; the gateway's template says the same).
pub fn sign_in_text(store_name: &str, code: &str, minutes: i64) -> String {
    format!("【邻里】{store_name}登录验证码{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。")
}

/// `Ok` if a phone that was sent codes at `recent` may get another at `now`.
pub fn check_send_allowed(recent: &[DateTime<Utc>], now: DateTime<Utc>) -> Result<(), SmsError> {
    let within = |window: Duration| recent.iter().filter(move |at| now - **at < window);
    if let Some(last) = within(Duration::seconds(SMS_RESEND_SECONDS)).max() {
        let wait = SMS_RESEND_SECONDS - (now - *last).num_seconds();
        return Err(SmsError::TooSoon { seconds: wait.clamp(1, SMS_RESEND_SECONDS) as u32 });
    }
    let last_hour: Vec<_> = within(Duration::hours(1)).collect();
    if last_hour.len() >= SMS_MAX_PER_HOUR {
        let oldest = last_hour.into_iter().min().copied().unwrap_or(now);
        let wait = (oldest + Duration::hours(1) - now).num_minutes() + 1;
        return Err(SmsError::TooMany { minutes: wait.clamp(1, 60) as u32 });
    }
    Ok(())
}

/// Settings of the Tencent Cloud SMS gateway (secrets in production).
#[derive(Debug, Clone)]
pub struct TencentSmsConfig {
    pub secret_id: String,
    pub secret_key: String,
    /// The SMS application (`SmsSdkAppId`).
    pub sdk_app_id: String,
    /// The approved signature, e.g. `邻里`.
    pub sign_name: String,
    /// The approved template for sign-in codes, with parameters {1} code and {2} minutes.
    pub template_id: String,
    /// e.g. `ap-guangzhou`.
    pub region: String,
}

/// The gateway's host.
pub const TENCENT_SMS_HOST: &str = "sms.tencentcloudapi.com";

/// One HTTPS request to send, fully signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSms<'a> {
    phone_number_set: [String; 1],
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    template_param_set: &'a [&'a str],
}

/// `SendSms` (API 2021-01-11) of `params` to the mainland number `phone` at `now`,
/// signed with TC3-HMAC-SHA256.
pub fn tencent_send_sms(config: &TencentSmsConfig, phone: &str, params: &[&str], now: DateTime<Utc>) -> SignedRequest {
    let body = serde_json::to_string(&SendSms {
        phone_number_set: [format!("+86{phone}")],
        sms_sdk_app_id: &config.sdk_app_id,
        sign_name: &config.sign_name,
        template_id: &config.template_id,
        template_param_set: params,
    })
    .expect("a plain struct serialises");
    let content_type = "application/json; charset=utf-8";
    let timestamp = now.timestamp();
    let date = now.format("%Y-%m-%d").to_string();
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{content_type}\nhost:{TENCENT_SMS_HOST}\nx-tc-action:sendsms\n\n\
         content-type;host;x-tc-action\n{}",
        hex::encode(Sha256::digest(body.as_bytes()))
    );
    let scope = format!("{date}/sms/tc3_request");
    let string_to_sign =
        format!("TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}", hex::encode(Sha256::digest(canonical_request.as_bytes())));
    let secret_date = hmac_sha256(format!("TC3{}", config.secret_key).as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, b"sms");
    let secret_signing = hmac_sha256(&secret_service, b"tc3_request");
    let signature = hex::encode(hmac_sha256(&secret_signing, string_to_sign.as_bytes()));
    let authorization = format!(
        "TC3-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=content-type;host;x-tc-action, Signature={signature}",
        config.secret_id
    );
    SignedRequest {
        url: format!("https://{TENCENT_SMS_HOST}/"),
        headers: vec![
            ("Authorization", authorization),
            ("Content-Type", content_type.to_owned()),
            ("Host", TENCENT_SMS_HOST.to_owned()),
            ("X-TC-Action", "SendSms".to_owned()),
            ("X-TC-Timestamp", timestamp.to_string()),
            ("X-TC-Version", "2021-01-11".to_owned()),
            ("X-TC-Region", config.region.clone()),
        ],
        body,
    }
}

/// Reads the gateway's answer: `Ok` when the one message was accepted, else what it said
/// (for the log; residents see [`SmsError::Unavailable`]).
pub fn tencent_reply(body: &str) -> Result<(), String> {
    let reply: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("unreadable reply: {e}"))?;
    let response = &reply["Response"];
    if let Some(error) = response.get("Error") {
        return Err(format!("{} {}", error["Code"], error["Message"]));
    }
    match response["SendStatusSet"][0]["Code"].as_str() {
        Some("Ok") => Ok(()),
        Some(code) => Err(format!("{code} {}", response["SendStatusSet"][0]["Message"])),
        None => Err(format!("no send status in {body}")),
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    crate::mac::hmac_sha256(key, &[message])
}

/// Why no code was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SmsError {
    /// A code went to this phone less than a minute ago.
    #[error("a code was just sent; ask again in {seconds} seconds")]
    TooSoon { seconds: u32 },
    /// Too many codes this hour.
    #[error("too many codes for this phone; ask again in {minutes} minutes")]
    TooMany { minutes: u32 },
    /// No gateway is configured, or it refused.
    #[error("text messages cannot be sent right now")]
    Unavailable,
}

impl SmsError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            SmsError::TooSoon { .. } => "sms_too_soon",
            SmsError::TooMany { .. } => "sms_too_many",
            SmsError::Unavailable => "sms_unavailable",
        }
    }

    /// 429 for the limits, 503 when no message can go out.
    pub fn http_status(&self) -> u16 {
        match self {
            SmsError::TooSoon { .. } | SmsError::TooMany { .. } => 429,
            SmsError::Unavailable => 503,
        }
    }

    /// The numbers the message shows.
    pub fn args(&self) -> Vec<(&'static str, i64)> {
        match *self {
            SmsError::TooSoon { seconds } => vec![("seconds", seconds.into())],
            SmsError::TooMany { minutes } => vec![("minutes", minutes.into())],
            SmsError::Unavailable => Vec::new(),
        }
    }
}
impl_error_code!(SmsError, args);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Problem;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_phone_gets_one_code_a_minute_and_five_an_hour() {
        let now = utc("2026-12-01T12:00:00Z");
        assert_eq!(check_send_allowed(&[], now), Ok(()));
        assert_eq!(check_send_allowed(&[now - Duration::seconds(45)], now), Err(SmsError::TooSoon { seconds: 15 }));
        assert_eq!(check_send_allowed(&[now - Duration::seconds(60)], now), Ok(()));
        let five: Vec<_> = (1..=5).map(|i| now - Duration::minutes(i * 10)).collect();
        assert_eq!(check_send_allowed(&five, now), Err(SmsError::TooMany { minutes: 11 }));
        assert_eq!(check_send_allowed(&five[..4], now), Ok(()));
        let old: Vec<_> = (1..=5).map(|i| now - Duration::minutes(60 + i)).collect();
        assert_eq!(check_send_allowed(&old, now), Ok(()), "only the last hour counts");
    }

    #[test]
    fn the_message_names_the_store_and_the_time() {
        assert_eq!(
            sign_in_text("古北店", "012345", 10),
            "【邻里】古北店登录验证码012345，10分钟内有效。如非本人操作，请忽略本短信。"
        );
        let p = Problem::from_error(&SmsError::TooSoon { seconds: 15 });
        assert_eq!((p.status, p.title.as_str()), (429, "验证码已发送，请15秒后再试"));
        assert_eq!(Problem::from_error(&SmsError::Unavailable).status, 503);
    }

    /// The signature checked against an independent implementation (Python's hmac and
    /// hashlib, following Tencent Cloud's TC3-HMAC-SHA256 description).
    #[test]
    fn tencent_requests_are_signed_with_tc3() {
        let config = TencentSmsConfig {
            secret_id: "AKIDEXAMPLE".into(),
            secret_key: "secret-key-example".into(),
            sdk_app_id: "1400000001".into(),
            sign_name: "邻里".into(),
            template_id: "2000001".into(),
            region: "ap-guangzhou".into(),
        };
        let request = tencent_send_sms(&config, "13800138000", &["123456", "10"], utc("2025-12-01T12:00:00Z"));
        assert_eq!(
            request.body,
            r#"{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400000001","SignName":"邻里","TemplateId":"2000001","TemplateParamSet":["123456","10"]}"#
        );
        let header = |name: &str| request.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(
            header("Authorization"),
            Some(
                "TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2025-12-01/sms/tc3_request, SignedHeaders=content-type;host;x-tc-action, \
                 Signature=502dcb911db1de6e42109db0fed4d38286d8bf642e7e51b0ee3ce932b23fc007"
            )
        );
        assert_eq!(header("X-TC-Timestamp"), Some("1764590400"));
        assert_eq!(header("X-TC-Action"), Some("SendSms"));
    }

    #[test]
    fn gateway_replies_are_read() {
        assert_eq!(
            tencent_reply(r#"{"Response":{"SendStatusSet":[{"Code":"Ok","Message":"send success"}],"RequestId":"x"}}"#),
            Ok(())
        );
        assert!(tencent_reply(
            r#"{"Response":{"SendStatusSet":[{"Code":"LimitExceeded.PhoneNumberDailyLimit","Message":"limit"}]}}"#
        )
        .unwrap_err()
        .contains("LimitExceeded"));
        assert!(tencent_reply(r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"}}}"#)
            .unwrap_err()
            .contains("SignatureFailure"));
        assert!(tencent_reply("<html>").is_err());
    }
}
