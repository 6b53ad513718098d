//! `/owner/stock`: 库存, the owner's stock room. 收货 records what arrived (units and
//! best-before), 报损 what broke or spoiled (with a reason), and 盘点 the shelf as counted:
//! each product is scanned with the phone's camera where the browser can read barcodes
//! (`public/page.js`), or its barcode or name typed; the differences are shown, then
//! confirmed. Everything moves stock through the same keeper as orders
//! (shared-model's `movement`); the latest movements are listed below.
//!
//! Test ids: `stock-tab-{receipt,write-off,count}`, `stock-receipt-*`, `stock-write-off-*`,
//! `stock-count-code`, `stock-count-line` (with `data-product`), `stock-count-counted`,
//! `stock-count-diff`, `stock-count-confirm`, `stock-movement`, `stock-done`.

use super::{
    new_idempotency_key,
    owner::{OwnerGate, OwnerNav, OwnerSection},
};
use crate::{
    api::{self, ApiResult},
    components::{
        layout::TopBar,
        problem::{ActionProblem, ProblemNotice},
    },
    i18n::{use_i18n, I18n},
};
use leptos::prelude::*;
use leptos_meta::Title;
use shared_model::{
    api::{MovementsRecorded, RecordCount, RecordReceipt, RecordWriteOff, StockItem, StockMovement, StockSheet},
    identity::Me,
    movement::{CountLine, MovementKind, ReceiptLine, WriteOffReason},
    time::store_tz,
    ProductId,
};

#[component]
pub fn OwnerStockPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Title text=t.stock_title()/>
        <TopBar title=t.stock_title() back="/owner"/>
        <main class="page">
            <OwnerGate signed_in=|me: Me| view! { <OwnerNav active=OwnerSection::Stock/><OwnerStock store=me.store_id.to_string()/> }/>
        </main>
    }
}

/// Which of the three the owner is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Receipt,
    WriteOff,
    Count,
}

/// A movement being sent: its body and the key a retry reuses.
type Sending = (Movement, String);

#[derive(Clone)]
enum Movement {
    Receipt(RecordReceipt),
    WriteOff(RecordWriteOff),
    Count(RecordCount),
}

