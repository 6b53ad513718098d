//! People and sessions (D1): residents joining a store, owners signing in, and who is
//! behind a request. Tokens live only in the cookie; D1 keeps their SHA-256. The cookie
//! also carries the holder's claims, sealed with `SESSION_SECRET` (`shared_model::session`),
//! so order capture knows its buyer without reading D1 ([`IdentityService::shopper`]).

use crate::{
    clients::{sms::SmsGateway, throttle::Throttles},
    error::{AppError, AppResult},
    http::{env_text, hex, now, random_bytes, random_id, session_cookie_value, SESSION_DAYS},
    storage::{changes, stored, stored_time},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared_model::{
    access::{authorize, authorize_shop, AccessError, Action},
    community::CommunityNotice,
    identity::{
        device_code_from, device_code_hash, device_code_usable, mask_phone, session_token_hash, verify_password,
        verify_password_of_nobody, AssistedSignInCode, DeviceCode, HouseholdTag, IdentityError, Me, Role, SignInCodeSent,
        ValidJoin, DEVICE_CODE_TTL_MINUTES, MAX_DEVICE_CODE_ATTEMPTS,
    },
    session::{seal_session, session_claims, session_token, SessionClaims},
    sms::{check_send_allowed, sign_in_text, SMS_RESEND_SECONDS},
    store::StoreError,
    throttle::Limit,
    PersonId, StoreId,
};
use worker::{D1Database, D1PreparedStatement, D1Result, Env, Request};

pub struct IdentityService {
    db: D1Database,
    throttles: Throttles,
    /// Seals session cookies; required only where a session is opened or its seal read.
    session_secret: Option<String>,
}

/// A resident about to order, as far as order capture needs to know her: who, where, and
/// the session whose existence the order's write checks (sign-out stays immediate).
pub struct Shopper {
    pub person_id: PersonId,
    pub store_id: StoreId,
    /// The session token's hash (`sessions.token_hash`).
    pub session: String,
    /// Whether D1 was read to know her (a cookie with no valid seal): one round trip.
    pub read_session: bool,
}

#[derive(Deserialize)]
struct PersonRow {
    id: String,
    store_id: String,
    role: String,
    nickname: String,
    building: String,
    unit: String,
    household_tags: String,
    is_koc: u32,
}

#[derive(Deserialize)]
struct OwnerRow {
    #[serde(flatten)]
    person: PersonRow,
    password_hash: Option<String>,
}

const PERSON_COLUMNS: &str = "p.id, p.store_id, p.role, p.nickname, p.building, p.unit, p.household_tags, p.is_koc";

impl PersonRow {
    fn into_me(self) -> AppResult<Me> {
        Ok(Me {
            role: stored("role", &self.role, Role::parse)?,
            household_tags: stored("household tags", &self.household_tags, serde_json::from_str::<Vec<HouseholdTag>>)?,
            person_id: PersonId::new_unchecked(self.id),
            store_id: StoreId::new_unchecked(self.store_id),
            nickname: self.nickname,
            building: self.building,
            unit: self.unit,
            is_koc: self.is_koc != 0,
        })
    }
}

impl IdentityService {
    pub fn new(env: &Env) -> AppResult<Self> {
        Ok(Self { db: env.d1("DB")?, throttles: Throttles::new(env)?, session_secret: env_text(env, "SESSION_SECRET") })
    }

    fn session_secret(&self) -> AppResult<&[u8]> {
        self.session_secret.as_deref().map(str::as_bytes).ok_or_else(|| AppError::Internal("SESSION_SECRET is not set".into()))
    }

    /// A resident joins a store and is signed in. One phone joins a store once; one
    /// client address joins only so often (`shared_model::throttle`).
    pub async fn join(&self, store: &StoreId, join: &ValidJoin, address: &str) -> AppResult<(Me, String)> {
        self.throttles.attempt(Limit::JoinPerAddress, address).await?;
        let id = random_id("r")?;
        let tags = serde_json::to_string(&join.household_tags)?;
        let created = now().to_rfc3339();
        let inserted = self
            .db
            .prepare(
                "INSERT INTO people (id, store_id, role, nickname, phone, building, unit, household_tags, created_at) \
                 VALUES (?1, ?2, ?9, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (store_id, role, phone) DO NOTHING",
            )
            .bind(&[
                id.as_str().into(),
                store.as_str().into(),
                join.nickname.as_str().into(),
                join.phone.as_str().into(),
                join.building.as_str().into(),
                join.unit.as_str().into(),
                tags.into(),
                created.into(),
                Role::Resident.as_str().into(),
            ])?
            .run()
            .await?;
        let changed = changes(&inserted);
        if changed == 0 {
            return Err(IdentityError::PhoneAlreadyJoined.into());
        }
        let me = self
            .person(&PersonId::new_unchecked(id))
            .await?
            .ok_or_else(|| AppError::Internal("joined person vanished".into()))?;
        let token = self.open_session(&me).await?;
        Ok((me, token))
    }

    /// Counts a sign-in attempt from `address` for `phone` against both their limits
    /// (429 past them). It counts as a failure until [`Self::signed_in`] says otherwise.
    async fn sign_in_attempt(&self, phone: &str, address: &str) -> AppResult<()> {
        self.throttles.attempt(Limit::SignInPerAddress, address).await?;
        self.throttles.attempt(Limit::SignInPerPhone, phone).await
    }

    /// `phone` signed in: its failures are forgotten, and `person` gets a session.
    async fn signed_in(&self, phone: &str, me: &Me) -> AppResult<String> {
        self.throttles.succeeded(Limit::SignInPerPhone, phone).await?;
        self.open_session(me).await
    }

    /// An owner, or HQ, signs in with phone and password. A phone that is no owner's costs the
    /// same password check as a wrong password, so the answer's time tells nothing.
    pub async fn sign_in_owner(&self, phone: &str, password: &str, address: &str) -> AppResult<(Me, String)> {
        self.sign_in_attempt(phone, address).await?;
        let row: Option<OwnerRow> = self
            .db
            .prepare(format!("SELECT {PERSON_COLUMNS}, p.password_hash FROM people p WHERE p.role IN (?2, ?3) AND p.phone = ?1"))
            .bind(&[phone.into(), Role::Owner.as_str().into(), Role::Hq.as_str().into()])?
            .first(None)
            .await?;
        let matches = match row.as_ref().and_then(|r| r.password_hash.as_deref()) {
            Some(stored) => verify_password(password, stored),
            None => verify_password_of_nobody(password),
        };
        let Some(row) = row.filter(|_| matches) else { return Err(IdentityError::InvalidCredentials.into()) };
        let me = row.person.into_me()?;
        let token = self.signed_in(phone, &me).await?;
        Ok((me, token))
    }

    /// A fresh one-time code for the resident to sign in on another device (replaces any
    /// earlier code).
    pub async fn new_device_code(&self, me: &Me) -> AppResult<DeviceCode> {
        self.issue_code(&me.person_id).await
    }

    /// A fresh one-time sign-in code for `person`, however it reaches them (another
    /// device, SMS, the owner at the counter); it replaces any earlier code.
    async fn issue_code(&self, person: &PersonId) -> AppResult<DeviceCode> {
        let code = device_code_from(random_bytes::<4>()?);
        let expires_at = now() + chrono::Duration::minutes(DEVICE_CODE_TTL_MINUTES);
        self.db
            .prepare(
                "INSERT INTO device_codes (person_id, code_hash, expires_at, attempts) VALUES (?1, ?2, ?3, 0) \
                 ON CONFLICT (person_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0",
            )
            .bind(&[person.as_str().into(), device_code_hash(person, &code).into(), expires_at.to_rfc3339().into()])?
            .run()
            .await?;
        Ok(DeviceCode { code, expires_at })
    }

    /// The resident of `store` with `phone`, if any.
    async fn resident_by_phone(&self, store: &StoreId, phone: &str) -> AppResult<Option<Me>> {
        let row: Option<PersonRow> = self
            .db
            .prepare(format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.store_id = ?1 AND p.role = ?2 AND p.phone = ?3"))
            .bind(&[store.as_str().into(), Role::Resident.as_str().into(), phone.into()])?
            .first(None)
            .await?;
        row.map(PersonRow::into_me).transpose()
    }

    /// Texts a sign-in code to the resident of `store` with `phone`. The answer is the
    /// same for a phone that is nobody's, and every ask counts against the phone's limits
    /// (`shared_model::sms`).
    pub async fn send_sign_in_code(
        &self,
        gateway: &SmsGateway,
        store: &StoreId,
        phone: &str,
        now: DateTime<Utc>,
        address: &str,
    ) -> AppResult<SignInCodeSent> {
        self.throttles.attempt(Limit::SignInPerAddress, address).await?;
        #[derive(Deserialize)]
        struct SentRow {
            sent_at: String,
        }
        let store_name = self.store_name(store).await?;
        let recent: Vec<SentRow> = self
            .db
            .prepare("SELECT sent_at FROM sms_sends WHERE phone = ?1 AND sent_at > ?2")
            .bind(&[phone.into(), (now - chrono::Duration::hours(1)).to_rfc3339().into()])?
            .all()
            .await?
            .results()?;
        let recent = recent.iter().map(|r| stored_time(&r.sent_at)).collect::<AppResult<Vec<_>>>()?;
        check_send_allowed(&recent, now)?;
        self.db
            .prepare("INSERT INTO sms_sends (phone, sent_at) VALUES (?1, ?2)")
            .bind(&[phone.into(), now.to_rfc3339().into()])?
            .run()
            .await?;
        if let Some(resident) = self.resident_by_phone(store, phone).await? {
            let code = self.issue_code(&resident.person_id).await?;
            let text = sign_in_text(&store_name, &code.code, DEVICE_CODE_TTL_MINUTES);
            gateway.send(phone, &text, &[&code.code, &DEVICE_CODE_TTL_MINUTES.to_string()], now).await?;
        }
        Ok(SignInCodeSent {
            phone_masked: mask_phone(phone),
            valid_minutes: DEVICE_CODE_TTL_MINUTES,
            resend_after_seconds: SMS_RESEND_SECONDS,
        })
    }

    /// A code the owner reads out at the counter to the resident of her store with
    /// `phone`, with who that is, for the owner to check against the person before her.
    /// The resident is sent a notice saying so (`CommunityNotice::CounterCodeIssued`).
    pub async fn assisted_sign_in_code(&self, store: &StoreId, phone: &str) -> AppResult<AssistedSignInCode> {
        let resident = self.resident_by_phone(store, phone).await?.ok_or_else(|| AppError::not_found("resident_not_found"))?;
        let code = self.issue_code(&resident.person_id).await?;
        // The owner now holds a way into her account: she is told, with when.
        let notice = CommunityNotice::CounterCodeIssued { issued_at: now() };
        self.db
            .prepare("INSERT INTO notices (person_id, store_id, kind, json, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(&[
                resident.person_id.as_str().into(),
                store.as_str().into(),
                notice.kind().as_str().into(),
                serde_json::to_string(&notice)?.into(),
                now().to_rfc3339().into(),
            ])?
            .run()
            .await?;
        Ok(AssistedSignInCode {
            code: code.code,
            expires_at: code.expires_at,
            nickname: resident.nickname,
            building: resident.building,
            unit: resident.unit,
        })
    }

    async fn store_name(&self, store: &StoreId) -> AppResult<String> {
        #[derive(Deserialize)]
        struct NameRow {
            name: String,
        }
        let row: Option<NameRow> =
            self.db.prepare("SELECT name FROM stores WHERE id = ?1").bind(&[store.as_str().into()])?.first(None).await?;
        Ok(row.ok_or(StoreError::StoreNotFound)?.name)
    }

    /// A resident signs in on another device with phone and device code. Each try spends
    /// one of the code's attempts in the same statement that checks there is one left, so
    /// tries sent at once cannot race past the limit; a used code is gone.
    pub async fn sign_in_resident(&self, store: &StoreId, phone: &str, code: &str, address: &str) -> AppResult<(Me, String)> {
        #[derive(Deserialize)]
        struct CodeRow {
            person_id: String,
            code_hash: String,
            expires_at: String,
            attempts: u32,
        }
        self.sign_in_attempt(phone, address).await?;
        let row: Option<CodeRow> = self
            .db
            .prepare(
                "UPDATE device_codes SET attempts = attempts + 1 WHERE attempts < ?4 AND person_id IN \
                 (SELECT p.id FROM people p WHERE p.store_id = ?1 AND p.role = ?3 AND p.phone = ?2) \
                 RETURNING person_id, code_hash, expires_at, attempts",
            )
            .bind(&[store.as_str().into(), phone.into(), Role::Resident.as_str().into(), MAX_DEVICE_CODE_ATTEMPTS.into()])?
            .first(None)
            .await?;
        let row = row.ok_or(IdentityError::InvalidDeviceCode)?;
        let person = PersonId::new_unchecked(row.person_id);
        let expires_at = stored_time(&row.expires_at)?;
        // `attempts` now counts this try; the rule is asked about the tries before it.
        if !device_code_usable(expires_at, row.attempts - 1, now()) || device_code_hash(&person, code) != row.code_hash {
            return Err(IdentityError::InvalidDeviceCode.into());
        }
        // Use the code once: only the request that deletes it signs in.
        let deleted = self
            .db
            .prepare("DELETE FROM device_codes WHERE person_id = ?1 AND code_hash = ?2")
            .bind(&[person.as_str().into(), row.code_hash.into()])?
            .run()
            .await?;
        if changes(&deleted) == 0 {
            return Err(IdentityError::InvalidDeviceCode.into());
        }
        let me = self.person(&person).await?.ok_or_else(|| AppError::Internal("device code of a missing person".into()))?;
        let token = self.signed_in(phone, &me).await?;
        Ok((me, token))
    }

    /// Opens a session for `me` and returns the cookie value: the token, sealed with her
    /// claims.
    async fn open_session(&self, me: &Me) -> AppResult<String> {
        let secret = self.session_secret()?;
        let token = hex(&random_bytes::<32>()?);
        let now = now();
        // Whole seconds, as the seal carries them, so the row and the seal end together.
        let expires = DateTime::from_timestamp((now + chrono::Duration::days(SESSION_DAYS)).timestamp(), 0)
            .ok_or_else(|| AppError::Internal("session expiry out of range".into()))?;
        let person = &me.person_id;
        self.db
            .prepare("INSERT INTO sessions (token_hash, person_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
            .bind(&[
                session_token_hash(&token).into(),
                person.as_str().into(),
                now.to_rfc3339().into(),
                expires.to_rfc3339().into(),
            ])?
            .run()
            .await?;
        let claims =
            SessionClaims { person_id: me.person_id.clone(), store_id: me.store_id.clone(), role: me.role, expires_at: expires };
        Ok(seal_session(secret, &token, &claims))
    }

    pub async fn person(&self, id: &PersonId) -> AppResult<Option<Me>> {
        let row: Option<PersonRow> = self
            .db
            .prepare(format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1"))
            .bind(&[id.as_str().into()])?
            .first(None)
            .await?;
        row.map(PersonRow::into_me).transpose()
    }

    /// Who sent this request, if its session cookie is valid and unexpired.
    pub async fn viewer(&self, req: &Request) -> AppResult<Option<Me>> {
        let Some(session) = session_hash(req) else { return Ok(None) };
        Self::read_viewer(&Self::viewer_query(&self.db, &session)?.all().await?)
    }

    /// The read behind [`Self::viewer`] for the session whose token hashes to
    /// `session`, for a caller that batches it with its own reads (no service to build).
    pub fn viewer_query(db: &D1Database, session: &str) -> AppResult<D1PreparedStatement> {
        Ok(db
            .prepare(format!(
                "SELECT {PERSON_COLUMNS} FROM sessions s JOIN people p ON p.id = s.person_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2"
            ))
            .bind(&[session.into(), now().to_rfc3339().into()])?)
    }

    /// The person [`Self::viewer_query`] found, if the session is still there.
    pub fn read_viewer(result: &D1Result) -> AppResult<Option<Me>> {
        result.results::<PersonRow>()?.into_iter().next().map(PersonRow::into_me).transpose()
    }

    /// The resident placing an order (401 without a session, 403 for an owner): from the
    /// cookie's seal when it has a valid one (no round trip), else from D1 like
    /// [`Self::viewer`]. Either way the order's write checks that the session is still
    /// there (`storage::orders::ShopGuards`), so a signed-out cookie places nothing.
    pub async fn shopper(&self, req: &Request) -> AppResult<Shopper> {
        let value = session_cookie_value(req).unwrap_or_default();
        let session = session_hash_of(&value).unwrap_or_default();
        if let Some(claims) = session_claims(self.session_secret()?, &value, now()) {
            authorize_shop(claims.role)?;
            return Ok(Shopper { person_id: claims.person_id, store_id: claims.store_id, session, read_session: false });
        }
        let me = self.viewer(req).await?;
        authorize(me.as_ref(), Action::Shop)?;
        let me = me.ok_or(AccessError::Unauthenticated)?;
        Ok(Shopper { person_id: me.person_id, store_id: me.store_id, session, read_session: true })
    }

    /// The signed-in person, or 401.
    pub async fn require_viewer(&self, req: &Request) -> AppResult<Me> {
        self.viewer(req).await?.ok_or_else(|| AccessError::Unauthenticated.into())
    }

    pub async fn sign_out(&self, req: &Request) -> AppResult<()> {
        if let Some(session) = session_hash(req) {
            self.db.prepare("DELETE FROM sessions WHERE token_hash = ?1").bind(&[session.into()])?.run().await?;
        }
        Ok(())
    }
}

/// The hash of the request's session token (`sessions.token_hash`), if its cookie holds a
/// well-formed one: what a session is looked up and checked by.
pub fn session_hash(req: &Request) -> Option<String> {
    session_cookie_value(req).as_deref().and_then(session_hash_of)
}

/// [`session_hash`] of a session cookie's value already read.
fn session_hash_of(value: &str) -> Option<String> {
    session_token(value).map(session_token_hash)
}
