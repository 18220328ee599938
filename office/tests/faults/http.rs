//! HTTP/1.1 framing for the fault proxy: read a request or an answer whole (Content-Length,
//! chunked, or until the peer closes), and write one back framed by us with Content-Length.
//! Just enough HTTP for reqwest and hyper on loopback; not a general-purpose parser.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

#[derive(Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub headers: Headers,
    pub body: Vec<u8>,
    pub close: bool,
}

impl Request {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

pub struct Answer {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
    pub body: Vec<u8>,
}

/// Headers a proxy never passes on: they describe one connection, and the framing is ours.
pub fn hop_by_hop(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

pub fn request_bytes(req: &Request) -> Vec<u8> {
    let declared = req.body.len();
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.target);
    for (k, v) in req.headers.iter().filter(|(k, _)| !hop_by_hop(k)) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if declared > 0 || !matches!(req.method.as_str(), "GET" | "HEAD" | "DELETE" | "OPTIONS") {
        head.push_str(&format!("content-length: {declared}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&req.body);
    out
}

/// The answer's bytes with `Content-Length: declared` (a HEAD answer keeps the office's).
pub fn answer_bytes(a: &Answer, declared: usize, close: bool, method: &str) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", a.status, a.reason);
    let mut closing = close;
    for (k, v) in &a.headers {
        if k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close") {
            closing = true;
        }
        let keep_length = method == "HEAD" && k.eq_ignore_ascii_case("content-length");
        if keep_length || !hop_by_hop(k) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if method != "HEAD" {
        head.push_str(&format!("content-length: {declared}\r\n"));
    }
    if closing {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&a.body);
    out
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim())
}

pub fn is_chunked(headers: &[(String, String)]) -> bool {
    header(headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
}

pub fn content_length(headers: &[(String, String)]) -> std::io::Result<Option<usize>> {
    header(headers, "content-length")
        .map(|v| v.parse().map_err(|_| bad("bad content-length")))
        .transpose()
}

/// Header names and values, in the order they came.
pub type Headers = Vec<(String, String)>;

/// The start line's parts and the headers.
pub fn parse_head(head: &[u8]) -> std::io::Result<(Vec<String>, Headers)> {
    let text = std::str::from_utf8(head).map_err(|_| bad("head is not UTF-8"))?;
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let first = lines.next().ok_or_else(|| bad("empty head"))?;
    let start = first.splitn(3, ' ').map(str::to_string).collect();
    let headers = lines
        .map(|l| {
            let (k, v) = l.split_once(':').ok_or_else(|| bad("bad header"))?;
            Ok((k.trim().to_string(), v.trim().to_string()))
        })
        .collect::<std::io::Result<_>>()?;
    Ok((start, headers))
}

pub async fn read_request(c: &mut Conn) -> std::io::Result<Option<Request>> {
    let Some(head) = c.head().await? else {
        return Ok(None);
    };
    let (start, headers) = parse_head(&head)?;
    let [method, target, version] = <[String; 3]>::try_from(start).map_err(|_| bad("bad line"))?;
    let body = if is_chunked(&headers) {
        c.chunked().await?
    } else {
        c.exact(content_length(&headers)?.unwrap_or(0)).await?
    };
    let close = version == "HTTP/1.0"
        || header(&headers, "connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
        close,
    }))
}

pub async fn read_answer(c: &mut Conn, method: &str) -> std::io::Result<Answer> {
    let head = c.head().await?.ok_or_else(|| bad("no answer"))?;
    let (mut start, headers) = parse_head(&head)?;
    start.resize(3, String::new());
    let status: u16 = start[1].parse().map_err(|_| bad("bad status"))?;
    let body = if method == "HEAD" || status < 200 || status == 204 || status == 304 {
        Vec::new()
    } else if is_chunked(&headers) {
        c.chunked().await?
    } else if let Some(n) = content_length(&headers)? {
        c.exact(n).await?
    } else {
        c.until_closed().await?
    };
    Ok(Answer {
        status,
        reason: std::mem::take(&mut start[2]),
        headers,
        body,
    })
}

pub fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

/// A connection with a read buffer.
pub struct Conn {
    pub s: TcpStream,
    buf: Vec<u8>,
}

/// The most a head or a body may be (a runaway read fails rather than fills memory).
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 512 * 1024 * 1024;

impl Conn {
    pub fn new(s: TcpStream) -> Conn {
        Conn { s, buf: Vec::new() }
    }

    async fn fill(&mut self) -> std::io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.s.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        if self.buf.len() > MAX_BODY {
            return Err(bad("too large"));
        }
        Ok(n)
    }

    /// The head up to the blank line; `None` if the peer closed between requests.
    async fn head(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                return Ok(Some(self.buf.drain(..i + 4).collect()));
            }
            if self.buf.len() > MAX_HEAD {
                return Err(bad("head too large"));
            }
            if self.fill().await? == 0 {
                return match self.buf.is_empty() {
                    true => Ok(None),
                    false => Err(bad("closed mid-head")),
                };
            }
        }
    }

    async fn exact(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        if n > MAX_BODY {
            return Err(bad("too large"));
        }
        while self.buf.len() < n {
            if self.fill().await? == 0 {
                return Err(bad("closed mid-body"));
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    async fn line(&mut self) -> std::io::Result<String> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..i + 2).take(i).collect();
                return String::from_utf8(line).map_err(|_| bad("bad chunk line"));
            }
            if self.fill().await? == 0 {
                return Err(bad("closed mid-chunk"));
            }
        }
    }

    async fn chunked(&mut self) -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        loop {
            let line = self.line().await?;
            let size = line.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the blank line.
                while !self.line().await?.is_empty() {}
                return Ok(out);
            }
            out.extend(self.exact(size).await?);
            if out.len() > MAX_BODY {
                return Err(bad("too large"));
            }
            self.exact(2).await?;
        }
    }

    async fn until_closed(&mut self) -> std::io::Result<Vec<u8>> {
        while self.fill().await? > 0 {}
        Ok(std::mem::take(&mut self.buf))
    }
}
