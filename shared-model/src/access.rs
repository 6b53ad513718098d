//! Who may do what: the one home of every access rule. The worker fetches the facts (the
//! signed-in person, the store of a live, the buyer of an order) and maps a refusal to
//! its problem; the app asks the same rules what to offer a person.
//!
//! Policy, checked in this order for every [`Action`]:
//! 1. **Signed in.** Every action needs a person; a visitor is `Unauthenticated` (401).
//!    Browsing a store and watching a live need no account and are not actions here.
//! 2. **Role.** Residents shop (cart, orders, live buys, reminders, device codes); owners
//!    run their store (products, pickups, lives, residents and KOCs); HQ (总部) reads
//!    every store's numbers and 备货 and acts in none. The wrong role is refused with its own
//!    code: `ResidentsOnly`, `OwnersOnly`, `NotStoreOwner` (lives), `HqOnly`.
//! 3. **Store scope.** A person belongs to one store and acts only there (`WrongStore`).
//! 4. **Ownership of an order.** An order is seen by its buyer and by its store's owner,
//!    cancelled only by its buyer and moved on only by its store's owner. To anyone else
//!    it does not exist (`OrderNotFound`, 404), so order ids cannot be probed.

use crate::{
    identity::{Me, Role},
    problem::impl_error_code,
    PersonId, StoreId,
};
use thiserror::Error;

