//! Interface text in Simplified Chinese (default) and English. The server picks the
//! locale from the `lang` cookie or `Accept-Language`; the browser reads it back from
//! `<html lang>`, so both render the same words.

use leptos::prelude::*;

/// The interface language: shared-model's, where dates, counts and problem messages are
/// formatted per language.
pub use shared_model::locale::Locale;

/// Provides the locale: on the server the worker already did; in the browser it is read
/// from `<html lang>`.
pub fn provide_locale_context() {
    if use_context::<Locale>().is_none() {
        provide_context(document_locale());
    }
}

/// The page's locale: the context's, or (in an island, which sees no context) the one the
/// server rendered the document in.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_else(document_locale)
}

/// The `lang` of the document in the browser; the default on the server.
fn document_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        let lang =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()).and_then(|e| e.get_attribute("lang"));
        lang.as_deref().and_then(Locale::from_tag).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Locale::default()
}

/// The message table for the current locale.
pub fn use_i18n() -> I18n {
    I18n(use_locale())
}

/// Looks up interface text; `Copy`, so views capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct I18n(pub Locale);

macro_rules! messages {
    ($($name:ident => $zh:expr, $en:expr;)*) => {
        impl I18n {
            $(
                pub fn $name(self) -> &'static str {
                    match self.0 {
                        Locale::ZhCn => $zh,
                        Locale::En => $en,
                    }
                }
            )*
        }
    };
}

messages! {
    brand => "邻里", "Linli";
    noscript_note => "未开启 JavaScript：可以浏览，下单和抢购需开启后使用", "JavaScript is off: you can browse, but ordering needs it";
    tagline => "社区生鲜 · 今晚下单 明日自提", "Neighbourhood fresh food · order tonight, pick up tomorrow";
    choose_store => "选择你的社区店", "Choose your community store";
    enter_store => "进店逛逛", "Visit store";
    search_placeholder => "搜索商品，如：鸡蛋、草莓", "Search, e.g. eggs, strawberries";
    search => "搜索", "Search";
    all => "全部", "All";
    add_to_cart => "加入购物车", "Add to cart";
    added => "已加入", "Added";
    sold_out => "已售罄", "Sold out";
    low_stock => "仅剩", "Only";
    in_stock => "有货", "In stock";
    units_left => "件", "left";
    cart => "购物车", "Cart";
    shop => "逛店", "Shop";
    orders => "我的订单", "My orders";
    origin => "产地", "Origin";
    test_report => "检测报告", "Test report";
    best_before => "最佳食用期至", "Best before";
    shelf_life => "保质期", "Shelf life";
    cap => "每人限购", "Limit per person";
    no_results => "没有找到相关商品，换个词试试", "Nothing found. Try another word.";
    loading => "加载中…", "Loading…";
    join_title => "加入社区店", "Join the store";
    join_intro => "填写信息后即可下单，次日到店自提。", "Join to order today and pick up tomorrow.";
    nickname => "昵称", "Nickname";
    phone => "手机号", "Phone";
    building => "楼栋", "Building";
    unit => "单元/门牌", "Unit";
    household => "家庭情况（可选）", "Household (optional)";
    join_button => "加入并开始购物", "Join and start shopping";
    join_to_buy => "加入社区店后下单", "Join the store to order";
    cart_empty => "购物车是空的，去逛逛吧", "Your cart is empty";
    total => "合计", "Total";
    pickup_point => "自提点", "Pickup point";
    pickup_date => "自提日期", "Pickup date";
    place_order => "提交订单", "Place order";
    placing => "提交中…", "Placing…";
    remove => "删除", "Remove";
    order => "订单", "Order";
    pickup_code => "取货码", "Pickup code";
    pickup_code_hint => "到店出示取货码即可取货", "Show this code at the store";
    status_timeline => "订单进度", "Order progress";
    cancel_order => "取消订单", "Cancel order";
    cancel_before => "可在此时间前取消：", "Can be cancelled until ";
    no_orders => "还没有订单", "No orders yet";
    owner_console => "店长后台", "Owner console";
    owner_sign_in => "店长登录", "Owner sign-in";
    password => "密码", "Password";
    sign_in => "登录", "Sign in";
    sign_out => "退出登录", "Sign out";
    stock => "库存", "Stock";
    save => "保存", "Save";
    saved => "已保存", "Saved";
    no_cap => "不限购", "No limit";
    not_found => "页面不存在", "Page not found";
    back_home => "返回首页", "Back to home";
    welcome => "你好，", "Hello, ";
    switch_language => "English", "中文";
    note => "备注（可选）", "Note (optional)";
    order_placed => "下单成功！", "Order placed!";
    view_orders => "查看订单", "View orders";
    pickups_today => "今日自提", "Today";
    pickups_tomorrow => "明日自提", "Tomorrow";
    rec_title => "为你推荐", "Picked for you";
    rec_cart_title => "凑单推荐", "Goes with your cart";
    rec_popular_this_week => "本店本周热销", "Selling well here this week";
    rec_store_pick => "店长推荐", "The store recommends";
    pickups_after_tomorrow => "后天自提", "In 2 days";
    mark_ready => "备货完成", "Mark ready";
    hand_over => "确认提货", "Hand over";
    no_pickups => "这一天没有自提订单", "No pickups on this day";
    products_and_stock => "商品与库存", "Products and stock";
    already_joined => "已经加入过？在这台设备登录", "Joined before? Sign in on this device";
    device_code => "设备码", "Device code";
    device_code_hint => "在已登录的手机上打开「我的订单」，点「在其他设备登录」获取6位设备码。", "On your signed-in phone, open My orders and tap Sign in on another device to get a 6-digit code.";
    other_device => "在其他设备登录", "Sign in on another device";
    other_device_code => "10分钟内在新设备上输入手机号和此设备码：", "Within 10 minutes, enter your phone and this code on the new device:";
}

