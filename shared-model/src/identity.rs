//! People, joining a store, owner passwords and session tokens.
//!
//! Policy:
//! - A resident joins a store with a nickname, a mainland mobile number and where they
//!   live (building, unit); no password. Fields are trimmed and bounded in characters,
//!   not bytes, since they are Chinese.
//! - Other residents only ever see a masked name ([`mask_name`]).
//! - Owners sign in with phone and password. Passwords are stored as salted
//!   PBKDF2-HMAC-SHA256 ([`PBKDF2_ITERATIONS`] rounds) in a self-describing string, and
//!   checked in constant time; a malformed stored string never verifies.
//! - Session tokens live only in the cookie; the database keeps their SHA-256
//!   ([`session_token_hash`]), so a leaked table cannot be replayed.

use crate::{
    ids::{stored_forms, PersonId, StoreId},
    text::one_line,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Longest nickname, in characters.
pub const MAX_NICKNAME_CHARS: usize = 20;
/// Longest building, in characters.
pub const MAX_BUILDING_CHARS: usize = 10;
/// Longest unit, in characters.
pub const MAX_UNIT_CHARS: usize = 10;
/// Most household tags a resident may pick.
pub const MAX_HOUSEHOLD_TAGS: usize = 4;
/// Shortest acceptable new password, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest accepted password, in characters (bounds hashing work per request).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// PBKDF2 rounds for new password hashes: slow enough to hurt offline guessing, fast
/// enough for a Worker's CPU budget on an occasional owner sign-in.
pub const PBKDF2_ITERATIONS: u32 = 100_000;
/// Most rounds [`verify_password`] will run: a corrupted stored string must not turn one
/// sign-in into minutes of CPU.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Scheme tag at the start of a stored password hash.
pub const PASSWORD_SCHEME: &str = "pbkdf2-sha256";

/// What a person can do: residents order; owners also run their store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Orders from their community store.
    Resident,
    /// Runs a store: stock, caps, pickups.
    Owner,
    /// 总部: reads every store's numbers side by side, and acts in none.
    Hq,
}

stored_forms!(Role, "role", { Resident => "resident", Owner => "owner", Hq => "hq" });

/// Optional facts about a household, used to suggest products (never shown to others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HouseholdTag {
    /// Children at home.
    HasChildren,
    /// Elderly people at home.
    HasElderly,
    /// Pets at home.
    HasPets,
    /// A vegetarian household.
    Vegetarian,
}

// In display order.
stored_forms!(HouseholdTag, "household tag", {
    HasChildren => "has_children",
    HasElderly => "has_elderly",
    HasPets => "has_pets",
    Vegetarian => "vegetarian",
});

impl HouseholdTag {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            HouseholdTag::HasChildren => "有小孩",
            HouseholdTag::HasElderly => "有老人",
            HouseholdTag::HasPets => "有宠物",
            HouseholdTag::Vegetarian => "素食",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            HouseholdTag::HasChildren => "Children",
            HouseholdTag::HasElderly => "Elderly",
            HouseholdTag::HasPets => "Pets",
            HouseholdTag::Vegetarian => "Vegetarian",
        }
    }
}

/// A resident's request to join a store (`POST /api/v1/stores/{store}/residents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinRequest {
    /// Name shown to the owner (masked for everyone else).
    pub nickname: String,
    /// Mainland mobile number, 11 digits.
    pub phone: String,
    /// Building (楼栋), e.g. `3幢`.
    pub building: String,
    /// Unit and door (单元门牌), e.g. `2单元302`; may be empty.
    pub unit: String,
    /// Optional household facts.
    #[serde(default)]
    pub household_tags: Vec<HouseholdTag>,
}

/// A [`JoinRequest`] that passed validation: trimmed, bounded, tags deduplicated and in
/// canonical order. Only this type is written to the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidJoin {
    /// Trimmed nickname, 1..=20 characters.
    pub nickname: String,
    /// 11-digit mainland mobile number.
    pub phone: String,
    /// Trimmed building, 1..=10 characters.
    pub building: String,
    /// Trimmed unit, 0..=10 characters.
    pub unit: String,
    /// Distinct tags, sorted.
    pub household_tags: Vec<HouseholdTag>,
}

