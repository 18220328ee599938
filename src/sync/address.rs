//! The office's address and the engineer's token as a person types them (the desktop app's
//! enrolment form, `weibao enrol --server … --token …`): checked here, before anything is sent,
//! so a typo is named as such (field `server` or `token`) instead of surfacing later as
//! "cannot reach the office", and so every face accepts the same addresses.

use crate::{Error, Result};

/// The office's base URL, normalised: `https` (or `http` to this computer only: the token must
/// not cross a network in clear), a host, an optional port and path (an office behind a
/// reverse proxy may live under a path), no trailing slash. No user name, password, query or
/// fragment: the token travels in its own header.
pub fn server_url(raw: &str) -> Result<String> {
    let raw = raw.trim();
    let example = "https://192.168.1.10:8470";
    if raw.is_empty() {
        return Err(Error::invalid(
            "server",
            format!("请填写办公室地址，例如 {example}"),
            format!("enter the office's address, e.g. {example}"),
        ));
    }
    let bad = |zh: &str, en: &str| {
        Error::invalid(
            "server",
            format!("办公室地址「{raw}」{zh}，应形如 {example}"),
            format!("the office address '{raw}' {en}; it should look like {example}"),
        )
    };
    if !raw.contains("://") {
        return Err(bad("缺少 http:// 或 https://", "lacks http:// or https://"));
    }
    let url = reqwest::Url::parse(raw).map_err(|_| bad("无法识别", "is not understood"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad(
            "须以 http:// 或 https:// 开头",
            "must start with http:// or https://",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("缺少主机名", "has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "不应包含用户名或密码（令牌另外填写）",
            "must not carry a user name or password (the token is entered on its own)",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("不应包含 ? 或 #", "must not contain ? or #"));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        return Err(bad(
            "未加密：请使用 https://（令牌不能明文经过网络）",
            "is not encrypted: use https:// (the token must not cross a network in clear)",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// This computer (`localhost`, 127.0.0.0/8, `::1`): the one place plain `http` may go.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The sync token as the office printed it (surrounding spaces from a copy and paste
/// dropped). It goes into an HTTP header, so only visible ASCII is possible.
pub fn token(raw: &str) -> Result<String> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Error::invalid(
            "token",
            "请填写办公室发给您的同步令牌",
            "enter the sync token the office gave you",
        ));
    }
    if t.len() > 256 || !t.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "token",
            "令牌只能包含英文字母、数字和符号，不能有空格或中文：请照办公室给的原样填写",
            "the token has only letters, digits and symbols, no spaces or Chinese: enter it exactly as the office gave it",
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(e: Error) -> String {
        e.field().unwrap_or_default().to_string()
    }

    #[test]
    fn good_addresses_are_normalised() {
        for (raw, want) in [
            ("http://127.0.0.1:8470", "http://127.0.0.1:8470"),
            ("  http://127.0.0.1:8470/  ", "http://127.0.0.1:8470"),
            ("https://office.example.com", "https://office.example.com"),
            (
                "HTTPS://Office.Example.com:9000/weibao/",
                "https://office.example.com:9000/weibao",
            ),
            ("http://[::1]:8470", "http://[::1]:8470"),
            ("http://localhost:8470", "http://localhost:8470"),
            ("http://127.0.0.2:8470", "http://127.0.0.2:8470"),
        ] {
            assert_eq!(server_url(raw).expect(raw), want);
        }
    }

    #[test]
    fn bad_addresses_name_the_server_field() {
        for raw in [
            "",
            "   ",
            "127.0.0.1:8470",
            "office.example.com",
            "ftp://office.example.com",
            "http://",
            "http://:8470",
            "http://user:pw@office.example.com",
            "http://office.example.com/?token=1",
            "http://office.example.com/#x",
            "http://办公室 地址",
            "http://127.0.0.1:99999",
            // In clear across a network: the token would be readable on the way.
            "http://192.168.1.10:8470",
            "http://office.example.com",
        ] {
            let e = server_url(raw).expect_err(raw);
            assert_eq!(e.kind(), "invalid", "{raw}");
            assert_eq!(field(e), "server", "{raw}");
        }
        let e = server_url("127.0.0.1:8470").expect_err("no scheme");
        assert!(e.message_zh().contains("http://"), "{}", e.message_zh());
    }

    #[test]
    fn tokens_are_trimmed_and_must_be_visible_ascii() {
        assert_eq!(token("  abc123  ").expect("ok"), "abc123");
        let long = "a".repeat(257);
        for raw in ["", "  ", "ab c", "令牌", "ab\tc", long.as_str()] {
            let e = token(raw).expect_err(raw);
            assert_eq!(field(e), "token", "{raw:?}");
        }
    }
}