// What a new resident trips over (tracker issue 8): offline taps, caps, missing pages,
// signing in again, coming back after joining.
messages! {
    retry => "重试", "Try again";
    line_not_counted => "未计入合计", "Not in the total";
    coupon => "优惠券", "Coupon";
    browse_follow_ups => "浏览提醒：看了几次没买的商品，第二天送一张小额专用券", "Browse reminders: a small coupon the day after for something you kept looking at";
    deals => "临期特价", "Near-expiry deals";
    no_deals => "今天暂无临期特价", "No near-expiry deals today";
    no_coupon => "不使用优惠券", "No coupon";
    coupon_discount => "优惠券抵扣", "Coupon";
    goods_total => "商品金额", "Goods";
    cart_blocked => "有商品暂时无法下单，请按提示调整数量或删除", "Some items can't be ordered yet. Change or remove them as shown.";
    member_sign_in => "已加入过？登录", "Joined before? Sign in";
    member_new_here => "第一次来？", "New here?";
    orders_sign_in_title => "登录后查看你的订单", "Sign in to see your orders";
    cart_sign_in_title => "登录后查看你的购物车", "Sign in to see your cart";
    search_in_before => "在「", "Nothing found in “";
    search_in_after => "」中没有找到，", "”. ";
    search_everywhere => "查看全部商品中的结果", "Search the whole store";
    back_to_shop => "回到店里逛逛", "Back to the shop";
    joined_welcome => "已加入社区店，现在可以下单了", "You have joined the store. You can order now.";
    live_cap_reached => "已达限购", "Limit reached";
    live_you_have => "本场已抢到", "You have";
}

// Live room (resident): the live page, the shop's 直播 strip and the live notice banner.
messages! {
    live_status_scheduled => "未开始", "Upcoming";
    live_status_live => "直播中", "Live";
    live_status_ended => "已结束", "Ended";
    live_starts_at => "开播时间", "Starts";
    live_starts_in => "距开播", "Starts in";
    live_flash_price => "秒杀价", "Flash price";
    live_returning_price => "老顾客专享", "Returning customers";
    live_gift => "赠", "Free gift:";
    live_opens_in => "即将开抢", "Opens in";
    live_ends_in => "距结束", "Ends in";
    live_buy_now => "立即抢购", "Buy now";
    live_buying => "抢购中…", "Buying…";
    live_sold_out => "已抢光", "Sold out";
    live_offer_closed => "已结束", "Ended";
    live_grabbed => "已抢", "Sold";
    live_quantity => "数量", "Quantity";
    live_bought => "抢到了！", "Got it! ";
    live_view_order => "查看订单", "View order";
    live_join_to_buy => "加入社区后下单", "Join the community to buy";
    live_chain => "接龙", "Group order list";
    live_chain_empty => "还没有人接龙，快来抢第一单", "No orders yet. Be the first!";
    live_comments => "评论", "Comments";
    live_comments_empty => "还没有评论，说两句吧", "No comments yet";
    live_comment_placeholder => "说点什么…", "Say something…";
    live_send => "发送", "Send";
    live_join_to_comment => "加入社区后参与评论", "Join the community to comment";
    live_no_offer => "店长还没有上架秒杀商品，敬请期待", "No flash offer yet. Stay tuned!";
    live_reconnecting => "连接中断，正在重连…", "Reconnecting…";
    live_lives => "直播", "Live";
    live_watch_now => "正在直播", "On air now";
    live_enter_short => "进入", "Watch";
    live_remind_me => "提醒我", "Remind me";
    live_reminded => "已预约", "Reminder set";
    live_replay => "回看", "Replay";
    live_notice_before => "你预约的直播「", "Your live “";
    live_notice_after => "」开始了", "” has started";
    live_enter => "进入直播间", "Enter the live room";
    live_dismiss => "关闭", "Dismiss";
}
// End of live room (resident).

