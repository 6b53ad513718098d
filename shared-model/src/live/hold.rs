//! A live buy's hold in its room, from the moment the room sets the units aside until
//! the order is certain: its states and the moves between them.

use crate::ids::stored_forms;

/// Where a live buy's hold stands. `Held` until its order is in D1, then `Confirmed`;
/// `Released` when the write failed or the sweep voided the order; `Cancelled` when the
/// resident cancelled the order. Only `Held` and `Confirmed` units count as sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HoldState {
    Held,
    Confirmed,
    Released,
    Cancelled,
}

stored_forms!(HoldState, "hold state", {
    Held => "held",
    Confirmed => "confirmed",
    Released => "released",
    Cancelled => "cancelled",
});

impl HoldState {
    /// The states whose units count as sold: against the offer's allotment and the
    /// buyer's cap, and what a cancellation gives back.
    pub const SOLD: &'static [HoldState] = &[HoldState::Held, HoldState::Confirmed];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip_and_unknown_ones_are_refused() {
        for state in HoldState::ALL {
            assert_eq!(HoldState::parse(state.as_str()), Ok(state));
        }
        assert!(HoldState::parse("HELD").is_err());
        assert_eq!(HoldState::SOLD, &[HoldState::Held, HoldState::Confirmed]);
    }
}
