//! What a client presents to a server, as the Security Object (0) holds it: Security Mode
//! (resource 2), Public Key or Identity (3), Server Public Key (4) and Secret Key (5). The
//! Bootstrap-Server writes these; the client reads them back to secure its transport.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// How a client authenticates to a server, one variant per Security Mode. `Debug` never shows
/// secret keys.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// Security Mode 3 (NoSec), for `coap://` URIs: plaintext.
    #[default]
    NoSec,
    /// Security Mode 0 (pre-shared key): the PSK identity (resource 3) and the key (resource 5).
    Psk {
        /// PSK identity.
        identity: Vec<u8>,
        /// The key.
        key: Vec<u8>,
    },
    /// Security Mode 1 (raw public key, RFC 7250).
    RawPublicKey {
        /// The client's public key (resource 3).
        public_key: Vec<u8>,
        /// The server's public key (resource 4).
        server_public_key: Vec<u8>,
        /// The client's private key (resource 5).
        secret_key: Vec<u8>,
    },
    /// Security Mode 2 (X.509 certificates).
    Certificate {
        /// The client's certificate, DER (resource 3).
        certificate: Vec<u8>,
        /// The server's certificate or its trust anchor, DER (resource 4).
        server_certificate: Vec<u8>,
        /// The client's private key, DER (resource 5).
        secret_key: Vec<u8>,
    },
    /// Security Mode 4 (certificates, the client's enrolled over EST).
    CertificateWithEst {
        /// The client's (bootstrap) certificate, DER (resource 3).
        certificate: Vec<u8>,
        /// The server's certificate or its trust anchor, DER (resource 4).
        server_certificate: Vec<u8>,
        /// The client's private key, DER (resource 5).
        secret_key: Vec<u8>,
    },
}

/// The name of Security Mode `mode` (resource 2 of the Security Object).
pub fn mode_name(mode: i64) -> &'static str {
    match mode {
        0 => "Pre-Shared Key",
        1 => "Raw Public Key",
        2 => "Certificate",
        3 => "NoSec",
        4 => "Certificate with EST",
        _ => "unknown",
    }
}

impl Credentials {
    /// The Security Mode number (resource 2).
    pub fn mode(&self) -> u8 {
        match self {
            Credentials::Psk { .. } => 0,
            Credentials::RawPublicKey { .. } => 1,
            Credentials::Certificate { .. } => 2,
            Credentials::NoSec => 3,
            Credentials::CertificateWithEst { .. } => 4,
        }
    }

    /// From the Security Object's resources 2, 3, 4 and 5.
    pub fn from_resources(
        mode: i64,
        public_key_or_identity: &[u8],
        server_public_key: &[u8],
        secret_key: &[u8],
    ) -> Result<Self, CredentialsError> {
        let (a, b, c) = (
            public_key_or_identity.to_vec(),
            server_public_key.to_vec(),
            secret_key.to_vec(),
        );
        Ok(match mode {
            0 => Credentials::Psk {
                identity: a,
                key: c,
            },
            1 => Credentials::RawPublicKey {
                public_key: a,
                server_public_key: b,
                secret_key: c,
            },
            2 => Credentials::Certificate {
                certificate: a,
                server_certificate: b,
                secret_key: c,
            },
            3 => Credentials::NoSec,
            4 => Credentials::CertificateWithEst {
                certificate: a,
                server_certificate: b,
                secret_key: c,
            },
            mode => return Err(CredentialsError::Unsupported { mode }),
        })
    }

    /// Resources 3, 4 and 5 (empty where the mode has none).
    pub fn resources(&self) -> [&[u8]; 3] {
        match self {
            Credentials::NoSec => [&[], &[], &[]],
            Credentials::Psk { identity, key } => [identity, &[], key],
            Credentials::RawPublicKey {
                public_key: a,
                server_public_key: b,
                secret_key: c,
            }
            | Credentials::Certificate {
                certificate: a,
                server_certificate: b,
                secret_key: c,
            }
            | Credentials::CertificateWithEst {
                certificate: a,
                server_certificate: b,
                secret_key: c,
            } => [a, b, c],
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [public, server, secret] = self.resources();
        match self {
            Credentials::NoSec => f.write_str("NoSec"),
            Credentials::Psk { identity, .. } => {
                let id = alloc::string::String::from_utf8_lossy(identity);
                write!(
                    f,
                    "Psk {{ identity: {id:?}, key: <{} bytes redacted> }}",
                    secret.len()
                )
            }
            _ => write!(
                f,
                "{} {{ public: {} bytes, server: {} bytes, secret: <{} bytes redacted> }}",
                mode_name(i64::from(self.mode())),
                public.len(),
                server.len(),
                secret.len()
            ),
        }
    }
}

/// Why the security configuration for a peer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A Security Mode this transport cannot use (raw public keys, EST, certificates without a
    /// certificate backend) or that does not exist.
    #[error("security mode {mode} ({}) is not supported by this transport", mode_name(*mode))]
    Unsupported {
        /// The Security Mode (resource 2).
        mode: i64,
    },
    /// A `coaps://` server configured with Security Mode 3 (NoSec).
    #[error("a coaps:// server with security mode 3 (NoSec)")]
    NoSecOnCoaps,
    /// Nothing says how to secure traffic to this peer.
    #[error("no credentials for this peer")]
    NoCredentials,
    /// Credentials of a mode the transport supports that cannot be used as written: a
    /// certificate or key that does not parse, a key that is not the certificate's. The reason
    /// names the Security Object resource; it never holds key material.
    #[error("security mode {mode} ({}) credentials unusable: {reason}", mode_name(*mode))]
    Invalid {
        /// The Security Mode (resource 2).
        mode: i64,
        /// What is wrong, naming the resource.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_round_trip_and_secrets_never_print() {
        for mode in 0..=4 {
            let c = Credentials::from_resources(mode, b"id", b"srv", b"s3cr3t").unwrap();
            assert_eq!(i64::from(c.mode()), mode);
            assert!(!format!("{c:?}").contains("s3cr3t"), "{c:?}");
        }
        assert_eq!(
            Credentials::from_resources(7, b"", b"", b""),
            Err(CredentialsError::Unsupported { mode: 7 })
        );
        let psk = Credentials::from_resources(0, b"dev-1", b"", b"k").unwrap();
        assert_eq!(psk.resources(), [&b"dev-1"[..], &[], &b"k"[..]]);
        assert_eq!(
            format!("{psk:?}"),
            "Psk { identity: \"dev-1\", key: <1 bytes redacted> }"
        );
    }
}
