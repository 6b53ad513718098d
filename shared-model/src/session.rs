//! Sealed session cookies: the cookie carries the session token and, beside it, who holds
//! it, signed, so a hot route can act on the signature without reading the session from
//! the database.
//!
//! Policy:
//! - The cookie value is `<token>.<person>.<store>.<role>.<expires>.<seal>`: the random
//!   token (64 lowercase hex, what the database keys the session by, as its SHA-256), the
//!   holder's person and store IDs, role, the session's expiry (Unix seconds) and the seal,
//!   an HMAC-SHA256 under the server's session secret of a domain label and everything
//!   before the seal. IDs never contain `.`, so the fields split unambiguously.
//! - [`session_claims`] trusts the claims only if the seal matches (constant time) and the
//!   expiry has not passed. A seal proves who was signed in, not that the session still
//!   exists: whoever acts on claims alone must still check, in the same write, that the
//!   session is there and unexpired (sign-out deletes it), as order capture does.
//! - [`session_token`] reads the token from a sealed value and from a bare token (a
//!   cookie set before sessions were sealed), so routes that read the session from the
//!   database accept both; a bare token simply has no claims.

use crate::{
    identity::Role,
    ids::{PersonId, StoreId},
    mac::hmac_sha256,
};
use chrono::{DateTime, Utc};
use subtle::ConstantTimeEq;

/// Keeps a seal from being any other HMAC under the same secret.
const SEAL_DOMAIN: &[u8] = b"linli/session-claims\0";
/// Length of a session token: 32 random bytes in lowercase hex.
const TOKEN_LEN: usize = 64;

/// Who holds a session, as its sealed cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionClaims {
    pub person_id: PersonId,
    pub store_id: StoreId,
    pub role: Role,
    /// When the session ends (whole seconds).
    pub expires_at: DateTime<Utc>,
}

/// The cookie value for `token` held by `claims`, sealed under `secret`.
pub fn seal_session(secret: &[u8], token: &str, claims: &SessionClaims) -> String {
    let body =
        format!("{token}.{}.{}.{}.{}", claims.person_id, claims.store_id, claims.role.as_str(), claims.expires_at.timestamp());
    let seal = hex::encode(seal_of(secret, &body));
    format!("{body}.{seal}")
}

/// The session token in a cookie value, sealed or bare; `None` if it is neither.
pub fn session_token(value: &str) -> Option<&str> {
    let token = value.split_once('.').map_or(value, |(token, _)| token);
    (token.len() == TOKEN_LEN && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(token)
}

/// The claims of a sealed cookie value, if its seal is `secret`'s and it has not expired
/// at `now`; `None` for a bare token, a tampered value, another key's seal or an old one.
pub fn session_claims(secret: &[u8], value: &str, now: DateTime<Utc>) -> Option<SessionClaims> {
    let (body, seal) = value.rsplit_once('.')?;
    let seal = hex::decode(seal).ok()?;
    if !bool::from(seal.as_slice().ct_eq(&seal_of(secret, body))) {
        return None;
    }
    let mut fields = body.split('.');
    let (Some(token), Some(person), Some(store), Some(role), Some(expires), None) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    session_token(token)?;
    let expires_at = DateTime::from_timestamp(expires.parse().ok()?, 0)?;
    (expires_at > now).then_some(())?;
    Some(SessionClaims {
        person_id: PersonId::parse(person).ok()?,
        store_id: StoreId::parse(store).ok()?,
        role: Role::parse(role).ok()?,
        expires_at,
    })
}

fn seal_of(secret: &[u8], body: &str) -> [u8; 32] {
    hmac_sha256(secret, &[SEAL_DOMAIN, body.as_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    const SECRET: &[u8] = b"session-secret";
    const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-02T08:00:00Z").unwrap().with_timezone(&Utc)
    }

    fn claims() -> SessionClaims {
        SessionClaims {
            person_id: PersonId::parse("r-3f9a01").unwrap(),
            store_id: StoreId::parse("s-lianhua").unwrap(),
            role: Role::Resident,
            expires_at: now() + Duration::days(30),
        }
    }

    #[test]
    fn a_sealed_value_opens_to_its_claims_and_token() {
        let sealed = seal_session(SECRET, TOKEN, &claims());
        assert!(sealed.starts_with(&format!("{TOKEN}.r-3f9a01.s-lianhua.resident.")), "{sealed}");
        assert_eq!(session_claims(SECRET, &sealed, now()), Some(claims()));
        assert_eq!(session_token(&sealed), Some(TOKEN));
        // An owner's role survives the trip too.
        let owner = SessionClaims { role: Role::Owner, ..claims() };
        assert_eq!(session_claims(SECRET, &seal_session(SECRET, TOKEN, &owner), now()), Some(owner));
    }

    #[test]
    fn a_bare_token_has_a_token_and_no_claims() {
        assert_eq!(session_token(TOKEN), Some(TOKEN));
        assert_eq!(session_claims(SECRET, TOKEN, now()), None);
        for bad in ["", "abc", &TOKEN.to_uppercase(), &format!("{TOKEN}0"), &format!("{}.x", &TOKEN[1..])] {
            assert_eq!(session_token(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tampered_claims_are_refused() {
        let sealed = seal_session(SECRET, TOKEN, &claims());
        let tampered = [
            sealed.replace("r-3f9a01", "r-3f9a02"),
            sealed.replace("s-lianhua", "s-other"),
            sealed.replace("resident", "owner"),
            sealed.replace(TOKEN, &TOKEN.replace('0', "1")),
            sealed.replace(&claims().expires_at.timestamp().to_string(), &(claims().expires_at.timestamp() + 1).to_string()),
            format!("{}0", &sealed[..sealed.len() - 1]),
            format!("{sealed}.extra"),
            sealed[..sealed.len() - 2].to_string(),
        ];
        for value in tampered {
            assert_ne!(value, sealed);
            assert_eq!(session_claims(SECRET, &value, now()), None, "{value}");
        }
    }

    #[test]
    fn another_key_s_seal_is_refused() {
        let sealed = seal_session(b"another-secret", TOKEN, &claims());
        assert_eq!(session_claims(SECRET, &sealed, now()), None);
        assert_eq!(session_token(&sealed), Some(TOKEN), "the database may still know the token");
    }

    #[test]
    fn an_expired_seal_is_refused() {
        let sealed = seal_session(SECRET, TOKEN, &claims());
        let expires = claims().expires_at;
        assert!(session_claims(SECRET, &sealed, expires - Duration::seconds(1)).is_some());
        assert_eq!(session_claims(SECRET, &sealed, expires), None);
        assert_eq!(session_claims(SECRET, &sealed, expires + Duration::days(1)), None);
    }
}