impl JoinRequest {
    /// Checks every field (see the module doc); the first problem found is returned.
    pub fn validate(&self) -> Result<ValidJoin, IdentityError> {
        let nickname = one_line(&self.nickname, 1, MAX_NICKNAME_CHARS).ok_or(IdentityError::InvalidNickname)?;
        let phone = self.phone.trim();
        if !is_mainland_mobile(phone) {
            return Err(IdentityError::InvalidPhone);
        }
        let building = one_line(&self.building, 1, MAX_BUILDING_CHARS).ok_or(IdentityError::InvalidBuilding)?;
        let unit = one_line(&self.unit, 0, MAX_UNIT_CHARS).ok_or(IdentityError::InvalidUnit)?;
        if self.household_tags.len() > MAX_HOUSEHOLD_TAGS {
            return Err(IdentityError::TooManyTags);
        }
        let mut household_tags = self.household_tags.clone();
        household_tags.sort();
        household_tags.dedup();
        Ok(ValidJoin { nickname, phone: phone.to_owned(), building, unit, household_tags })
    }
}

/// `^1[3-9]\d{9}$`: an 11-digit mainland China mobile number.
pub fn is_mainland_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

/// An owner's sign-in (`POST /api/v1/sessions`). Debug output hides the password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerSignIn {
    /// The owner's mobile number.
    pub phone: String,
    /// The password, in clear over TLS; never logged.
    pub password: String,
}

impl fmt::Debug for OwnerSignIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnerSignIn").field("phone", &self.phone).field("password", &"<redacted>").finish()
    }
}

/// The signed-in person (`GET /api/v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Who.
    pub person_id: PersonId,
    /// The store they belong to.
    pub store_id: StoreId,
    /// Their nickname (unmasked: it is their own).
    pub nickname: String,
    /// Resident or owner.
    pub role: Role,
    /// Building.
    pub building: String,
    /// Unit.
    pub unit: String,
    /// Household facts.
    pub household_tags: Vec<HouseholdTag>,
    /// A key opinion consumer: an active resident whose picks are featured.
    pub is_koc: bool,
}

/// A nickname as shown to other residents: first character, then one `*` per remaining
/// character, at least one (`王小明` → `王**`, `A` → `A*`).
pub fn mask_name(nickname: &str) -> String {
    let mut chars = nickname.trim().chars();
    let Some(first) = chars.next() else { return "*".to_owned() };
    let stars = chars.count().max(1);
    let mut masked = String::with_capacity(first.len_utf8() + stars);
    masked.push(first);
    masked.extend(std::iter::repeat_n('*', stars));
    masked
}

/// A salted PBKDF2-HMAC-SHA256 hash of `password`, as
/// `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` (32-byte hash). Use
/// [`PBKDF2_ITERATIONS`] and 16 fresh random bytes of salt; `iterations` below 1 counts as 1.
pub fn hash_password(password: &str, salt: &[u8; 16], iterations: u32) -> String {
    let iterations = iterations.max(1);
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, iterations, &mut out);
    format!("{PASSWORD_SCHEME}${iterations}${}${}", hex::encode(salt), hex::encode(out))
}

/// Whether `password` matches a string made by [`hash_password`]. The iteration count
/// comes from the string; the comparison is constant-time; anything malformed is `false`.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some(scheme), Some(iterations), Some(salt), Some(expected), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    if scheme != PASSWORD_SCHEME || !iterations.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(iterations) = iterations.parse::<u32>() else { return false };
    if !(1..=MAX_PBKDF2_ITERATIONS).contains(&iterations) {
        return false;
    }
    let (Ok(salt), Ok(expected)) = (hex::decode(salt), hex::decode(expected)) else { return false };
    if salt.is_empty() || salt.len() > 64 || !(16..=64).contains(&expected.len()) {
        return false;
    }
    let mut actual = vec![0u8; expected.len()];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, iterations, &mut actual);
    actual.ct_eq(&expected).into()
}

/// Spends the work of one password check on a phone that is nobody's (or has no
/// password), then says no: the answer then takes as long as a wrong password's, so the
/// sign-in form cannot be used to learn which phones own a store.
pub fn verify_password_of_nobody(password: &str) -> bool {
    let decoy = format!("{PASSWORD_SCHEME}${PBKDF2_ITERATIONS}${}${}", "00".repeat(16), "00".repeat(32));
    let _ = verify_password(password, &decoy);
    false
}

