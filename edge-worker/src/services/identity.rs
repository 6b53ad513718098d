//! People and sessions (D1): residents joining a store, owners signing in, and who is
//! behind a request. Tokens live only in the cookie; D1 keeps their SHA-256.

use crate::{
    error::{AppError, AppResult},
    http::{cookie, hex, now, random_bytes, random_id, SESSION_COOKIE, SESSION_DAYS},
    storage::{changes, stored, stored_time},
};
use serde::Deserialize;
use shared_model::{
    access::AccessError,
    identity::{
        device_code_from, device_code_hash, device_code_usable, session_token_hash, verify_password, DeviceCode, HouseholdTag,
        IdentityError, Me, Role, ValidJoin, DEVICE_CODE_TTL_MINUTES,
    },
    PersonId, StoreId,
};
use worker::{D1Database, Env, Request};

pub struct IdentityService {
    db: D1Database,
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
        Ok(Self { db: env.d1("DB")? })
    }

    /// A resident joins a store and is signed in. One phone joins a store once.
    pub async fn join(&self, store: &StoreId, join: &ValidJoin) -> AppResult<(Me, String)> {
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
        let token = self.open_session(&me.person_id).await?;
        Ok((me, token))
    }

    /// An owner signs in with phone and password.
    pub async fn sign_in_owner(&self, phone: &str, password: &str) -> AppResult<(Me, String)> {
        let row: Option<OwnerRow> = self
            .db
            .prepare(format!("SELECT {PERSON_COLUMNS}, p.password_hash FROM people p WHERE p.role = ?2 AND p.phone = ?1"))
            .bind(&[phone.into(), Role::Owner.as_str().into()])?
            .first(None)
            .await?;
        let bad = || AppError::from(IdentityError::InvalidCredentials);
        let row = row.ok_or_else(bad)?;
        let stored = row.password_hash.as_deref().ok_or_else(bad)?;
        if !verify_password(password, stored) {
            return Err(bad());
        }
        let me = row.person.into_me()?;
        let token = self.open_session(&me.person_id).await?;
        Ok((me, token))
    }

    /// A fresh one-time code for the resident to sign in on another device (replaces any
    /// earlier code).
    pub async fn new_device_code(&self, me: &Me) -> AppResult<DeviceCode> {
        let code = device_code_from(random_bytes::<4>()?);
        let expires_at = now() + chrono::Duration::minutes(DEVICE_CODE_TTL_MINUTES);
        self.db
            .prepare(
                "INSERT INTO device_codes (person_id, code_hash, expires_at, attempts) VALUES (?1, ?2, ?3, 0) \
                 ON CONFLICT (person_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, attempts = 0",
            )
            .bind(&[me.person_id.as_str().into(), device_code_hash(&me.person_id, &code).into(), expires_at.to_rfc3339().into()])?
            .run()
            .await?;
        Ok(DeviceCode { code, expires_at })
    }

    /// A resident signs in on another device with phone and device code. A wrong code
    /// counts against the code; a used code is gone.
    pub async fn sign_in_resident(&self, store: &StoreId, phone: &str, code: &str) -> AppResult<(Me, String)> {
        #[derive(Deserialize)]
        struct CodeRow {
            person_id: String,
            code_hash: String,
            expires_at: String,
            attempts: u32,
        }
        let row: Option<CodeRow> = self
            .db
            .prepare(
                "SELECT d.person_id, d.code_hash, d.expires_at, d.attempts FROM device_codes d JOIN people p ON p.id = d.person_id \
                 WHERE p.store_id = ?1 AND p.role = ?3 AND p.phone = ?2",
            )
            .bind(&[store.as_str().into(), phone.into(), Role::Resident.as_str().into()])?
            .first(None)
            .await?;
        let row = row.ok_or(IdentityError::InvalidDeviceCode)?;
        let person = PersonId::new_unchecked(row.person_id);
        let expires_at = stored_time(&row.expires_at)?;
        if !device_code_usable(expires_at, row.attempts, now()) {
            return Err(IdentityError::InvalidDeviceCode.into());
        }
        if device_code_hash(&person, code) != row.code_hash {
            self.db
                .prepare("UPDATE device_codes SET attempts = attempts + 1 WHERE person_id = ?1")
                .bind(&[person.as_str().into()])?
                .run()
                .await?;
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
        let token = self.open_session(&me.person_id).await?;
        Ok((me, token))
    }

    async fn open_session(&self, person: &PersonId) -> AppResult<String> {
        let token = hex(&random_bytes::<32>()?);
        let now = now();
        let expires = now + chrono::Duration::days(SESSION_DAYS);
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
        Ok(token)
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
        let Some(token) = cookie(req, SESSION_COOKIE) else { return Ok(None) };
        if token.len() != 64 {
            return Ok(None);
        }
        let row: Option<PersonRow> = self
            .db
            .prepare(format!(
                "SELECT {PERSON_COLUMNS} FROM sessions s JOIN people p ON p.id = s.person_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2"
            ))
            .bind(&[session_token_hash(&token).into(), now().to_rfc3339().into()])?
            .first(None)
            .await?;
        row.map(PersonRow::into_me).transpose()
    }

    /// The signed-in person, or 401.
    pub async fn require_viewer(&self, req: &Request) -> AppResult<Me> {
        self.viewer(req).await?.ok_or_else(|| AccessError::Unauthenticated.into())
    }

    pub async fn sign_out(&self, req: &Request) -> AppResult<()> {
        if let Some(token) = cookie(req, SESSION_COOKIE) {
            self.db
                .prepare("DELETE FROM sessions WHERE token_hash = ?1")
                .bind(&[session_token_hash(&token).into()])?
                .run()
                .await?;
        }
        Ok(())
    }
}
