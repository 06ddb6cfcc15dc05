//! The DTLS credentials of `lwm2m client`: a pre-shared key or a certificate, checked against
//! the server URI's scheme before anything starts.

use std::path::PathBuf;

use lwm2m_runtime::dtls::PskKey;

use super::Args;
use crate::security::{Scheme, ServerUri};

/// Credentials that do not fit the server URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CredentialsError {
    /// `coaps://` without a key.
    #[error(
        "{uri} is a DTLS server: give --psk-identity ID and --psk-key HEX, or --cert, --key and --ca"
    )]
    Missing {
        /// The server URI.
        uri: String,
    },
    /// A key for a plain `coap://` server, which would never be used.
    #[error("--psk-identity/--psk-key need a coaps:// server, not {uri}")]
    Unused {
        /// The server URI.
        uri: String,
    },
    /// A certificate for a plain `coap://` server, which would never be used.
    #[error("--cert/--key/--ca need a coaps:// server, not {uri}")]
    UnusedCertificate {
        /// The server URI.
        uri: String,
    },
    /// One certificate for several devices: its CN is one endpoint name.
    #[error(
        "--cert with --count {count}: a certificate is one device (its CN is one endpoint name); \
         run one client per certificate"
    )]
    CertificateCount {
        /// The --count given.
        count: u32,
    },
    /// The key is not hexadecimal (the text is never shown).
    #[error("--psk-key: {0}")]
    Key(#[from] lwm2m_runtime::dtls::KeyError),
    /// Bootstrapping over DTLS is not available in the command line yet.
    #[error(
        "--bootstrap cannot be combined with a coaps:// --server (bootstrap is plain UDP only)"
    )]
    SecuredBootstrap,
}

/// The DTLS credentials of device 1 … N.
#[derive(Debug, Clone)]
pub(super) enum Dtls {
    /// A PSK identity (device i presents `identity-i` among several) and the key.
    Psk { identity: String, key: PskKey },
    /// The certificate files of the one device.
    Cert {
        cert: PathBuf,
        key: PathBuf,
        ca: PathBuf,
    },
}

/// The credentials `args` give, checked against the server's scheme.
pub(super) fn credentials(
    args: &Args,
    server: Option<&ServerUri>,
) -> Result<Option<Dtls>, CredentialsError> {
    let uri = args.server.clone().unwrap_or_default();
    let secured = server.is_some_and(|s| s.scheme == Scheme::Coaps);
    if secured && args.bootstrap.is_some() {
        return Err(CredentialsError::SecuredBootstrap);
    }
    if let (Some(cert), Some(key), Some(ca)) = (&args.cert, &args.key, &args.ca) {
        if !secured {
            return Err(CredentialsError::UnusedCertificate { uri });
        }
        if args.count > 1 {
            return Err(CredentialsError::CertificateCount { count: args.count });
        }
        return Ok(Some(Dtls::Cert {
            cert: cert.clone(),
            key: key.clone(),
            ca: ca.clone(),
        }));
    }
    match (&args.psk_identity, &args.psk_key) {
        (Some(identity), Some(hex)) if secured => Ok(Some(Dtls::Psk {
            identity: identity.clone(),
            key: PskKey::from_hex(hex)?,
        })),
        (Some(_), _) | (_, Some(_)) => Err(CredentialsError::Unused { uri }),
        (None, None) if secured => Err(CredentialsError::Missing { uri }),
        (None, None) => Ok(None),
    }
}