/// Whether an `Authorization` header carries the operator's token (`Bearer <token>`).
/// Both sides are hashed first and compared in constant time, so neither the token's
/// bytes nor its length can be learnt from how long a refusal takes.
pub fn operator_token_matches(authorization: &str, token: &str) -> bool {
    let given = Sha256::digest(authorization.as_bytes());
    let expected = Sha256::digest(format!("Bearer {token}").as_bytes());
    !token.is_empty() && bool::from(given.ct_eq(&expected))
}

/// Checks a new owner password: at least 8 and at most 128 characters.
pub fn validate_new_password(password: &str) -> Result<(), IdentityError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        return Err(IdentityError::WeakPassword);
    }
    if len > MAX_PASSWORD_CHARS {
        return Err(IdentityError::PasswordTooLong);
    }
    Ok(())
}

/// What the database stores for a session token: its SHA-256, lowercase hex. Tokens are
/// long random values, so a fast unsalted hash is enough.
pub fn session_token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// How long a device code stays valid.
pub const DEVICE_CODE_TTL_MINUTES: i64 = 10;
/// Wrong guesses allowed against one device code before it is void.
pub const MAX_DEVICE_CODE_ATTEMPTS: u32 = 5;

/// A resident signs in on another device with their phone and a one-time code shown on
/// a device where they are already signed in (there is no SMS here; the code plays its
/// part, and the cart and orders follow them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentSignIn {
    pub phone: String,
    pub code: String,
}

/// `POST /api/v1/stores/{store}/sign-in-codes` (a code by SMS) and
/// `POST /api/v1/stores/{store}/assisted-sign-in-codes` (a code the owner reads out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInCodeRequest {
    pub phone: String,
}

impl SignInCodeRequest {
    /// The phone, trimmed, if it is a mainland mobile number.
    pub fn phone(&self) -> Result<&str, IdentityError> {
        let phone = self.phone.trim();
        if is_mainland_mobile(phone) {
            Ok(phone)
        } else {
            Err(IdentityError::InvalidPhone)
        }
    }
}

/// The answer to asking for a code by SMS: the same whether or not the phone belongs to
/// a resident (see `sms`'s policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInCodeSent {
    /// The phone as the resident may read it back: `138****8000`.
    pub phone_masked: String,
    /// How long a code lasts.
    pub valid_minutes: i64,
    /// When another code may be asked for.
    pub resend_after_seconds: i64,
}

/// A code the owner issued at the counter, with who it is for, so she can check the
/// person in front of her before reading it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedSignInCode {
    pub code: String,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub expires_at: DateTime<Utc>,
    pub nickname: String,
    pub building: String,
    pub unit: String,
}

/// `13800138000` → `138****8000`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (chars[..3].iter().collect::<String>(), chars[chars.len() - 4..].iter().collect::<String>());
    format!("{head}****{tail}")
}

/// A one-time code for signing in on another device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceCode {
    pub code: String,
    #[cfg_attr(feature = "browser", serde(with = "crate::time::wire::instant"))]
    pub expires_at: DateTime<Utc>,
}

/// Six digits (leading zeros kept) from four random bytes.
pub fn device_code_from(random: [u8; 4]) -> String {
    format!("{:06}", u32::from_be_bytes(random) % 1_000_000)
}

/// Hash under which a device code is stored (bound to its person, so equal codes of two
/// residents differ).
pub fn device_code_hash(person: &PersonId, code: &str) -> String {
    session_token_hash(&format!("{}\0{}", person.as_str(), code.trim()))
}

/// Whether a stored code may still be tried: unexpired and not guessed at too often.
pub fn device_code_usable(expires_at: DateTime<Utc>, attempts: u32, now: DateTime<Utc>) -> bool {
    now < expires_at && attempts < MAX_DEVICE_CODE_ATTEMPTS
}