#[component]
fn OwnerStock(store: String) -> impl IntoView {
    let t = use_i18n();
    let mode = RwSignal::new(Mode::Receipt);
    let record = Action::new({
        let store = store.clone();
        move |(movement, key): &Sending| {
            let (store, movement, key) = (store.clone(), movement.clone(), key.clone());
            async move {
                match movement {
                    Movement::Receipt(body) => api::record_receipt(&store, &body, key).await,
                    Movement::WriteOff(body) => api::record_write_off(&store, &body, key).await,
                    Movement::Count(body) => api::record_count(&store, &body, key).await,
                }
            }
        }
    });
    // Read again after each movement recorded (not after a refusal, which keeps what
    // she typed on the form).
    let recorded = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(_)) = record.value().get() {
            recorded.update(|n| *n += 1);
        }
    });
    let sheet = Resource::new(move || (store.clone(), recorded.get()), |(store, _)| api::get_stock(&store));
    let tab = move |m: Mode, label: &'static str, testid: &'static str| {
        view! {
            <button type="button" class="stock-tab" class:active=move || mode.get() == m aria-pressed=move || (mode.get() == m).to_string()
                data-testid=testid on:click=move |_| mode.set(m)>{label}</button>
        }
    };
    view! {
        <div class="stock-tabs" role="group">
            {tab(Mode::Receipt, t.stock_receipt(), "stock-tab-receipt")}
            {tab(Mode::WriteOff, t.stock_write_off(), "stock-tab-write-off")}
            {tab(Mode::Count, t.stock_count(), "stock-tab-count")}
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading()}</p> }>
            {move || Suspend::new(async move {
                match sheet.await {
                    Ok(sheet) => view! { <StockRoom sheet mode record/> }.into_any(),
                    Err(error) => view! { <ProblemNotice error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StockRoom(sheet: StockSheet, mode: RwSignal<Mode>, record: Action<Sending, ApiResult<MovementsRecorded>>) -> impl IntoView {
    let t = use_i18n();
    let products = StoredValue::new(sheet.products);
    let movements = sheet.movements;
    view! {
        {move || match mode.get() {
            Mode::Receipt => view! { <ReceiptForm products=products.get_value() record/> }.into_any(),
            Mode::WriteOff => view! { <WriteOffForm products=products.get_value() record/> }.into_any(),
            Mode::Count => view! { <CountForm products=products.get_value() record/> }.into_any(),
        }}
        <ActionProblem result=record.value().into()/>
        {move || matches!(record.value().get(), Some(Ok(_))).then(|| view! {
            <p class="notice notice-ok" role="status" data-testid="stock-done">{t.stock_done()}</p>
        })}
        <section class="stock-history">
            <h2 class="section-title">{t.stock_history()}</h2>
            {if movements.is_empty() {
                view! { <p class="muted">{t.stock_history_empty()}</p> }.into_any()
            } else {
                view! { <ul class="stock-movements">{movements.into_iter().map(|m| movement_row(t, m)).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

/// The `<option>`s of a product picker.
fn product_options(products: &[StockItem]) -> impl IntoView {
    products
        .iter()
        .map(|p| view! { <option value=p.product_id.to_string()>{format!("{}（{}）", p.name, p.unit)}</option> })
        .collect_view()
}

fn first_product(products: &[StockItem]) -> String {
    products.first().map(|p| p.product_id.to_string()).unwrap_or_default()
}

/// A typed whole number of units (`None` when it is not one).
fn units(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// The key of the next attempt: a retry after a lost answer reuses it, so the movement is
/// not recorded twice; after an answer the next movement gets a new one.
fn attempt_keys(record: Action<Sending, ApiResult<MovementsRecorded>>) -> impl Fn() -> String + Copy {
    let key = RwSignal::new(String::new());
    Effect::new(move |_| match record.value().get() {
        Some(Ok(_)) => key.set(String::new()),
        Some(Err(e)) if !e.may_have_succeeded() => key.set(String::new()),
        _ => {}
    });
    move || {
        if key.get_untracked().is_empty() {
            key.set(new_idempotency_key());
        }
        key.get_untracked()
    }
}

/// 收货: lines of product, units and best-before, added one by one, then sent together.
#[component]
fn ReceiptForm(products: Vec<StockItem>, record: Action<Sending, ApiResult<MovementsRecorded>>) -> impl IntoView {
    let t = use_i18n();
    let lines = RwSignal::new(Vec::<(ReceiptLine, String)>::new());
    let product = RwSignal::new(first_product(&products));
    let quantity = RwSignal::new(String::new());
    let best_before = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let next_key = attempt_keys(record);
    let names = StoredValue::new(products.clone());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = ProductId::parse(&product.get_untracked()).ok();
        // An `<input type="date">` value is `YYYY-MM-DD`, as the API writes dates.
        let date = shared_model::time::wire::parse_date(best_before.get_untracked().trim());
        let line = match (id, units(&quantity.get_untracked()), date) {
            (Some(product_id), Some(quantity), Some(best_before)) => Some(ReceiptLine { product_id, quantity, best_before }),
            _ => None,
        };
        invalid.set(line.is_none());
        if let Some(line) = line {
            let name = names.with_value(|p| p.iter().find(|p| p.product_id == line.product_id).map(|p| p.name.clone()));
            lines.update(|l| {
                l.retain(|(old, _)| old.product_id != line.product_id);
                l.push((line, name.unwrap_or_default()));
            });
            quantity.set(String::new());
        }
    };
    let send = move |_| {
        let body = RecordReceipt { lines: lines.get_untracked().into_iter().map(|(l, _)| l).collect() };
        record.dispatch((Movement::Receipt(body), next_key()));
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = record.value().get() {
            lines.set(Vec::new());
        }
    });
    view! {
        <form class="form stock-form" on:submit=add novalidate>
            <p class="muted small">{t.stock_receipt_hint()}</p>
            <label class="field"><span>{t.stock_product()}</span>
                <select prop:value=move || product.get() on:change:target=move |ev| product.set(ev.target().value()) data-testid="stock-receipt-product">
                    {product_options(&products)}
                </select>
            </label>
            <div class="stock-row">
                <label class="field"><span>{t.stock_units()}</span>
                    <input type="text" inputmode="numeric" prop:value=move || quantity.get()
                        on:input:target=move |ev| quantity.set(ev.target().value()) data-testid="stock-receipt-quantity"/>
                </label>
                <label class="field"><span>{t.stock_best_before()}</span>
                    <input type="date" prop:value=move || best_before.get()
                        on:input:target=move |ev| best_before.set(ev.target().value()) data-testid="stock-receipt-best-before"/>
                </label>
            </div>
            {move || invalid.get().then(|| view! { <p class="notice notice-error" role="alert">{t.stock_receipt_invalid()}</p> })}
            <button class="btn" type="submit" data-testid="stock-receipt-add">{t.stock_add_line()}</button>
        </form>
        {move || (!lines.with(Vec::is_empty)).then(|| view! {
            <section class="stock-pending">
                <ul class="stock-lines">
                    {lines.get().into_iter().map(|(line, name)| view! {
                        <li data-testid="stock-receipt-line">
                            <span>{name}</span>
                            <span>{format!("+{}", line.quantity)}</span>
                            <span class="muted small">{t.stock_best_before_on(line.best_before.format("%m-%d").to_string())}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <button class="btn btn-primary btn-block" type="button" on:click=send disabled=move || record.pending().get()
                    data-testid="stock-receipt-send">{t.stock_receipt_send()}</button>
            </section>
        })}
    }
}

/// 报损: one product, units, reason (and a note for 其他).
#[component]
fn WriteOffForm(products: Vec<StockItem>, record: Action<Sending, ApiResult<MovementsRecorded>>) -> impl IntoView {
    let t = use_i18n();
    let product = RwSignal::new(first_product(&products));
    let quantity = RwSignal::new(String::new());
    let reason = RwSignal::new(WriteOffReason::Damaged.as_str().to_string());
    let note = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let next_key = attempt_keys(record);
    let shelf = StoredValue::new(products.clone());
    let on_shelf = move || {
        let id = product.get();
        shelf.with_value(|p| p.iter().find(|p| p.product_id.as_str() == id).map(|p| p.available))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match (ProductId::parse(&product.get_untracked()), units(&quantity.get_untracked())) {
            (Ok(product_id), Some(quantity)) => Some(RecordWriteOff {
                product_id,
                quantity,
                reason: WriteOffReason::parse(&reason.get_untracked()).unwrap_or(WriteOffReason::Other),
                note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            }),
            _ => None,
        };
        invalid.set(body.is_none());
        if let Some(body) = body {
            record.dispatch((Movement::WriteOff(body), next_key()));
        }
    };
    view! {
        <form class="form stock-form" on:submit=submit novalidate>
            <label class="field"><span>{t.stock_product()}</span>
                <select prop:value=move || product.get() on:change:target=move |ev| product.set(ev.target().value()) data-testid="stock-write-off-product">
                    {product_options(&products)}
                </select>
            </label>
            <p class="muted small">{move || on_shelf().map(|n| t.stock_on_shelf(n))}</p>
            <div class="stock-row">
                <label class="field"><span>{t.stock_units()}</span>
                    <input type="text" inputmode="numeric" prop:value=move || quantity.get()
                        on:input:target=move |ev| quantity.set(ev.target().value()) data-testid="stock-write-off-quantity"/>
                </label>
                <label class="field"><span>{t.stock_reason()}</span>
                    <select prop:value=move || reason.get() on:change:target=move |ev| reason.set(ev.target().value()) data-testid="stock-write-off-reason">
                        {WriteOffReason::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{reason_label(t, r)}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <label class="field"><span>{t.stock_note()}</span>
                <input type="text" maxlength="100" prop:value=move || note.get()
                    on:input:target=move |ev| note.set(ev.target().value()) data-testid="stock-write-off-note"/>
            </label>
            {move || invalid.get().then(|| view! { <p class="notice notice-error" role="alert">{t.stock_units_invalid()}</p> })}
            <button class="btn btn-primary btn-block" type="submit" disabled=move || record.pending().get()
                data-testid="stock-write-off-send">{t.stock_write_off_send()}</button>
        </form>
    }
}

/// One product being counted: what the page showed, and what was counted (text as typed).
#[derive(Clone)]
struct Counting {
    item: StockItem,
    counted: RwSignal<String>,
}

/// The product a scanned or typed code names: its barcode exactly, else the first whose
/// name holds the text.
fn find_product<'a>(products: &'a [StockItem], code: &str) -> Option<&'a StockItem> {
    let code = code.trim();
    if code.is_empty() {
        return None;
    }
    products.iter().find(|p| p.barcode.as_deref() == Some(code)).or_else(|| products.iter().find(|p| p.name.contains(code)))
}

/// 盘点: scan or type each product; a scan of a product already listed counts one more.
/// The differences are shown as she goes, and sent when she confirms.
#[component]
fn CountForm(products: Vec<StockItem>, record: Action<Sending, ApiResult<MovementsRecorded>>) -> impl IntoView {
    let t = use_i18n();
    let code = RwSignal::new(String::new());
    let counting = RwSignal::new(Vec::<Counting>::new());
    let unknown = RwSignal::new(None::<String>);
    let next_key = attempt_keys(record);
    let products = StoredValue::new(products);
    let scan = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = code.get_untracked();
        let Some(item) = products.with_value(|p| find_product(p, &typed).cloned()) else {
            unknown.set(Some(typed));
            return;
        };
        unknown.set(None);
        code.set(String::new());
        let listed = counting.with_untracked(|c| c.iter().find(|c| c.item.product_id == item.product_id).map(|c| c.counted));
        match listed {
            Some(counted) => counted.update(|n| *n = (units(n).unwrap_or(0) + 1).to_string()),
            None => counting.update(|c| c.push(Counting { item, counted: RwSignal::new("1".into()) })),
        }
    };
    let lines = move || -> Option<Vec<CountLine>> {
        counting.with(|c| {
            c.iter()
                .map(|c| {
                    Some(CountLine {
                        product_id: c.item.product_id.clone(),
                        counted: units(&c.counted.get())?,
                        expected: c.item.available,
                    })
                })
                .collect()
        })
    };
    let confirm = move |_| {
        if let Some(lines) = lines() {
            record.dispatch((Movement::Count(RecordCount { lines }), next_key()));
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = record.value().get() {
            counting.set(Vec::new());
        }
    });
    view! {
        <form class="form stock-form" on:submit=scan novalidate>
            <p class="muted small">{t.stock_count_hint()}</p>
            <div class="pickup-search">
                <input type="text" id="stock-count-code" enterkeyhint="enter" autocomplete="off" aria-label=t.stock_count_code()
                    placeholder=t.stock_count_code() prop:value=move || code.get()
                    on:input:target=move |ev| code.set(ev.target().value()) data-testid="stock-count-code"/>
                <button class="btn btn-small" type="submit">{t.stock_count_add()}</button>
                // Shown by page.js where the browser can read barcodes from the camera.
                <button class="btn btn-small" type="button" hidden data-scan-target="stock-count-code">{t.stock_count_scan()}</button>
            </div>
            {move || unknown.get().map(|code| view! { <p class="notice notice-error" role="alert">{t.stock_count_unknown(code)}</p> })}
        </form>
        {move || (!counting.with(Vec::is_empty)).then(|| view! {
            <section class="stock-pending">
                <ul class="stock-lines">
                    {counting.get().into_iter().map(|c| {
                        let expected = c.item.available;
                        let counted = c.counted;
                        let diff = move || units(&counted.get()).map(|n| i64::from(n) - i64::from(expected));
                        view! {
                            <li data-testid="stock-count-line" data-product=c.item.product_id.to_string()>
                                <span>{c.item.name.clone()}</span>
                                <span class="muted small">{t.stock_count_expected(expected)}</span>
                                <input type="text" inputmode="numeric" class="stock-count-input" aria-label=t.stock_count_counted()
                                    prop:value=move || counted.get() on:input:target=move |ev| counted.set(ev.target().value())
                                    data-testid="stock-count-counted"/>
                                <span class="stock-diff" class:short=move || diff().is_some_and(|d| d < 0)
                                    class:over=move || diff().is_some_and(|d| d > 0) data-testid="stock-count-diff">
                                    {move || diff().map_or("—".to_string(), |d| if d == 0 { t.stock_count_match().to_string() } else { format!("{d:+}") })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {move || lines().is_none().then(|| view! { <p class="notice notice-error" role="alert">{t.stock_units_invalid()}</p> })}
                <button class="btn btn-primary btn-block" type="button" on:click=confirm
                    disabled=move || record.pending().get() || lines().is_none() data-testid="stock-count-confirm">{t.stock_count_confirm()}</button>
            </section>
        })}
    }
}

fn reason_label(t: I18n, reason: WriteOffReason) -> &'static str {
    match reason {
        WriteOffReason::Damaged => t.stock_reason_damaged(),
        WriteOffReason::Expired => t.stock_reason_expired(),
        WriteOffReason::Spoiled => t.stock_reason_spoiled(),
        WriteOffReason::Other => t.stock_reason_other(),
    }
}

fn movement_row(t: I18n, m: StockMovement) -> impl IntoView {
    let kind = match m.kind {
        MovementKind::Receipt => t.stock_receipt(),
        MovementKind::WriteOff => t.stock_write_off(),
        MovementKind::Count => t.stock_count(),
    };
    let detail = match (m.reason, &m.note, m.best_before) {
        (Some(reason), note, _) => {
            note.as_ref().map_or(reason_label(t, reason).to_string(), |n| format!("{}：{n}", reason_label(t, reason)))
        }
        (None, _, Some(date)) => t.stock_best_before_on(date.format("%m-%d").to_string()),
        _ => m.expected.map(|e| t.stock_count_expected(e)).unwrap_or_default(),
    };
    let at = m.created_at.with_timezone(&store_tz()).format("%m-%d %H:%M").to_string();
    view! {
        <li data-testid="stock-movement" data-kind=m.kind.as_str()>
            <span class="stock-movement-kind">{kind}</span>
            <span>{m.name}</span>
            <span class="stock-movement-units" class:short=m.quantity < 0>{format!("{:+}", m.quantity)}</span>
            <span class="muted small">{detail}</span>
            <span class="muted small">{format!("{at} · {}", t.stock_on_shelf(m.available_after))}</span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, name: &str, barcode: Option<&str>) -> StockItem {
        StockItem {
            product_id: ProductId::parse(id).unwrap(),
            name: name.into(),
            unit: "盒".into(),
            barcode: barcode.map(Into::into),
            available: 5,
            best_before: chrono::NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(),
        }
    }

    #[test]
    fn a_code_names_a_product_by_barcode_then_by_name() {
        let products = [item("p-egg", "土鸡蛋", Some("6920261000012")), item("p-milk", "鲜牛奶", Some("6920261000029"))];
        assert_eq!(find_product(&products, " 6920261000029 ").map(|p| p.name.as_str()), Some("鲜牛奶"));
        assert_eq!(find_product(&products, "鸡蛋").map(|p| p.name.as_str()), Some("土鸡蛋"));
        assert!(find_product(&products, "6920261000036").is_none());
        assert!(find_product(&products, "  ").is_none());
    }
}