// Live room (owner): /owner/lives (lives, scheduling, residents and KOCs) and the live
// console /owner/lives/:live.
messages! {
    owner_nav_orders => "订单与库存", "Orders & stock";
    owner_nav_lives => "直播", "Lives";
    owner_lives_title => "直播管理", "Lives";
    owner_lives_list => "本店直播", "Our lives";
    owner_lives_empty => "还没有直播，发布第一场预告吧", "No lives yet. Announce the first one below.";
    owner_live_starts_at_short => "开播", "Starts";
    owner_live_on_air_since => "开播于", "On air since";
    owner_live_ended_at => "结束于", "Ended";
    owner_live_prepare => "准备", "Prepare";
    owner_live_run => "控制台", "Console";
    owner_live_results => "战报", "Results";
    owner_live_schedule_title => "发布直播预告", "Announce a live";
    owner_live_title => "直播标题", "Title";
    owner_live_title_placeholder => "如：今晚8点 山东寿光白菜专场", "e.g. Tonight 8pm: Shouguang cabbage";
    owner_live_starts_at => "开播时间（北京时间）", "Starts at (Beijing time)";
    owner_live_start_required => "请选择开播日期和时间", "Choose the start date and time";
    owner_live_stream_url => "直播视频地址（可选）", "Stream URL (optional)";
    owner_live_stream_hint => "演示视频：", "Demo video:";
    owner_live_use_demo => "使用演示视频", "Use the demo video";
    owner_live_cover_url => "封面图片地址（可选）", "Cover image URL (optional)";
    owner_live_schedule => "发布预告", "Announce";
    owner_live_scheduled => "已发布：", "Announced: ";
    owner_live_open_console => "进入控制台", "Open the console";
    owner_residents_title => "居民与KOC", "Residents & KOCs";
    owner_koc_hint => "KOC（带货达人）的评论会在直播间高亮显示。", "Comments by KOCs (key opinion consumers) are highlighted in lives.";
    owner_residents_empty => "还没有居民加入本店", "No residents have joined yet";
    owner_residents_search => "搜昵称、楼栋或手机尾号", "Name, building or phone's last digits";
    owner_residents_none_found => "没有找到这位居民", "No resident matches";
    owner_resident_completed => "已提货订单", "Orders picked up:";
    owner_koc_toggle => "设为KOC", "KOC";
    owner_console_title => "直播控制台", "Live console";
    owner_console_watch => "居民视角", "Resident view";
    owner_console_start => "开播", "Go live";
    owner_console_end => "结束直播", "End the live";
    owner_console_end_hint => "结束后所有秒杀自动下架，未售出的库存回到货架。", "Ending takes every offer down; unsold units go back to the shelf.";
    owner_console_end_confirm => "确认结束（不能撤回）", "Yes, end it (final)";
    owner_console_end_keep => "继续直播", "Keep going";
    owner_console_pin_after_start => "开播后即可上架秒杀商品。", "Go live to pin flash offers.";
    owner_console_reconnecting => "连接中断，正在重连…", "Reconnecting…";
    owner_chain_title => "接龙", "Group order list";
    owner_chain_empty => "还没有人接龙", "No orders yet";
    owner_comments_empty => "还没有评论", "No comments yet";
    owner_offers_title => "秒杀商品", "Flash offers";
    owner_offers_empty => "还没有上架秒杀商品", "No offers pinned yet";
    owner_offer_scheduled => "即将开抢", "Opens soon";
    owner_offer_open => "抢购中", "Open";
    owner_offer_sold_out => "已抢光", "Sold out";
    owner_offer_closed => "已结束", "Closed";
    owner_offer_opens_in => "距开抢", "Opens in";
    owner_offer_ends_in => "距结束", "Ends in";
    owner_offer_sold => "已售", "Sold";
    owner_offer_unpin => "下架", "Unpin";
    owner_returning_tag => "老顾客", "Returning";
    owner_gift_tag => "赠", "Gift:";
    owner_optional => "可选", "Optional";
    owner_pin_title => "上架秒杀", "Pin a flash offer";
    owner_pin_product => "商品", "Product";
    owner_pin_choose => "请选择商品", "Choose a product";
    owner_pin_flash_price => "秒杀价（元）", "Flash price (¥)";
    owner_pin_price_placeholder => "如 9.9", "e.g. 9.9";
    owner_pin_returning_price => "老顾客专享价（元）", "Returning price (¥)";
    owner_pin_allotted => "直播库存（件）", "Units for the live";
    owner_pin_cap => "每人限购", "Limit per buyer";
    owner_pin_opens_in => "几分钟后开抢", "Opens in (min)";
    owner_pin_duration => "抢购时长（分钟）", "Lasts (min)";
    owner_pin_gift => "赠品（可选）", "Gift (optional)";
    owner_pin_gift_placeholder => "如：送葱一把", "e.g. a bunch of scallions";
    owner_pin_submit => "上架", "Pin";
    owner_summary_title => "直播战报", "Live results";
    owner_summary_gmv => "成交额", "Sales";
    owner_summary_orders => "订单", "Orders";
    owner_summary_units => "件数", "Units";
    owner_summary_buyers => "下单人数", "Buyers";
    owner_summary_returning => "老顾客占比", "Returning share";
    owner_summary_offer => "商品", "Product";
}
// End of live room (owner).

impl I18n {
    /// The message for an API problem, from shared-model's tables for both languages
    /// (with the problem's numbers). Never the server's title or internal text.
    pub fn problem(self, error: &crate::api::ApiError) -> String {
        self.message(&error.0)
    }

    /// The message for a problem that was not an API answer (why a cart line cannot be
    /// ordered, why the buy button is off), in the same words.
    pub fn message(self, problem: &shared_model::Problem) -> String {
        problem.message(self.0)
    }

    /// A pickup date with its weekday (`12月3日 周四`, `Thu, Dec 3`).
    pub fn pickup_date_text(self, date: chrono::NaiveDate) -> String {
        shared_model::locale::format_pickup_date(self.0, date)
    }

    /// An instant in store time (`12月3日 21:30`, `Dec 3, 21:30`).
    pub fn when(self, at: chrono::DateTime<chrono::Utc>) -> String {
        shared_model::locale::format_local(self.0, at)
    }

    /// A number with its noun (`3 件`, `1 item`, `2 orders`).
    pub fn count(self, n: impl Into<u64>, noun: shared_model::locale::Noun) -> String {
        shared_model::locale::count(self.0, n.into(), noun)
    }

    /// The word after the number `n` (`件`, `order`, `orders`), for a number shown apart.
    pub fn noun(self, n: impl Into<u64>, noun: shared_model::locale::Noun) -> &'static str {
        shared_model::locale::noun(self.0, n.into(), noun)
    }

    /// The 临期特价 label, its date plainly (`临期特价 7折 · 最佳食用期至12月4日`).
    pub fn markdown_label(self, tag: &shared_model::markdown::MarkdownTag) -> String {
        let day = shared_model::locale::format_month_day(self.0, tag.best_before);
        match self.0 {
            Locale::ZhCn => format!("临期特价 {} · 最佳食用期至{day}", tag.rate.label_zh()),
            Locale::En => format!("Near expiry, {} · best before {day}", tag.rate.label_en()),
        }
    }

    /// A coupon's terms and last day (`满¥39.00减¥5.00 · 有效期至12月17日`).
    pub fn coupon_label(self, coupon: &shared_model::coupon::Coupon) -> String {
        let day = shared_model::locale::format_month_day(self.0, coupon.usable_through());
        match self.0 {
            Locale::ZhCn => format!("{} · 有效期至{day}", coupon.label_zh()),
            Locale::En => format!("{} · use by {day}", coupon.label_en()),
        }
    }

    /// What an order holds (`苹果 等 2 种商品，共 3 件`).
    pub fn order_contents(self, summary: &shared_model::order::OrderSummary) -> String {
        shared_model::locale::order_contents(self.0, &summary.first_item_name, summary.line_count, summary.item_count)
    }
}