/// Errors about people, joining and signing in.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdentityError {
    /// Nickname not 1..=20 characters after trimming, or has control characters.
    #[error("the nickname must be 1 to {MAX_NICKNAME_CHARS} characters")]
    InvalidNickname,
    /// Not an 11-digit mainland mobile number.
    #[error("the phone must be an 11-digit mainland mobile number")]
    InvalidPhone,
    /// Building not 1..=10 characters after trimming.
    #[error("the building must be 1 to {MAX_BUILDING_CHARS} characters")]
    InvalidBuilding,
    /// Unit longer than 10 characters after trimming.
    #[error("the unit must be at most {MAX_UNIT_CHARS} characters")]
    InvalidUnit,
    /// More than 4 household tags sent.
    #[error("at most {MAX_HOUSEHOLD_TAGS} household tags")]
    TooManyTags,
    /// New password shorter than 8 characters.
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// New password longer than 128 characters.
    #[error("the password must be at most {MAX_PASSWORD_CHARS} characters")]
    PasswordTooLong,
    /// Unknown phone or wrong password (deliberately not saying which).
    #[error("phone number or password is wrong")]
    InvalidCredentials,
    /// This phone already joined this store.
    #[error("this phone number has already joined this store")]
    PhoneAlreadyJoined,
    /// Unknown phone, or a device code that is wrong, expired or tried too often.
    #[error("phone number or device code is wrong or expired")]
    InvalidDeviceCode,
}

impl IdentityError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            IdentityError::InvalidNickname => "invalid_nickname",
            IdentityError::InvalidPhone => "invalid_phone",
            IdentityError::InvalidBuilding => "invalid_building",
            IdentityError::InvalidUnit => "invalid_unit",
            IdentityError::TooManyTags => "too_many_tags",
            IdentityError::WeakPassword => "weak_password",
            IdentityError::PasswordTooLong => "password_too_long",
            IdentityError::InvalidCredentials => "invalid_credentials",
            IdentityError::PhoneAlreadyJoined => "phone_already_joined",
            IdentityError::InvalidDeviceCode => "invalid_device_code",
        }
    }

    /// HTTP status: 422 for fields, 401/403 for auth, 409 for a duplicate join.
    pub fn http_status(&self) -> u16 {
        match self {
            IdentityError::InvalidCredentials | IdentityError::InvalidDeviceCode => 401,
            IdentityError::PhoneAlreadyJoined => 409,
            _ => 422,
        }
    }

    /// The request field at fault.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            IdentityError::InvalidNickname => Some("nickname"),
            IdentityError::InvalidPhone | IdentityError::PhoneAlreadyJoined => Some("phone"),
            IdentityError::InvalidBuilding => Some("building"),
            IdentityError::InvalidUnit => Some("unit"),
            IdentityError::TooManyTags => Some("household_tags"),
            IdentityError::WeakPassword | IdentityError::PasswordTooLong => Some("password"),
            IdentityError::InvalidDeviceCode => Some("code"),
            IdentityError::InvalidCredentials => None,
        }
    }
}

crate::problem::impl_error_code!(IdentityError, field);

#[cfg(test)]
mod tests {

    #[test]
    fn the_operator_token_matches_only_as_a_bearer_of_the_whole_token() {
        assert!(operator_token_matches("Bearer s3cret-token", "s3cret-token"));
        for wrong in ["", "s3cret-token", "Bearer s3cret", "Bearer s3cret-token ", "bearer s3cret-token"] {
            assert!(!operator_token_matches(wrong, "s3cret-token"), "{wrong:?}");
        }
        assert!(!operator_token_matches("Bearer ", ""), "an empty token never matches");
    }

    use super::*;

    fn join() -> JoinRequest {
        JoinRequest {
            nickname: " 王小明 ".into(),
            phone: "13800138000".into(),
            building: "3幢".into(),
            unit: "2单元302".into(),
            household_tags: vec![HouseholdTag::HasPets, HouseholdTag::HasChildren, HouseholdTag::HasPets],
        }
    }

    #[test]
    fn valid_join_is_trimmed_and_tags_deduped() {
        let v = join().validate().unwrap();
        assert_eq!(v.nickname, "王小明");
        assert_eq!(v.phone, "13800138000");
        assert_eq!(v.building, "3幢");
        assert_eq!(v.household_tags, vec![HouseholdTag::HasChildren, HouseholdTag::HasPets]);
    }

