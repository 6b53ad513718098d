//! The demo chain's suppliers (演示供应商) and what each store buys from whom: by
//! category, a supplier, the pack size it sells in and the safety stock the store keeps.
//! Every demo supplier's endpoint is this worker's own demo inbox, so a purchase order
//! sent in the demo goes all the way through the queue to a supplier that answers.
//! A product already given a supplier keeps it (seeding twice changes nothing).

use crate::{error::AppResult, services::supply::DEMO_INBOX_PATH};
use worker::{D1Database, D1PreparedStatement};

/// The demo suppliers: id and name.
const SUPPLIERS: [(&str, &str); 3] =
    [("sup-demo-fresh", "演示供应商·果蔬"), ("sup-demo-farm", "演示供应商·肉蛋水产"), ("sup-demo-pantry", "演示供应商·粮油乳品")];

/// Per category: its supplier, pack size and safety stock (units).
const TERMS: [(&str, &str, u32, u32); 7] = [
    ("fruit", "sup-demo-fresh", 6, 5),
    ("vegetables", "sup-demo-fresh", 10, 8),
    ("meat_eggs", "sup-demo-farm", 4, 4),
    ("seafood", "sup-demo-farm", 2, 2),
    ("grains_oils", "sup-demo-pantry", 6, 3),
    ("dairy_bakery", "sup-demo-pantry", 12, 6),
    ("snacks", "sup-demo-pantry", 10, 4),
];

/// The statements, to run after the store products are in.
pub fn supply_statements(db: &D1Database) -> AppResult<Vec<D1PreparedStatement>> {
    let mut statements = Vec::new();
    for (id, name) in SUPPLIERS {
        statements.push(
            db.prepare("INSERT INTO suppliers (id, name, endpoint, demo) VALUES (?1, ?2, ?3, 1) ON CONFLICT DO NOTHING")
                .bind(&[id.into(), name.into(), DEMO_INBOX_PATH.into()])?,
        );
    }
    for (category, supplier, pack, safety) in TERMS {
        statements.push(
            db.prepare(
                "UPDATE store_products SET supplier_id = ?2, pack_size = ?3, safety_stock = ?4 WHERE supplier_id IS NULL \
                 AND product_id IN (SELECT id FROM products WHERE category_id = ?1)",
            )
            .bind(&[category.into(), supplier.into(), pack.into(), safety.into()])?,
        );
    }
    Ok(statements)
}