// The owner's pickup counter, and getting back in (sign-in codes by SMS or from the owner).
messages! {
    pickup_search_label => "查找订单", "Find an order";
    pickup_search_placeholder => "取货码 / 跟团号 / 手机尾号 / 昵称", "Pickup code / group no. / phone / name";
    pickup_search_clear => "清除", "Clear";
    pickup_search_none => "没有找到这个订单，请核对取货码或手机尾号", "No order found; check the code or the phone number";
    load_more => "加载更多", "Load more";
    sign_in_with_code => "用短信验证码登录", "Sign in with a text message code";
    sign_in_code_hint => "输入加入时用的手机号，我们会发送6位验证码。收不到短信？到店请店长帮你发登录码，或在已登录的手机上打开「我的订单」获取设备码。", "Enter the phone you joined with and we will text you a 6-digit code. No text? Ask the store owner for a sign-in code, or open My orders on a signed-in phone to get a device code.";
    send_code => "获取验证码", "Send code";
    sending_code => "发送中…", "Sending…";
    sign_in_code => "验证码", "Code";
    sign_out_confirm => "退出后，可以用加入时的手机号接收短信验证码重新登录；收不到短信时，到店请店长帮忙。确定退出吗？", "After signing out, sign back in with a code texted to the phone you joined with; if no text arrives, the store owner can help. Sign out?";
    sign_out_yes => "确定退出", "Sign out";
    keep_signed_in => "不退出", "Stay signed in";
    counter_sign_in_title => "帮居民登录", "Help a resident sign in";
    counter_sign_in_hint => "居民换了手机又收不到短信时：输入她加入时的手机号，核对昵称和楼栋是本人后，把登录码告诉她（10分钟内有效）。", "When a resident has no signed-in phone and no text arrives: enter the phone she joined with, check the name and building are hers, then tell her the code (valid 10 minutes).";
    counter_sign_in_button => "生成登录码", "Get a sign-in code";
    counter_code_for => "登录码，给：", "Sign-in code for:";
}

impl I18n {
    /// The day's number of orders, for the pickup list's heading.
    pub fn pickup_day_count(self, n: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("共 {n} 单"),
            Locale::En if n == 1 => "1 order".to_owned(),
            Locale::En => format!("{n} orders"),
        }
    }

    /// How many orders a search found (`more`: the first page of several).
    pub fn pickup_found_count(self, n: usize, more: bool) -> String {
        let plus = if more { "+" } else { "" };
        match self.0 {
            Locale::ZhCn => format!("找到 {n}{plus} 单"),
            Locale::En if n == 1 && !more => "1 order found".to_owned(),
            Locale::En => format!("{n}{plus} orders found"),
        }
    }

    /// The last four digits of a buyer's phone.
    pub fn phone_tail(self, tail: &str) -> String {
        match self.0 {
            Locale::ZhCn => format!("尾号{tail}"),
            Locale::En => format!("phone …{tail}"),
        }
    }

    /// Where a texted code went and how long it lasts.
    pub fn code_sent_to(self, phone_masked: &str, minutes: i64) -> String {
        match self.0 {
            Locale::ZhCn => format!("如果 {phone_masked} 是本店居民的手机号，验证码已发出，{minutes}分钟内有效。"),
            Locale::En => {
                format!("If {phone_masked} belongs to a resident here, a code is on its way; it lasts {minutes} minutes.")
            }
        }
    }
}

// 心愿单: the store's wishlist (resident page and the owner's answers).
messages! {
    wishes_title => "心愿单", "Wishlist";
    wishes_intro => "想要店里还没有的东西？写下来，邻居们一起+1，店长会去找货。", "Want something the store does not sell yet? Write it down; neighbours add +1 and the owner goes looking.";
    wishes_entry => "心愿单：想要什么告诉店长", "Wishlist: tell the owner what you want";
    wishes_empty => "还没有心愿，来写第一个吧", "No wishes yet: write the first";
    wish_text_label => "我想要…", "I would like…";
    wish_text_placeholder => "例如：想要云南蓝莓，最好是大果", "e.g. Yunnan blueberries, the big ones";
    wish_price_label => "愿意出的价格（可选，元）", "What you would pay (optional, yuan)";
    wish_submit => "许个心愿", "Make a wish";
    wish_join_first => "加入社区店后才能许愿和+1", "Join the store to make wishes and add +1";
    wish_collecting => "征集中", "Collecting";
    wish_sourcing => "采购中", "Sourcing";
    wish_stocked => "已上架", "In stock";
    wish_declined => "暂不考虑", "Not for now";
    wish_stocked_link => "去看看", "See it";
    wish_would_pay => "愿付", "Would pay";
    wish_vote => "我也想要 +1", "Me too +1";
    wish_voted => "已想要 ✓", "Wanted ✓";
    wish_mine => "我的心愿", "My wish";
    owner_wishes_title => "居民心愿", "Residents' wishes";
    owner_wish_sourcing => "去采购", "Source it";
    owner_wish_stock => "已上架", "Stocked";
    owner_wish_decline => "暂不考虑", "Decline";
    owner_wish_product => "上架的商品", "Product now sold";
    owner_wish_reason => "原因（居民能看到）", "Reason (residents see it)";
}

impl I18n {
    /// How many people want a wish.
    pub fn wish_votes(self, n: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("{n}人想要"),
            Locale::En if n == 1 => "1 person wants this".to_owned(),
            Locale::En => format!("{n} people want this"),
        }
    }
}

