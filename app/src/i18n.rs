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
    pickups_today => "今日自提", "Today's pickups";
    pickups_tomorrow => "明日自提", "Tomorrow's pickups";
    pickups_after_tomorrow => "后天自提", "In two days";
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

impl I18n {
    /// The resident-facing message for an API problem: Chinese from shared-model's one
    /// table of codes, English from the problem's title. Never raw internal text.
    pub fn problem(self, error: &crate::api::ApiError) -> String {
        match self.0 {
            Locale::ZhCn => error.0.message_zh().to_string(),
            Locale::En => error.0.title.clone(),
        }
    }
}