    #[test]
    fn nickname_is_counted_in_characters() {
        let mut j = join();
        j.nickname = "字".repeat(20); // 60 bytes, 20 characters
        assert!(j.validate().is_ok());
        j.nickname = "字".repeat(21);
        assert_eq!(j.validate(), Err(IdentityError::InvalidNickname));
        j.nickname = "   ".into();
        assert_eq!(j.validate(), Err(IdentityError::InvalidNickname));
        j.nickname = "a\u{0}b".into();
        assert_eq!(j.validate(), Err(IdentityError::InvalidNickname));
    }

    #[test]
    fn phone_must_be_mainland_mobile() {
        for ok in ["13800138000", "19912345678", " 15000000000 "] {
            let mut j = join();
            j.phone = ok.into();
            assert!(j.validate().is_ok(), "{ok}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "138001380000",
            "23800138000",
            "1380013800a",
            "+8613800138000",
            "138 0013 8000",
            "",
            "１３８００１３８０００",
        ] {
            let mut j = join();
            j.phone = bad.into();
            assert_eq!(j.validate(), Err(IdentityError::InvalidPhone), "{bad}");
        }
    }

    #[test]
    fn building_unit_and_tags_bounds() {
        let mut j = join();
        j.building = " ".into();
        assert_eq!(j.validate(), Err(IdentityError::InvalidBuilding));
        j.building = "楼".repeat(11);
        assert_eq!(j.validate(), Err(IdentityError::InvalidBuilding));

        let mut j = join();
        j.unit = String::new();
        assert_eq!(j.validate().unwrap().unit, "");
        j.unit = "门".repeat(10);
        assert!(j.validate().is_ok());
        j.unit = "门".repeat(11);
        assert_eq!(j.validate(), Err(IdentityError::InvalidUnit));

        let mut j = join();
        j.household_tags = HouseholdTag::ALL.to_vec();
        assert_eq!(j.validate().unwrap().household_tags.len(), 4);
        j.household_tags.push(HouseholdTag::Vegetarian);
        assert_eq!(j.validate(), Err(IdentityError::TooManyTags));
    }

    #[test]
    fn join_json_defaults_tags() {
        let j: JoinRequest =
            serde_json::from_str(r#"{"nickname":"小李","phone":"13800138000","building":"1幢","unit":""}"#).unwrap();
        assert!(j.household_tags.is_empty());
        let j: JoinRequest =
            serde_json::from_str(r#"{"nickname":"小李","phone":"13800138000","building":"1幢","unit":"","household_tags":["has_elderly","vegetarian"]}"#).unwrap();
        assert_eq!(j.household_tags, vec![HouseholdTag::HasElderly, HouseholdTag::Vegetarian]);
    }

    #[test]
    fn roles_and_tags_parse_their_stored_form() {
        for r in [Role::Resident, Role::Owner] {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert!(Role::parse("admin").is_err());
        for t in HouseholdTag::ALL {
            assert_eq!(HouseholdTag::parse(t.as_str()), Ok(t));
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{}\"", t.as_str()));
        }
        let zh: Vec<_> = HouseholdTag::ALL.iter().map(|t| t.label_zh()).collect();
        assert_eq!(zh, ["有小孩", "有老人", "有宠物", "素食"]);
    }

    #[test]
    fn mask_name_keeps_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name("小明"), "小*");
        assert_eq!(mask_name("A"), "A*");
        assert_eq!(mask_name("Alice"), "A****");
        assert_eq!(mask_name(" 李 "), "李*");
        assert_eq!(mask_name(""), "*");
    }

    #[test]
    fn password_round_trip() {
        let salt = [7u8; 16];
        let stored = hash_password("correct horse", &salt, 10);
        assert!(stored.starts_with("pbkdf2-sha256$10$07070707070707070707070707070707$"));
        assert_eq!(stored.rsplit('$').next().unwrap().len(), 64);
        assert!(verify_password("correct horse", &stored));
        assert!(!verify_password("correct horsE", &stored));
        assert!(!verify_password("", &stored));
        // Same password, other salt: a different string that still verifies.
        let other = hash_password("correct horse", &[8u8; 16], 10);
        assert_ne!(other, stored);
        assert!(verify_password("correct horse", &other));
        // The iteration count is read from the string.
        let slower = hash_password("correct horse", &salt, 11);
        assert_ne!(slower, stored);
        assert!(verify_password("correct horse", &slower));
        assert_eq!(PBKDF2_ITERATIONS, 100_000);
    }