// 品鉴会: tastings (resident pages, the owner's console and door screen).
messages! {
    tastings_title => "品鉴会", "Tastings";
    tastings_entry => "品鉴会：到店试吃，报名占座", "Tastings: taste in store, book a seat";
    tastings_intro => "店长邀请邻居到店品尝新品。报名占座，满了可以候补，有人取消会自动递补。", "The owner invites neighbours to taste new products in store. Book a seat; when it is full, join the waitlist: a cancellation moves it up by itself.";
    tastings_empty => "暂时没有品鉴会，敬请期待", "No tastings for now: stay tuned";
    tasting_open => "报名中", "Open";
    tasting_full => "已满·可候补", "Full · waitlist open";
    tasting_called_off => "已取消", "Called off";
    tasting_ended => "已开始", "Started";
    tasting_seats_left => "剩余 {left}/{seats} 位", "{left} of {seats} seats left";
    tasting_waiting => "{n} 人候补", "{n} waiting";
    tasting_join_first => "加入社区店后才能报名", "Join the store to book";
    booking_confirmed => "已报名", "Booked";
    booking_waitlisted => "候补中", "On the waitlist";
    booking_checked_in => "已签到", "Checked in";
    booking_late_cancelled => "临时取消", "Cancelled late";
    booking_no_show => "未到场", "No-show";
    booking_over => "已取消", "Cancelled";
    booking_seats => "{n} 位", "{n} seats";
    booking_position => "候补第 {n} 位", "Waitlist #{n}";
    booking_code_hint => "到店出示签到码", "Show this code at the door";
    booking_qr_alt => "签到二维码", "Check-in QR code";
    booking_cancel_hint => "开始前 2 小时内取消会记为临时取消。", "Cancelling within 2 hours of the start counts as a late cancellation.";
    booking_cancel => "取消报名", "Cancel booking";
    booking_how_many => "几位（每户最多 {max} 位）", "Seats (at most {max} per household)";
    booking_full_hint => "名额已满：先排候补，有人取消会按顺序自动递补并通知你。", "Full: join the waitlist; when someone cancels you move up in order and are told.";
    booking_join_waitlist => "排候补", "Join the waitlist";
    booking_book => "报名", "Book";
    survey_question => "你会向邻居推荐我们店吗？", "Would you recommend our store to a neighbour?";
    survey_unlikely => "0 不会", "0 not at all";
    survey_likely => "10 一定会", "10 certainly";
    survey_comment => "想对店长说的话（可选）", "Anything for the owner (optional)";
    survey_send => "提交", "Send";
    owner_tastings_title => "品鉴会", "Tastings";
    owner_tasting_open => "名单与签到", "Guests & door";
    owner_tasting_counts => "已报 {taken}/{seats} · 候补 {waiting}", "{taken}/{seats} booked · {waiting} waiting";
    owner_nps_label => "近 {days} 天推荐值 NPS", "NPS, last {days} days";
    owner_nps_counts => "{answers} 份回答 · 推荐 {promoters} · 贬损 {detractors}", "{answers} answers · {promoters} promoters · {detractors} detractors";
    owner_tasting_nps => "本场推荐值 NPS", "This tasting's NPS";
    owner_tasting_schedule => "安排品鉴会", "Schedule a tasting";
    owner_tasting_title_label => "主题", "Title";
    owner_tasting_starts_at => "开始时间", "Starts at";
    owner_tasting_place => "地点", "Place";
    owner_tasting_seats => "座位数", "Seats";
    owner_tasting_per_household => "每户最多", "Per household";
    owner_tasting_scheduled => "已安排，居民现在可以报名了", "Scheduled: residents can book now";
    owner_tasting_call_off => "取消这场品鉴会", "Call this tasting off";
    owner_tasting_call_off_confirm => "取消后所有报名作废，确定吗？", "Every booking will be void. Call it off?";
    tasting_products => "品鉴商品", "Tasting";
    owner_tasting_products => "品鉴商品（可选，最多 {max} 个）", "Products to taste (optional, at most {max})";
    owner_tasting_cover => "封面图片链接（可选）", "Cover image URL (optional)";
    door_title => "门口签到", "Door check-in";
    door_placeholder => "6 位签到码", "6-digit code";
    door_check_in => "签到", "Check in";
    door_welcome => "欢迎 {name}，{n} 位已签到", "Welcome {name}: {n} checked in";
}

// Joining by QR (the owner's store poster) and the resident's notices (top bar bell, list).
messages! {
    poster_nav => "海报", "Poster";
    poster_title => "门店海报", "Store poster";
    poster_join => "扫码加入", "Scan to join ";
    poster_hint => "A4 纸打印，贴在门口或收银台，居民扫码即可加入。", "Print on A4 and put it up at the door or the till: residents scan to join.";
    poster_print => "打印海报", "Print poster";
    poster_brand_line => "社区生鲜", "Neighbourhood fresh food";
    poster_qr_alt => "加入本店的二维码", "QR code to join this store";
    poster_scan => "微信或手机相机扫一扫", "Scan with WeChat or your phone camera";
    poster_benefit_order => "今晚下单，明天到店自提", "Order tonight, pick up tomorrow";
    poster_benefit_live => "每晚直播，邻居专享价", "Evening lives with neighbours' prices";
    poster_benefit_wish => "想要什么，心愿单告诉店长", "Want something? Tell the owner in the wishlist";
    notices_title => "消息", "Notices";
    notices_empty => "还没有消息", "No notices yet";
    notices_new => "新", "New";
    notices_sign_in_title => "登录后查看你的消息", "Sign in to see your notices";
}

impl I18n {
    /// The bell's label, with the unread count.
    pub fn notices_unread_label(self, unread: u32) -> String {
        match (self.0, unread) {
            (Locale::ZhCn, 0) => "消息".to_owned(),
            (Locale::ZhCn, n) => format!("消息，{n}条未读"),
            (Locale::En, 0) => "Notices".to_owned(),
            (Locale::En, 1) => "Notices, 1 unread".to_owned(),
            (Locale::En, n) => format!("Notices, {n} unread"),
        }
    }
}

