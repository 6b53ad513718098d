//! 品鉴会 against the real edge: 200 phones rush 20 seats (exactly 20 confirmed, the rest
//! waitlisted 1..180 with no gaps), 30 cancellations promote exactly the next 30, the
//! door checks a code in once, the cron reminds the guests of a tasting that is near,
//! and caps, strangers and bad input each get their own problem.

use chrono::Duration;
use e2e_tests::*;
use futures::{stream, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::time::Instant;

async fn book(c: &Client, tasting: &str, seats: i64) -> reqwest::Response {
    c.put(url(&format!("/api/v1/tastings/{tasting}/booking"))).json(&json!({ "seats": seats })).send().await.unwrap()
}

async fn cancel(c: &Client, tasting: &str) -> reqwest::Response {
    c.delete(url(&format!("/api/v1/tastings/{tasting}/booking"))).send().await.unwrap()
}

async fn mine(c: &Client, tasting: &str) -> Value {
    json_of::<Value>(c.get(url(&format!("/api/v1/tastings/{tasting}"))).send().await.unwrap()).await["my_booking"].clone()
}

async fn bookings(owner: &Client, tasting: &str) -> Value {
    json_of(owner.get(url(&format!("/api/v1/tastings/{tasting}/bookings"))).send().await.unwrap()).await
}

async fn check_in(c: &Client, tasting: &str, code: &str) -> reqwest::Response {
    c.post(url(&format!("/api/v1/tastings/{tasting}/check-ins"))).json(&json!({ "code": code })).send().await.unwrap()
}

/// The waitlist's positions in the owner's list, in its order.
fn waitlist_positions(list: &Value) -> Vec<u64> {
    let bookings = list["bookings"].as_array().unwrap();
    bookings.iter().filter(|b| b["status"] == "waitlisted").map(|b| b["position"].as_u64().unwrap()).collect()
}

/// The residents at `which` cancel their bookings, all at once.
async fn cancel_all(residents: &[Resident], which: &[usize], tasting: &str) {
    let answers: Vec<StatusCode> = stream::iter(which)
        .map(|&i| async move { cancel(&residents[i].client, tasting).await.status() })
        .buffer_unordered(which.len())
        .collect()
        .await;
    assert!(answers.iter().all(|s| *s == StatusCode::OK), "{answers:?}");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn two_hundred_phones_rush_twenty_seats_and_cancellations_promote_in_order() {
    let owner = owner(OWNER_A_PHONE).await;
    let tasting = schedule_tasting(&owner, "云南蓝莓品鉴会", Duration::days(3), 20, 2).await;
    let id = tasting["id"].as_str().unwrap().to_string();
    let residents = households(200, "抢位").await;

    // All at once: each phone asks for one seat.
    let answers: Vec<(usize, StatusCode, Value, f64)> = stream::iter(residents.iter().enumerate())
        .map(|(i, r)| {
            let id = &id;
            async move {
                let started = Instant::now();
                let resp = book(&r.client, id, 1).await;
                let ms = started.elapsed().as_secs_f64() * 1000.0;
                let status = resp.status();
                (i, status, resp.json::<Value>().await.unwrap(), ms)
            }
        })
        .buffer_unordered(200)
        .collect()
        .await;
    let mut times: Vec<f64> = answers.iter().map(|a| a.3).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "booking rush: 200 phones, 20 seats: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times[times.len() - 1]
    );
    assert!(answers.iter().all(|a| a.1 == StatusCode::CREATED), "{:?}", answers.iter().find(|a| a.1 != StatusCode::CREATED));
    let status_of = |a: &(usize, StatusCode, Value, f64)| a.2["my_booking"]["status"].as_str().unwrap().to_string();
    let confirmed: Vec<usize> = answers.iter().filter(|a| status_of(a) == "confirmed").map(|a| a.0).collect();
    assert_eq!(confirmed.len(), 20, "exactly the seats are confirmed");
    let mut waiting: Vec<(u64, usize)> = answers
        .iter()
        .filter(|a| status_of(a) == "waitlisted")
        .map(|a| (a.2["my_booking"]["position"].as_u64().expect("a position"), a.0))
        .collect();
    waiting.sort();
    assert_eq!(waiting.iter().map(|w| w.0).collect::<Vec<_>>(), (1..=180).collect::<Vec<u64>>(), "positions 1..180, no gaps");

    // The owner's list says the same, and so does the store's list.
    let list = bookings(&owner, &id).await;
    assert_eq!((list["tasting"]["seats_left"].as_u64(), list["tasting"]["waitlisted"].as_u64()), (Some(0), Some(180)));
    assert_eq!(waitlist_positions(&list), (1..=180).collect::<Vec<u64>>());

    // 30 cancellations promote exactly the next 30: all 20 seated cancel at once, then 10
    // of those they made room for.
    cancel_all(&residents, &confirmed, &id).await;
    let promoted_first: Vec<usize> = waiting[..20].iter().map(|w| w.1).collect();
    for &i in &promoted_first {
        assert_eq!(mine(&residents[i].client, &id).await["status"], "confirmed", "resident {i} was next");
    }
    cancel_all(&residents, &promoted_first[..10], &id).await;
    for (rank, &(_, i)) in waiting.iter().enumerate().skip(20).take(10) {
        assert_eq!(mine(&residents[i].client, &id).await["status"], "confirmed", "the {}th in line is promoted", rank + 1);
    }
    let next = mine(&residents[waiting[30].1].client, &id).await;
    assert_eq!((next["status"].as_str(), next["position"].as_u64()), (Some("waitlisted"), Some(1)), "31st is now first");
    let list = bookings(&owner, &id).await;
    assert_eq!(waitlist_positions(&list), (1..=150).collect::<Vec<u64>>(), "the waitlist closes up");
    assert_eq!(list["tasting"]["seats_left"].as_u64(), Some(0));

    // Each promoted resident is told, once.
    let promoted = &residents[waiting[0].1];
    let notices: Value = json_of(promoted.client.get(url("/api/v1/me/notices")).send().await.unwrap()).await;
    let told: Vec<&Value> = notices["community"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "promoted_from_waitlist" && n["tasting_id"] == id.as_str())
        .collect();
    assert_eq!(told.len(), 1, "{notices}");
    assert_eq!(told[0]["path"], format!("/s/{STORE_A}/tastings/{id}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn households_strangers_and_bad_input_each_get_their_own_problem() {
    let owner = owner(OWNER_A_PHONE).await;
    let tasting = schedule_tasting(&owner, "有机蔬菜试吃", Duration::days(2), 4, 2).await;
    let id = tasting["id"].as_str().unwrap().to_string();

    // Two residents of one household (same building and unit) share its cap of 2.
    let mum = resident(STORE_A, "妈妈", "9栋").await;
    let dad = resident(STORE_A, "爸爸", "9栋").await;
    let booked: Value = json_of(book(&mum.client, &id, 2).await).await;
    assert_eq!(booked["my_booking"]["status"], "confirmed");
    assert_eq!(booked["seats_left"], 2);
    expect_problem(book(&dad.client, &id, 1).await, 409, "household_seat_cap").await;
    expect_problem(book(&mum.client, &id, 1).await, 409, "already_booked").await;
    let single = join(STORE_A, "单身汉").await;
    expect_problem(book(&single, &id, 3).await, 422, "invalid_seat_count").await;
    expect_problem(book(&single, &id, 0).await, 422, "invalid_seat_count").await;
    let foreigner = join(STORE_B, "隔壁店").await;
    expect_problem(book(&foreigner, &id, 1).await, 403, "wrong_store").await;
    expect_problem(book(&client(), &id, 1).await, 401, "unauthenticated").await;
    expect_problem(book(&single, "t-nothing", 1).await, 404, "tasting_not_found").await;
    // Residents neither see the list nor check in; a wrong code is refused.
    expect_problem(single.get(url(&format!("/api/v1/tastings/{id}/bookings"))).send().await.unwrap(), 403, "forbidden").await;
    expect_problem(check_in(&single, &id, "123456").await, 403, "forbidden").await;
    expect_problem(check_in(&owner, &id, "000000").await, 422, "invalid_check_in_code").await;
    // Her code is right but the door opens an hour before the start.
    let code = mine(&mum.client, &id).await["check_in_code"].as_str().unwrap().to_string();
    expect_problem(check_in(&owner, &id, &code).await, 409, "check_in_not_open").await;
    // Bad tastings.
    let bad = owner
        .post(url(&format!("/api/v1/stores/{STORE_A}/tastings")))
        .json(&json!({ "title": "", "starts_at": now().to_rfc3339(), "place": "店里", "seats": 10, "seats_per_household": 2 }))
        .send()
        .await
        .unwrap();
    expect_problem(bad, 422, "invalid_tasting_title").await;
    let nothing_changed = bookings(&owner, &id).await;
    assert_eq!(nothing_changed["bookings"].as_array().unwrap().len(), 1);
    assert_eq!(nothing_changed["tasting"]["seats_left"], 2);

    // The owner calls it off: the booking is void, and nobody can book any more.
    let off: Value = json_of(owner.post(url(&format!("/api/v1/tastings/{id}/cancellation"))).send().await.unwrap()).await;
    assert_eq!(off["status"], "cancelled");
    assert!(mine(&mum.client, &id).await.is_null());
    expect_problem(book(&single, &id, 1).await, 409, "tasting_cancelled").await;

    // The demo chain's nearly full tasting names what is tasted.
    let demo: Value = json_of(client().get(url(&format!("/api/v1/tastings/t-demo-{STORE_A}-0"))).send().await.unwrap()).await;
    assert_eq!(demo["products"][0]["name"], "阳光玫瑰葡萄");
    assert_eq!((demo["seats"].as_u64(), demo["seats_left"].as_u64()), (Some(12), Some(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_door_checks_a_code_in_once_and_guests_are_reminded() {
    let owner = owner(OWNER_A_PHONE).await;
    let tasting = schedule_tasting(&owner, "今晚车厘子品鉴", Duration::minutes(30), 10, 2).await;
    let id = tasting["id"].as_str().unwrap().to_string();
    let guest = join(STORE_A, "准时到").await;
    let booked: Value = json_of(book(&guest, &id, 2).await).await;
    let code = booked["my_booking"]["check_in_code"].as_str().expect("a code once confirmed").to_string();
    assert_eq!(code.len(), 6);
    // Her code as a QR, for a scanner at the door; nobody else's to fetch.
    let qr = guest.get(url(&format!("/api/v1/tastings/{id}/booking/qr.svg"))).send().await.unwrap();
    assert_eq!(qr.status(), StatusCode::OK);
    assert!(qr.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
    assert!(qr.text().await.unwrap().contains("<svg"));
    let stranger = join(STORE_A, "好奇").await;
    let theirs = stranger.get(url(&format!("/api/v1/tastings/{id}/booking/qr.svg"))).send().await.unwrap();
    expect_problem(theirs, 404, "booking_not_found").await;

    // The cron's reminder is due (it is the eve or later): the guest is told, once.
    for _ in 0..2 {
        let fired = client().get(url("/__scheduled?cron=*/10+*+*+*+*")).send().await.unwrap();
        assert!(fired.status().is_success(), "scheduled: {}", fired.status());
    }
    let notices: Value = json_of(guest.get(url("/api/v1/me/notices")).send().await.unwrap()).await;
    let reminders = notices["community"].as_array().unwrap().iter().filter(|n| n["kind"] == "tasting_tomorrow").count();
    assert_eq!(reminders, 1, "{notices}");

    let line: Value = json_of(check_in(&owner, &id, &format!(" {code} ")).await).await;
    assert_eq!((line["status"].as_str(), line["seats"].as_u64()), (Some("checked_in"), Some(2)));
    expect_problem(check_in(&owner, &id, &code).await, 409, "already_checked_in").await;
    assert_eq!(mine(&guest, &id).await["status"], "checked_in");
    // The question after the evening opens at the start.
    let early = guest.post(url(&format!("/api/v1/tastings/{id}/nps"))).json(&json!({ "score": 9 })).send().await.unwrap();
    expect_problem(early, 409, "nps_not_open").await;
    let stranger = join(STORE_A, "没来").await;
    let not_there = stranger.post(url(&format!("/api/v1/tastings/{id}/nps"))).json(&json!({ "score": 9 })).send().await.unwrap();
    expect_problem(not_there, 403, "not_an_attendee").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_attendee_answers_the_one_question_once_and_the_store_score_counts_it() {
    let owner = owner(OWNER_A_PHONE).await;
    // Starts in a few seconds: book and check in before, answer after.
    let tasting = schedule_tasting(&owner, "马上开始的试吃", Duration::seconds(4), 6, 2).await;
    let id = tasting["id"].as_str().unwrap().to_string();
    let guest = join(STORE_A, "来了").await;
    let booked: Value = json_of(book(&guest, &id, 1).await).await;
    let code = booked["my_booking"]["check_in_code"].as_str().unwrap().to_string();
    json_of::<Value>(check_in(&owner, &id, &code).await).await;
    let before: Value = json_of(owner.get(url(&format!("/api/v1/stores/{STORE_A}/nps"))).send().await.unwrap()).await;
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;

    let card: Value = json_of(guest.get(url(&format!("/api/v1/tastings/{id}"))).send().await.unwrap()).await;
    assert_eq!((card["started"].as_bool(), card["survey_open"].as_bool()), (Some(true), Some(true)));
    let answer = |score: i64| {
        let (guest, id) = (&guest, &id);
        async move {
            guest
                .post(url(&format!("/api/v1/tastings/{id}/nps")))
                .json(&json!({ "score": score, "comment": " 葡萄很甜 " }))
                .send()
                .await
                .unwrap()
        }
    };
    expect_problem(answer(11).await, 422, "invalid_nps_score").await;
    let answered = answer(10).await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let answered: Value = answered.json().await.unwrap();
    assert_eq!(answered["survey_open"], false, "asked once");
    expect_problem(answer(3).await, 409, "nps_already_answered").await;

    let list = bookings(&owner, &id).await;
    assert_eq!((list["survey"]["answers"].as_u64(), list["survey"]["promoters"].as_u64()), (Some(1), Some(1)));
    assert_eq!(list["survey"]["nps"], 100);
    let after: Value = json_of(owner.get(url(&format!("/api/v1/stores/{STORE_A}/nps"))).send().await.unwrap()).await;
    let count = |v: &Value, k: &str| v["summary"][k].as_u64().unwrap();
    assert_eq!(count(&after, "answers"), count(&before, "answers") + 1);
    assert_eq!(count(&after, "promoters"), count(&before, "promoters") + 1);
    expect_problem(guest.get(url(&format!("/api/v1/stores/{STORE_A}/nps"))).send().await.unwrap(), 403, "forbidden").await;
}