    #[test]
    fn known_answer_vector() {
        // RFC 7914 §11 PBKDF2-HMAC-SHA256 vector, P="passwd", S="salt", c=1 (first 32 bytes).
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(hex::encode(out), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        let stored = format!("pbkdf2-sha256$1${}${}", hex::encode(b"salt"), hex::encode(out));
        assert!(verify_password("passwd", &stored));
    }

    #[test]
    fn malformed_hashes_never_verify() {
        let good = hash_password("secret123", &[1u8; 16], 5);
        let parts: Vec<&str> = good.split('$').collect();
        let bad = [
            String::new(),
            "secret123".into(),
            good.replacen("pbkdf2-sha256", "pbkdf2-sha1", 1),
            format!("{good}$extra"),
            parts[..3].join("$"),
            format!("{}$0${}${}", parts[0], parts[2], parts[3]),
            format!("{}$-5${}${}", parts[0], parts[2], parts[3]),
            format!("{}$+5${}${}", parts[0], parts[2], parts[3]),
            format!("{}$99999999999${}${}", parts[0], parts[2], parts[3]),
            format!("{}$5$zz${}", parts[0], parts[3]),
            format!("{}$5$${}", parts[0], parts[3]),
            format!("{}$5${}$abc", parts[0], parts[2]),
            format!("{}$5${}$", parts[0], parts[2]),
            format!("{}$5${}${}", parts[0], parts[2], &parts[3][..30]),
        ];
        for s in &bad {
            assert!(!verify_password("secret123", s), "{s}");
        }
        assert!(verify_password("secret123", &good));
    }

    #[test]
    fn zero_iterations_count_as_one() {
        let stored = hash_password("secret123", &[2u8; 16], 0);
        assert!(stored.starts_with("pbkdf2-sha256$1$"));
        assert!(verify_password("secret123", &stored));
    }

    #[test]
    fn new_password_rules() {
        assert_eq!(validate_new_password("1234567"), Err(IdentityError::WeakPassword));
        assert_eq!(validate_new_password("12345678"), Ok(()));
        assert_eq!(validate_new_password("密码密码密码密码"), Ok(()));
        assert_eq!(validate_new_password(&"x".repeat(129)), Err(IdentityError::PasswordTooLong));
        assert_eq!(IdentityError::WeakPassword.code(), "weak_password");
    }

    #[test]
    fn session_tokens_are_stored_as_sha256() {
        assert_eq!(session_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_ne!(session_token_hash("abc"), session_token_hash("abd"));
    }

    #[test]
    fn sign_in_debug_hides_password() {
        let s = OwnerSignIn { phone: "13800138000".into(), password: "hunter2hunter2".into() };
        let debug = format!("{s:?}");
        assert!(debug.contains("13800138000") && !debug.contains("hunter2"));
    }

    #[test]
    fn phones_are_masked_and_checked_for_codes() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(SignInCodeRequest { phone: " 13800138000 ".into() }.phone(), Ok("13800138000"));
        assert_eq!(SignInCodeRequest { phone: "12345".into() }.phone(), Err(IdentityError::InvalidPhone));
    }

    #[test]
    fn device_codes_are_six_digits_and_expire() {
        assert_eq!(device_code_from([0, 0, 0, 7]), "000007");
        assert_eq!(device_code_from([255, 255, 255, 255]), "967295");
        let person = PersonId::parse("r-1").unwrap();
        let other = PersonId::parse("r-2").unwrap();
        assert_eq!(device_code_hash(&person, " 123456 "), device_code_hash(&person, "123456"));
        assert_ne!(device_code_hash(&person, "123456"), device_code_hash(&other, "123456"));
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z").unwrap().with_timezone(&Utc);
        let later = now + chrono::Duration::minutes(DEVICE_CODE_TTL_MINUTES);
        assert!(device_code_usable(later, 0, now));
        assert!(!device_code_usable(later, MAX_DEVICE_CODE_ATTEMPTS, now), "too many guesses");
        assert!(!device_code_usable(later, 0, later), "expired at the deadline");
        assert_eq!(IdentityError::InvalidDeviceCode.http_status(), 401);
    }
}