// 口碑: buyers' reviews with photos (product page, store home, the form, her reviews, the owner's).
messages! {
    reviews_title => "买过的邻居说", "What buyers say";
    reviews_empty => "还没有评价，买过的邻居来说两句吧", "No reviews yet";
    reviews_none => "暂无评价", "No reviews yet";
    review_purchased => "已购", "Bought here";
    review_featured => "精选", "Featured";
    review_photo_alt => "评价照片", "Review photo";
    review_published => "评价已发布，谢谢你！", "Your review is up. Thank you!";
    featured_reviews_title => "邻居晒单", "Neighbours' picks";
    write_review => "写评价", "Review";
    reviewed => "已评价", "Reviewed";
    review_form_title => "写评价", "Write a review";
    review_stars_label => "打个分", "Your rating";
    review_text_label => "说说怎么样", "How was it?";
    review_text_placeholder => "新鲜吗？好吃吗？分量足不足？", "Fresh? Tasty? Good value?";
    review_photos_label => "晒照片（最多6张）", "Photos (up to 6)";
    review_add_photos => "添加照片", "Add photos";
    review_submit => "发布评价", "Post review";
    review_sending => "正在发布…", "Posting…";
    review_uploading_word => "正在上传照片", "Uploading photos";
    review_not_picked_up => "提货后才能评价这件商品", "You can review this once you have picked it up.";
    review_not_in_order => "这个订单里没有这件商品", "This product is not in that order.";
    review_already => "你已经评价过这件商品了", "You have already reviewed this.";
    review_see_product => "去看看评价", "See the reviews";
    my_reviews_title => "我的评价", "My reviews";
    my_reviews_empty => "还没有写过评价，提货后可以在订单里写", "No reviews yet. Review a product from a picked-up order.";
    review_hidden_because => "已被店长隐藏，原因：", "Hidden by the owner:";
    review_status_normal => "已发布", "Posted";
    review_status_hidden => "已隐藏", "Hidden";
    owner_reviews_title => "居民评价", "Residents' reviews";
    owner_nav_reviews => "评价", "Reviews";
    owner_reviews_empty => "还没有评价", "No reviews yet";
    owner_review_feature => "设为精选", "Feature";
    owner_review_unfeature => "取消精选", "Unfeature";
    owner_review_show => "恢复显示", "Show again";
    owner_review_hide => "隐藏", "Hide";
    owner_review_reason => "隐藏原因（作者会收到）", "Reason (the author is told)";
}

impl I18n {
    /// `12条评价`.
    pub fn review_count(self, n: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("{n}条评价"),
            Locale::En if n == 1 => "1 review".to_owned(),
            Locale::En => format!("{n} reviews"),
        }
    }

    /// A rating read out: `4星`.
    pub fn stars_label(self, n: u8) -> String {
        match self.0 {
            Locale::ZhCn => format!("{n}星"),
            Locale::En if n == 1 => "1 star".to_owned(),
            Locale::En => format!("{n} stars"),
        }
    }
}

