//! LwM2M Server URIs (`coap://host[:port]`, `coaps://…`) as the Security Object holds them,
//! parsed without resolving names: an IP literal gives a [`SocketAddr`] here; a host name is left
//! to the driver or the application (the core has no resolver).

use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use core::net::{IpAddr, SocketAddr};

/// The default port of `coap://` (RFC 7252 §6.1).
pub const COAP_PORT: u16 = 5683;
/// The default port of `coaps://` (RFC 7252 §6.2).
pub const COAPS_PORT: u16 = 5684;

/// Why a Server URI cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// No `scheme://`.
    #[error("{0:?} has no scheme (expected coap:// or coaps://)")]
    NoScheme(String),
    /// A scheme other than `coap` and `coaps` (TCP, SMS, LoRaWAN bindings are not supported).
    #[error("unsupported scheme {0:?} (expected coap or coaps)")]
    UnsupportedScheme(String),
    /// The host part is empty.
    #[error("{0:?} has no host")]
    NoHost(String),
    /// The port is not a number in 1..=65535.
    #[error("{0:?} has an invalid port")]
    InvalidPort(String),
}

/// A parsed `coap://` or `coaps://` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUri {
    /// `coaps`: the server expects DTLS.
    pub secure: bool,
    /// Host name or IP literal (IPv6 without brackets).
    pub host: String,
    /// The port (the scheme's default when the URI has none).
    pub port: u16,
}

impl ServerUri {
    /// Parses `coap://host[:port][/path]` or `coaps://…`; IPv6 literals go in brackets.
    pub fn parse(uri: &str) -> Result<Self, UriError> {
        let (scheme, rest) = uri
            .split_once("://")
            .ok_or_else(|| UriError::NoScheme(uri.into()))?;
        let secure = match scheme.to_ascii_lowercase().as_str() {
            "coap" => false,
            "coaps" => true,
            _ => return Err(UriError::UnsupportedScheme(scheme.into())),
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| UriError::NoHost(uri.into()))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| UriError::InvalidPort(uri.into()))?,
                ),
            };
            (host, port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty() {
            return Err(UriError::NoHost(uri.into()));
        }
        let port = match port {
            None => {
                if secure {
                    COAPS_PORT
                } else {
                    COAP_PORT
                }
            }
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| UriError::InvalidPort(uri.into()))?,
        };
        Ok(ServerUri {
            secure,
            host: host.to_string(),
            port,
        })
    }

    /// The URI of a server at `addr`: `coap://10.0.0.2:5683`, `coap://[::1]:5683`.
    pub fn for_addr(addr: SocketAddr, secure: bool) -> String {
        let scheme = if secure { "coaps" } else { "coap" };
        format!("{scheme}://{addr}")
    }

    /// The socket address when the host is an IP literal; `None` for a host name, which the
    /// application resolves.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        let ip: IpAddr = self.host.parse().ok()?;
        Some(SocketAddr::new(ip, self.port))
    }
}

impl fmt::Display for ServerUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.secure { "coaps" } else { "coap" };
        if self.host.contains(':') {
            write!(f, "{scheme}://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{scheme}://{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ip_literals_host_names_and_default_ports() {
        let u = ServerUri::parse("coap://10.0.0.2:5690").unwrap();
        assert_eq!(u.socket_addr(), Some("10.0.0.2:5690".parse().unwrap()));
        let u = ServerUri::parse("coaps://[::1]/x").unwrap();
        assert!(u.secure);
        assert_eq!(u.socket_addr(), Some("[::1]:5684".parse().unwrap()));
        assert_eq!(u.to_string(), "coaps://[::1]:5684");
        let u = ServerUri::parse("COAP://lwm2m.example.com").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("lwm2m.example.com", 5683));
        assert_eq!(u.socket_addr(), None);
        assert_eq!(
            ServerUri::for_addr("[::1]:7".parse().unwrap(), false),
            "coap://[::1]:7"
        );
    }

    #[test]
    fn rejects_what_cannot_be_used() {
        assert!(matches!(
            ServerUri::parse("10.0.0.2:5683"),
            Err(UriError::NoScheme(_))
        ));
        assert!(matches!(
            ServerUri::parse("coap+tcp://h"),
            Err(UriError::UnsupportedScheme(_))
        ));
        assert!(matches!(
            ServerUri::parse("coap://:5683"),
            Err(UriError::NoHost(_))
        ));
        for bad in [
            "coap://h:0",
            "coap://h:x",
            "coap://[::1]x",
            "coap://h:70000",
        ] {
            assert!(
                matches!(ServerUri::parse(bad), Err(UriError::InvalidPort(_))),
                "{bad}"
            );
        }
    }
}
