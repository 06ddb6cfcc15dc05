//! The server URIs of `lwm2m client`: `coap://HOST[:PORT]` (port 5683) and
//! `coaps://HOST[:PORT]` (CoAP over DTLS, port 5684).

use std::net::SocketAddr;

use anyhow::{Context, Result};

/// How datagrams travel to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// Plain UDP.
    Coap,
    /// DTLS 1.2.
    Coaps,
}

/// A parsed server URI: scheme and `host:port` (not resolved yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServerUri {
    pub(crate) scheme: Scheme,
    /// `host:port`, the port filled in from the scheme when the URI has none.
    pub(crate) authority: String,
}

/// A URI `lwm2m client` cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum UriError {
    /// Neither `coap` nor `coaps`.
    #[error("{uri}: unsupported scheme {scheme:?} (coap:// or coaps://)")]
    UnsupportedScheme {
        /// The URI.
        uri: String,
        /// Its scheme.
        scheme: String,
    },
    /// Nothing after the scheme.
    #[error("{0}: no host")]
    NoHost(String),
}

impl ServerUri {
    /// Parses `coap://host[:port][/path]`, `coaps://…`, or a bare `host[:port]` (plain CoAP).
    pub(crate) fn parse(uri: &str) -> Result<ServerUri, UriError> {
        let (scheme, rest) = match uri.split_once("://") {
            Some(("coap", rest)) => (Scheme::Coap, rest),
            Some(("coaps", rest)) => (Scheme::Coaps, rest),
            Some((scheme, _)) => {
                return Err(UriError::UnsupportedScheme {
                    uri: uri.to_string(),
                    scheme: scheme.to_string(),
                });
            }
            None => (Scheme::Coap, uri),
        };
        let authority = rest.split('/').next().unwrap_or(rest);
        if authority.is_empty() {
            return Err(UriError::NoHost(uri.to_string()));
        }
        let has_port = !authority.ends_with(']')
            && authority
                .rsplit_once(':')
                .is_some_and(|(_, p)| p.parse::<u16>().is_ok());
        let authority = if has_port {
            authority.to_string()
        } else {
            let port = match scheme {
                Scheme::Coap => 5683,
                Scheme::Coaps => 5684,
            };
            format!("{authority}:{port}")
        };
        Ok(ServerUri { scheme, authority })
    }

    /// The first address the host name resolves to.
    pub(crate) async fn resolve(&self) -> Result<SocketAddr> {
        tokio::net::lookup_host(&self.authority)
            .await
            .with_context(|| format!("resolving {}", self.authority))?
            .next()
            .with_context(|| format!("{} has no address", self.authority))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_default_ports() {
        let p = |u: &str| ServerUri::parse(u).unwrap();
        assert_eq!(p("coap://h").authority, "h:5683");
        assert_eq!(p("coaps://h").authority, "h:5684");
        assert_eq!(p("coaps://h").scheme, Scheme::Coaps);
        assert_eq!(p("coaps://127.0.0.1:9/rd").authority, "127.0.0.1:9");
        assert_eq!(p("coaps://[::1]").authority, "[::1]:5684");
        assert_eq!(p("[::1]:7").authority, "[::1]:7");
        assert_eq!(p("h").scheme, Scheme::Coap);
        assert_eq!(
            ServerUri::parse("http://h"),
            Err(UriError::UnsupportedScheme {
                uri: "http://h".into(),
                scheme: "http".into()
            })
        );
        assert_eq!(
            ServerUri::parse("coaps://"),
            Err(UriError::NoHost("coaps://".into()))
        );
    }
}