// The owner's daily brain: 今日建议 (with the 直播 SOP) and 需求雷达.
messages! {
    brain_title => "今日建议", "Today";
    brain_refresh => "重新计算", "Recompute";
    brain_empty => "今天没有需要处理的建议", "Nothing to act on today";
    brain_at_stake => "涉及", "At stake";
    brain_kind_live_push => "直播主推", "Live push";
    brain_kind_markdown => "临期", "Near expiry";
    brain_kind_churn => "流失预警", "Churn alert";
    brain_kind_rising => "需求上升", "Rising demand";
    brain_act_pin => "创建直播商品", "Create live offer";
    brain_act_markdown => "应用折扣", "Apply markdown";
    brain_act_coupon => "发券", "Send coupons";
    brain_act_radar => "看需求雷达", "See the radar";
    brain_no_live => "先安排直播", "Schedule a live first";
    brain_done => "已完成 ✓", "Done ✓";
    brain_floor_open => "设最低价", "Set a lowest price";
    brain_floor_label => "最低价（元）", "Lowest price (¥)";
    brain_floor_hint => "折扣价不会低于它；留空则不限（仍不低于成本）", "Markdowns never go below it; empty for none (never below cost)";
    brain_floor_save => "保存最低价", "Save lowest price";
    brain_floor_invalid => "请输入价格，例如 8.90", "Enter a price, e.g. 8.90";
    brain_ev_wants => "心愿单想要", "Want it";
    brain_ev_searches => "搜索无结果", "Searches, nothing found";
    brain_ev_stock => "库存", "In stock";
    brain_ev_price => "价格", "Price";
    brain_ev_allotted => "直播分配", "Allotted";
    brain_ev_cap => "每人限", "Limit each";
    brain_ev_days_left => "还剩天数", "Days left";
    brain_ev_daily => "近 7 天日均", "Daily, 7 days";
    brain_ev_residents => "老顾客", "Regulars";
    brain_ev_usual => "平时复购间隔（天）", "Usual interval (days)";
    brain_ev_away => "已未下单（天）", "Days away";
    brain_ev_coupon => "回归券", "Returning coupon";
    brain_sop_title => "直播 SOP 草稿", "Live SOP draft";
    brain_sop_empty => "今晚没有建议主推的商品", "No product to push tonight";
    radar_title => "需求雷达", "Demand radar";
    radar_empty => "最近两周还没有居民的声音", "No residents' words in the last two weeks";
    radar_this_week => "本周邻居", "Neighbours this week";
    radar_last_week => "上周邻居", "Neighbours last week";
    radar_rising => "上升", "Rising";
    radar_more => "比上周多", "More than last week";
    radar_fewer => "比上周少", "Fewer than last week";
    radar_same => "与上周持平", "Same as last week";
    radar_words => "同义/相关说法", "Also said as";
    radar_related => "常一起提到", "Said with";
    radar_source_wish => "心愿", "Wishes";
    radar_source_comment => "直播评论", "Live comments";
    radar_source_review => "评价", "Reviews";
    radar_source_search => "搜索无结果", "Empty searches";
    numbers_title => "经营数据", "Numbers";
    supply_title => "备货", "Supply";
    supply_pick_list => "拣货单", "Pick list";
    supply_print => "打印拣货单", "Print pick list";
    supply_refresh => "刷新", "Refresh";
    supply_final => "已过 22:00 截单，订单不再变化", "Past the 22:00 cut-off: the orders are final";
    supply_open => "22:00 截单前，订单还会变化", "Orders may still change until the 22:00 cut-off";
    supply_no_orders => "这一天还没有要备的订单", "No orders to prepare for this day yet";
    supply_totals => "按商品合计", "Totals by product";
    supply_bags => "按跟团号分袋", "Bags by group number";
    supply_unnumbered => "未编号", "not numbered";
    supply_purchase_orders => "采购单（按供应商）", "Purchase orders, by supplier";
    supply_no_purchase => "库存够用，不需要订货", "Stock covers it: nothing to order";
    supply_demo => "演示供应商", "demo supplier";
    supply_rule => "订货量 = 订单 + 安全库存 − 现有库存（货架上的与待提订单占用的），按箱规向上取整", "To order = orders + safety stock − on hand (on the shelf or held for open orders), rounded up to whole packs";
    supply_col_product => "商品", "Product";
    supply_col_need => "订单/安全/现有", "Ordered / safety / on hand";
    supply_col_pack => "箱规", "Pack";
    supply_col_quantity => "订货", "Order";
    supply_send => "发送", "Send";
    supply_not_sent => "未发送", "Not sent";
    supply_status_queued => "已排队，等待投递", "Queued for delivery";
    supply_status_retrying => "投递失败，稍后重试", "Delivery failed; retrying";
    supply_status_delivered => "供应商已收到", "Received by the supplier";
    supply_status_dead => "多次投递失败，已放入死信", "Gave up after retries: in dead letters";
    supply_dead_letters => "死信（投递失败）", "Dead letters (not delivered)";
    supply_no_dead_letters => "没有投递失败的采购单", "No undelivered purchase orders";
    supply_resend => "重发", "Resend";
    stock_title => "库存", "Stock";
    stock_receipt => "收货", "Receipt";
    stock_write_off => "报损", "Write-off";
    stock_count => "盘点", "Stock-take";
    stock_product => "商品", "Product";
    stock_units => "数量", "Units";
    stock_best_before => "保质期至", "Best before";
    stock_add_line => "加入收货单", "Add to the receipt";
    stock_receipt_hint => "逐种填写到货的数量和保质期，加完后一起确认收货。", "Add each product that arrived with its units and best-before date, then confirm them together.";
    stock_receipt_invalid => "请选择商品，填写数量（整数）和保质期", "Choose a product, and give whole units and a best-before date.";
    stock_receipt_send => "确认收货", "Confirm the receipt";
    stock_reason => "原因", "Reason";
    stock_note => "说明（选“其他”时必填）", "Note (needed for “other”)";
    stock_units_invalid => "数量需为整数", "Units must be a whole number.";
    stock_write_off_send => "确认报损", "Write off";
    stock_reason_damaged => "破损", "Damaged";
    stock_reason_expired => "过期", "Expired";
    stock_reason_spoiled => "变质", "Spoiled";
    stock_reason_other => "其他", "Other";
    stock_count_hint => "扫商品条码（或输入条码、商品名），每扫一次记一件；也可以直接改数量。核对差异后确认。", "Scan each product's barcode (or type it, or the name): each scan counts one. You can also type the units. Check the differences, then confirm.";
    stock_count_code => "条码或商品名", "Barcode or name";
    stock_count_add => "记一件", "Count one";
    stock_count_scan => "扫码", "Scan";
    stock_count_counted => "实盘数量", "Counted";
    stock_count_match => "无差异", "matches";
    stock_count_confirm => "确认盘点差异", "Confirm the differences";
    stock_done => "已记录，库存已更新", "Recorded; the stock is updated.";
    stock_history => "最近记录", "Latest movements";
    stock_history_empty => "还没有收货、报损或盘点记录", "No receipts, write-offs or stock-takes yet.";
    hq_title => "总部 · 门店对比", "HQ · stores side by side";
    hq_rank_by => "排序", "Rank by";
    numbers_mau => "月活居民", "Monthly active residents";
    numbers_repurchase => "复购率", "Repurchase rate";
    numbers_aov => "客单价", "Average order value";
    numbers_turnover => "库存周转", "Stock turnover";
    numbers_loss => "损耗率", "Loss rate";
    numbers_sales => "销售额", "Sales";
    numbers_orders => "订单数", "Orders";
    numbers_live_share => "直播销售占比", "Live share of sales";
    numbers_per_m2 => "坪效（每平方米）", "Sales per m²";
    numbers_per_staff => "人效（每位员工）", "Sales per staff";
    numbers_flat => "持平", "no change";
    numbers_no_change => "无可比数据", "nothing to compare";
    numbers_vs_last_week => "较前一周", "vs the week before";
    numbers_refresh => "重新统计", "Count again";
    numbers_size_edit => "修改面积和人数", "Change area and staff";
    numbers_area => "营业面积（平方米）", "Selling area (m²)";
    numbers_staff => "员工人数", "Staff";
    numbers_size_save => "保存", "Save";
    numbers_size_saved => "已保存，坪效和人效已按新数据计算", "Saved: sales per m² and per staff now use these figures";
    numbers_top => "近 7 天热销", "Best sellers, last 7 days";
    numbers_top_empty => "近 7 天没有订单", "No orders in the last 7 days";
    numbers_note => "月活：近 30 天下过单的居民；复购率：其中下单 2 次及以上的占比；库存周转：平均库存成本 ÷ 日均销售成本；损耗率：报损 ÷（销售成本 + 报损）；NPS 来自品鉴会后的打分；库存成本从第一次统计起每天记录。“—”表示这一周没有可计算的数据。", "Monthly active: residents with an order in the last 30 days; repurchase rate: the share of them with two or more; turnover: average stock at cost ÷ cost sold a day; loss rate: written off ÷ (cost sold + written off); NPS from the answers after tastings; stock at cost is recorded every day from the first count on. “—” means nothing to count that week.";
}

