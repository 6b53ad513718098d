//! Interface text in Simplified Chinese (default) and English. The server picks the
//! locale from the `lang` cookie or `Accept-Language`; the browser reads it back from
//! `<html lang>`, so both render the same words.

use leptos::prelude::*;

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if tag.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The `lang` cookie wins, then the first supported `Accept-Language`, else Chinese.
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        let from_cookie = cookie.and_then(|c| {
            c.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == "lang").then(|| Self::from_tag(v)).flatten()
            })
        });
        from_cookie
            .or_else(|| accept_language.and_then(|al| al.split(',').find_map(|part| Self::from_tag(part.split(';').next()?))))
            .unwrap_or_default()
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Self {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }
}

/// Provides the locale: on the server the worker already did; in the browser it is read
/// from `<html lang>`.
pub fn provide_locale_context() {
    if use_context::<Locale>().is_none() {
        #[cfg(feature = "hydrate")]
        {
            let lang = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"));
            provide_context(lang.as_deref().and_then(Locale::from_tag).unwrap_or_default());
        }
        #[cfg(not(feature = "hydrate"))]
        provide_context(Locale::default());
    }
}

pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
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
    days => "天", "days";
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
    unavailable => "已下架", "Unavailable";
    only_left => "库存不足，仅剩", "Not enough stock, only";
    over_cap => "超出限购", "Over the limit of";
    order => "订单", "Order";
    pickup_code => "取货码", "Pickup code";
    pickup_code_hint => "到店出示取货码即可取货", "Show this code at the store";
    status_timeline => "订单进度", "Order progress";
    cancel_order => "取消订单", "Cancel order";
    cancel_before => "可在此时间前取消：", "Can be cancelled until ";
    no_orders => "还没有订单", "No orders yet";
    items => "件商品", "items";
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
}

impl I18n {
    /// The resident-facing message for an API problem code. Unknown codes get a
    /// generic message rather than raw server text.
    pub fn problem(self, code: &str) -> &'static str {
        let zh = self.0 == Locale::ZhCn;
        macro_rules! pick {
            ($zh:expr, $en:expr) => {
                if zh { $zh } else { $en }
            };
        }
        match code {
            "invalid_nickname" => pick!("昵称需为1-20个字", "Nickname must be 1-20 characters"),
            "invalid_phone" => pick!("请输入11位手机号", "Enter an 11-digit mainland mobile number"),
            "invalid_building" => pick!("请填写楼栋（1-10个字）", "Enter your building (1-10 characters)"),
            "invalid_unit" => pick!("单元/门牌最多10个字", "Unit can be at most 10 characters"),
            "too_many_tags" => pick!("家庭情况最多选4项", "Choose at most 4 household tags"),
            "phone_already_joined" => pick!("该手机号已加入本店", "This phone number has already joined this store"),
            "invalid_credentials" => pick!("手机号或密码错误", "Wrong phone number or password"),
            "unauthenticated" => pick!("请先加入社区店或登录", "Please join the store or sign in first"),
            "wrong_store" => pick!("你的账号属于另一家门店", "Your account belongs to another store"),
            "forbidden" | "residents_only" => pick!("当前账号无权进行此操作", "This account cannot do that"),
            "quantity_out_of_range" => pick!("数量需在1-99之间", "Quantity must be between 1 and 99"),
            "cart_full" => pick!("购物车最多30种商品", "A cart holds at most 30 products"),
            "sold_out" => pick!("手慢了，商品已售罄", "Sorry, this product just sold out"),
            "insufficient_stock" => pick!("库存不足，请减少数量", "Not enough stock, please buy fewer"),
            "cap_exceeded" => pick!("超出每人限购数量", "Over the per-person limit"),
            "empty_order" => pick!("订单里还没有商品", "The order is empty"),
            "too_many_lines" => pick!("一单最多30种商品", "At most 30 products per order"),
            "duplicate_line" => pick!("订单中有重复商品", "The order lists a product twice"),
            "note_too_long" => pick!("备注最多100字", "Note can be at most 100 characters"),
            "unknown_product" | "product_not_found" => pick!("商品不存在或已下架", "This product is not available"),
            "unknown_pickup_point" => pick!("请选择本店的自提点", "Choose one of the store's pickup points"),
            "not_cancellable" => pick!("该订单当前不能取消", "This order can no longer be cancelled"),
            "cutoff_passed" => pick!("已过取消截止时间", "The cancellation deadline has passed"),
            "idempotency_key_reused" => pick!("订单重复提交，请刷新后重试", "Duplicate submission, please refresh and retry"),
            "query_too_long" => pick!("搜索词最多30个字", "Search at most 30 characters"),
            "order_not_found" | "store_not_found" => pick!("没有找到", "Not found"),
            "network_error" => pick!("网络不给力，请稍后重试", "Network problem, please try again"),
            _ => pick!("出了点问题，请稍后重试", "Something went wrong, please try again"),
        }
    }

    /// Money is always shown as `¥12.80`, whatever the locale.
    pub fn money(self, fen: shared_model::Fen) -> String {
        fen.to_string()
    }
}