/// Something a person asks to do, with the facts the rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Keep a cart, place a shop order, make a device code: any resident (in their own
    /// store, which the session already fixes).
    Shop,
    /// Buy in a live of `store`, or be reminded of it: a resident of that store.
    ShopAt(&'a StoreId),
    /// Edit products and stock, list the store's orders and residents, mark KOCs: the
    /// owner of `store`.
    ManageStore(&'a StoreId),
    /// Schedule, start, end and pin offers in a live of `store`, read its summary.
    RunLive(&'a StoreId),
    /// Read an order placed at `store` by `buyer`.
    ReadOrder { store: &'a StoreId, buyer: &'a PersonId },
    /// Cancel an order placed by `buyer`.
    CancelOrder { buyer: &'a PersonId },
    /// Mark an order of `store` ready, or hand it over.
    HandOverOrder { store: &'a StoreId },
    /// Read the 经营数据 of `store`: its owner, or HQ.
    ReadNumbers(&'a StoreId),
    /// Read every store's numbers side by side: HQ.
    ReadChain,
    /// Read the 备货 of `store` (pick list, purchase orders, deliveries, dead letters):
    /// its owner, or HQ. Sending and resending are `ManageStore`.
    ReadSupply(&'a StoreId),
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum AccessError {
    /// No valid session.
    #[error("Sign in or join a store first")]
    Unauthenticated,
    /// Signed in to another store.
    #[error("This account belongs to another store")]
    WrongStore,
    /// A resident on an owner's action.
    #[error("Not allowed for this account")]
    OwnersOnly,
    /// An owner on a resident's action.
    #[error("Only residents can do this")]
    ResidentsOnly,
    /// Not the owner of the live's store (a resident, or another store's owner).
    #[error("only the store's owner can do this")]
    NotStoreOwner,
    /// The order is not this person's to see or change (or does not exist).
    #[error("Not found")]
    OrderNotFound,
    /// Not HQ, on HQ's view of the chain.
    #[error("Only HQ can see every store")]
    HqOnly,
}

impl AccessError {
    /// Stable machine code for the problem body.
    pub fn code(&self) -> &'static str {
        match self {
            AccessError::Unauthenticated => "unauthenticated",
            AccessError::WrongStore => "wrong_store",
            AccessError::OwnersOnly => "forbidden",
            AccessError::ResidentsOnly => "residents_only",
            AccessError::NotStoreOwner => "not_store_owner",
            AccessError::OrderNotFound => "order_not_found",
            AccessError::HqOnly => "hq_only",
        }
    }

    /// HTTP status: 401 signed out, 404 for an order that is not yours, else 403.
    pub fn http_status(&self) -> u16 {
        match self {
            AccessError::Unauthenticated => 401,
            AccessError::OrderNotFound => 404,
            _ => 403,
        }
    }
}
impl_error_code!(AccessError);

/// [`Action::Shop`] for someone known by role alone (a sealed session's claims, which
/// order capture trusts without reading the person).
pub fn authorize_shop(role: Role) -> Result<(), AccessError> {
    require(role == Role::Resident, AccessError::ResidentsOnly)
}

/// Whether `me` may do `action`, and if not, why (see the module doc for the order).
pub fn authorize(me: Option<&Me>, action: Action<'_>) -> Result<(), AccessError> {
    let me = me.ok_or(AccessError::Unauthenticated)?;
    let in_store = |store: &StoreId| &me.store_id == store;
    let owner_of = |store: &StoreId| me.role == Role::Owner && in_store(store);
    match action {
        Action::Shop => authorize_shop(me.role),
        Action::ShopAt(store) => {
            require(me.role == Role::Resident, AccessError::ResidentsOnly)?;
            require(in_store(store), AccessError::WrongStore)
        }
        Action::ManageStore(store) => {
            require(in_store(store), AccessError::WrongStore)?;
            require(me.role == Role::Owner, AccessError::OwnersOnly)
        }
        Action::ReadNumbers(_) if me.role == Role::Hq => Ok(()),
        Action::ReadNumbers(store) => authorize(Some(me), Action::ManageStore(store)),
        Action::ReadChain => require(me.role == Role::Hq, AccessError::HqOnly),
        Action::ReadSupply(_) if me.role == Role::Hq => Ok(()),
        Action::ReadSupply(store) => authorize(Some(me), Action::ManageStore(store)),
        Action::RunLive(store) => require(owner_of(store), AccessError::NotStoreOwner),
        Action::ReadOrder { store, buyer } => require(&me.person_id == buyer || owner_of(store), AccessError::OrderNotFound),
        Action::CancelOrder { buyer } => require(&me.person_id == buyer, AccessError::OrderNotFound),
        Action::HandOverOrder { store } => require(owner_of(store), AccessError::OrderNotFound),
    }
}

/// Whether `me` may do `action`: what the app asks before offering it.
pub fn may(me: Option<&Me>, action: Action<'_>) -> bool {
    authorize(me, action).is_ok()
}

/// `me` if they belong to `store` (a member sees their own price tier, reminders and
/// neighbours' buildings in the 接龙, and may comment in its lives); `None` for visitors,
/// other stores' people and HQ, whose account sits in a store but belongs to none.
pub fn member_of<'a>(me: Option<&'a Me>, store: &StoreId) -> Option<&'a Me> {
    me.filter(|m| &m.store_id == store && m.role != Role::Hq)
}

fn require(allowed: bool, refusal: AccessError) -> Result<(), AccessError> {
    if allowed {
        Ok(())
    } else {
        Err(refusal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, store: &str, role: Role) -> Me {
        Me {
            person_id: PersonId::parse(id).unwrap(),
            store_id: StoreId::parse(store).unwrap(),
            nickname: "王小明".into(),
            role,
            building: "3".into(),
            unit: "101".into(),
            household_tags: Vec::new(),
            is_koc: false,
        }
    }

    fn store(id: &str) -> StoreId {
        StoreId::parse(id).unwrap()
    }

    /// Every action by every kind of person: a visitor, a resident and the owner of store
    /// s-1, a resident and the owner of store s-2. The buyer of the orders is r-1.
    #[test]
    fn the_whole_matrix() {
        use AccessError::*;
        let (s1, buyer) = (store("s-1"), PersonId::parse("r-1").unwrap());
        let resident = person("r-1", "s-1", Role::Resident);
        let neighbour = person("r-2", "s-1", Role::Resident);
        let owner = person("o-1", "s-1", Role::Owner);
        let foreign_resident = person("r-9", "s-2", Role::Resident);
        let foreign_owner = person("o-2", "s-2", Role::Owner);
        // HQ's account sits in a store (s-1) like everyone's, and acts in none.
        let hq = person("hq-1", "s-1", Role::Hq);
        let people =
            [None, Some(&resident), Some(&neighbour), Some(&owner), Some(&foreign_resident), Some(&foreign_owner), Some(&hq)];
        let ok = Ok(());
        #[rustfmt::skip]
        let expected: [(Action, [Result<(), AccessError>; 7]); 10] = [
            //                                          visitor                resident  neighbour               owner                   foreign resident        foreign owner     hq
            (Action::Shop,                             [Err(Unauthenticated), ok,       ok,                     Err(ResidentsOnly),     ok,                     Err(ResidentsOnly), Err(ResidentsOnly)]),
            (Action::ShopAt(&s1),                      [Err(Unauthenticated), ok,       ok,                     Err(ResidentsOnly),     Err(WrongStore),        Err(ResidentsOnly), Err(ResidentsOnly)]),
            (Action::ManageStore(&s1),                 [Err(Unauthenticated), Err(OwnersOnly), Err(OwnersOnly), ok,                     Err(WrongStore),        Err(WrongStore), Err(OwnersOnly)]),
            (Action::RunLive(&s1),                     [Err(Unauthenticated), Err(NotStoreOwner), Err(NotStoreOwner), ok,               Err(NotStoreOwner),     Err(NotStoreOwner), Err(NotStoreOwner)]),
            (Action::ReadOrder { store: &s1, buyer: &buyer }, [Err(Unauthenticated), ok, Err(OrderNotFound), ok,                    Err(OrderNotFound),     Err(OrderNotFound), Err(OrderNotFound)]),
            (Action::CancelOrder { buyer: &buyer },    [Err(Unauthenticated), ok,       Err(OrderNotFound),     Err(OrderNotFound),     Err(OrderNotFound),     Err(OrderNotFound), Err(OrderNotFound)]),
            (Action::HandOverOrder { store: &s1 },     [Err(Unauthenticated), Err(OrderNotFound), Err(OrderNotFound), ok,               Err(OrderNotFound),     Err(OrderNotFound), Err(OrderNotFound)]),
            (Action::ReadNumbers(&s1),                 [Err(Unauthenticated), Err(OwnersOnly), Err(OwnersOnly), ok,                     Err(WrongStore),        Err(WrongStore), ok]),
            (Action::ReadChain,                        [Err(Unauthenticated), Err(HqOnly), Err(HqOnly), Err(HqOnly),           Err(HqOnly),            Err(HqOnly),            ok]),
            (Action::ReadSupply(&s1),                  [Err(Unauthenticated), Err(OwnersOnly), Err(OwnersOnly), ok,                     Err(WrongStore),        Err(WrongStore), ok]),
        ];
        for (action, answers) in expected {
            for (me, answer) in people.iter().zip(answers) {
                assert_eq!(authorize(*me, action), answer, "{action:?} by {:?}", me.map(|m| &m.person_id));
                assert_eq!(may(*me, action), answer.is_ok());
            }
        }
    }

    #[test]
    fn refusals_keep_their_problem_codes() {
        assert_eq!((AccessError::Unauthenticated.code(), AccessError::Unauthenticated.http_status()), ("unauthenticated", 401));
        assert_eq!((AccessError::WrongStore.code(), AccessError::WrongStore.http_status()), ("wrong_store", 403));
        assert_eq!((AccessError::OwnersOnly.code(), AccessError::OwnersOnly.http_status()), ("forbidden", 403));
        assert_eq!((AccessError::ResidentsOnly.code(), AccessError::ResidentsOnly.http_status()), ("residents_only", 403));
        assert_eq!((AccessError::NotStoreOwner.code(), AccessError::NotStoreOwner.http_status()), ("not_store_owner", 403));
        assert_eq!((AccessError::OrderNotFound.code(), AccessError::OrderNotFound.http_status()), ("order_not_found", 404));
        assert_eq!((AccessError::HqOnly.code(), AccessError::HqOnly.http_status()), ("hq_only", 403));
    }

    #[test]
    fn members_are_people_of_the_store() {
        let resident = person("r-1", "s-1", Role::Resident);
        let owner = person("o-1", "s-1", Role::Owner);
        assert_eq!(member_of(Some(&resident), &store("s-1")), Some(&resident));
        assert_eq!(member_of(Some(&owner), &store("s-1")), Some(&owner));
        assert_eq!(member_of(Some(&resident), &store("s-2")), None);
        assert_eq!(member_of(None, &store("s-1")), None);
        assert_eq!(member_of(Some(&person("hq-1", "s-1", Role::Hq)), &store("s-1")), None);
    }
}