impl I18n {
    /// Units free on a shelf: `货架上 12 件`.
    pub fn stock_on_shelf(self, units: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("货架上 {units} 件"),
            Locale::En => format!("{units} on the shelf"),
        }
    }

    /// What the page showed when the owner counted: `账面 12`.
    pub fn stock_count_expected(self, units: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("账面 {units}"),
            Locale::En => format!("{units} on record"),
        }
    }

    /// A batch's best-before: `保质期至 12-09`.
    pub fn stock_best_before_on(self, date: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("保质期至 {date}"),
            Locale::En => format!("best before {date}"),
        }
    }

    /// A scanned or typed code that names no product.
    pub fn stock_count_unknown(self, code: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("没有找到“{code}”对应的商品"),
            Locale::En => format!("No product matches “{code}”."),
        }
    }

    /// The chain's headline, with its number of stores.
    pub fn hq_chain(self, stores: usize) -> String {
        match self.0 {
            Locale::ZhCn => format!("全链 {stores} 家门店"),
            Locale::En => format!("The chain, {stores} stores"),
        }
    }

    /// The day the 备货 page prepares.
    pub fn supply_day(self, day: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("{day} 取货"),
            Locale::En => format!("For pickup on {day}"),
        }
    }

    /// A bag's 跟团号.
    pub fn supply_bag(self, number: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("跟团号 {number}"),
            Locale::En => format!("Group no. {number}"),
        }
    }

    /// Units of a product with its unit.
    pub fn supply_units(self, quantity: u32, unit: &str) -> String {
        match self.0 {
            Locale::ZhCn => format!("{quantity} × {unit}"),
            Locale::En => format!("{quantity} × {unit}"),
        }
    }

    /// A line's order in packs: `12（2 箱）`.
    pub fn supply_packs(self, quantity: u32, packs: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("{quantity}（{packs} 箱）"),
            Locale::En if packs == 1 => format!("{quantity} (1 pack)"),
            Locale::En => format!("{quantity} ({packs} packs)"),
        }
    }

    /// Delivery attempts so far, and when the next one is.
    pub fn supply_attempts(self, attempts: usize, next: Option<String>) -> String {
        match (self.0, next) {
            (Locale::ZhCn, Some(next)) => format!("已投递 {attempts} 次，下次重试 {next}"),
            (Locale::ZhCn, None) => format!("已投递 {attempts} 次"),
            (Locale::En, Some(next)) => format!("{}; next retry at {next}", tries_en(attempts)),
            (Locale::En, None) => tries_en(attempts),
        }
    }

    /// A dead letter: its supplier, day and tries (never fewer than one).
    pub fn supply_dead_letter(self, supplier: &str, day: String, attempts: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("{supplier} · {day} 取货 · 投递 {attempts} 次失败"),
            Locale::En => format!("{supplier} · pickup {day} · {} failed", tries_en(attempts as usize)),
        }
    }

    /// `5.8 天`.
    pub fn numbers_days(self, days: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("{days} 天"),
            Locale::En => format!("{days} days"),
        }
    }

    /// A change of a rate: `1.5 个百分点`.
    pub fn numbers_points(self, points: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("{points} 个百分点"),
            Locale::En => format!("{points} pts"),
        }
    }

    /// The week shown, the last 7 whole days: the week of numbers that ends on `as_of`.
    pub fn numbers_period(self, as_of: chrono::NaiveDate) -> String {
        let first = shared_model::metrics::week_first_day(as_of).format("%m-%d");
        let last = as_of.format("%m-%d");
        match self.0 {
            Locale::ZhCn => format!("近 7 天（{first} 至 {last}）与前一周相比"),
            Locale::En => format!("The last 7 days ({first} to {last}) against the week before"),
        }
    }

    /// Today so far, as last counted.
    pub fn numbers_today(self, updated: String, orders: u32, paid: String) -> String {
        match self.0 {
            Locale::ZhCn => format!("今日截至 {updated}：{orders} 单，{paid}"),
            Locale::En => format!("Today up to {updated}: {orders} orders, {paid}"),
        }
    }

    /// The store's size, behind 坪效 and 人效.
    pub fn numbers_size(self, area_m2: u32, staff: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("营业面积 {area_m2} 平方米 · 员工 {staff} 人"),
            Locale::En => format!("{area_m2} m² of shop floor · {staff} staff"),
        }
    }

    /// Units of a best seller sold this week.
    pub fn numbers_units(self, units: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("{units} 件"),
            Locale::En => format!("{units} sold"),
        }
    }

    /// What a trend chart shows, for screen readers.
    pub fn numbers_trend_label(self, metric: &str) -> String {
        match self.0 {
            Locale::ZhCn => format!("{metric}近 13 周走势"),
            Locale::En => format!("{metric}, the last 13 weeks"),
        }
    }

    /// When the brain was computed, and how long it took.
    pub fn brain_computed(self, at: &str, ms: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("更新于 {at}（用时 {ms} 毫秒）"),
            Locale::En => format!("Updated {at} (took {ms} ms)"),
        }
    }

    /// An SOP item's units: `分配 40，每人限 2` / `分配 18`.
    pub fn brain_sop_units(self, allotted: u32, cap: Option<u32>) -> String {
        match (self.0, cap) {
            (Locale::ZhCn, Some(c)) => format!("分配 {allotted}，每人限 {c}"),
            (Locale::ZhCn, None) => format!("分配 {allotted}"),
            (Locale::En, Some(c)) => format!("{allotted} allotted, {c} each"),
            (Locale::En, None) => format!("{allotted} allotted"),
        }
    }

    /// `本周 12 位` on a radar topic.
    pub fn radar_this_week_n(self, n: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("本周 {n} 位"),
            Locale::En => format!("{n} this week"),
        }
    }

    /// `上周 3 位` on a radar topic.
    pub fn radar_last_week_n(self, n: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("上周 {n} 位"),
            Locale::En => format!("{n} last week"),
        }
    }

    /// The radar's week in one line.
    pub fn radar_summary(self, voices: u32, residents: u32) -> String {
        match self.0 {
            Locale::ZhCn => format!("本周 {residents} 位邻居说了 {voices} 次（心愿、直播评论、评价、搜索无结果）"),
            Locale::En => format!(
                "{voices} things said by {residents} neighbours this week (wishes, live comments, reviews, empty searches)"
            ),
        }
    }
}

/// `1 attempt`, `4 attempts`.
fn tries_en(n: usize) -> String {
    if n == 1 {
        "1 attempt".to_string()
    } else {
        format!("{n} attempts")
    }
}
