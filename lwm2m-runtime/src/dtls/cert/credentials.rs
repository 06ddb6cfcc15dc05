//! Certificate-mode credentials: our chain, our private key and the trust anchors, from PEM or
//! DER, checked when loaded so a bad file fails with its name rather than in a handshake.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rtc_dtls::crypto_provider::{self, SignatureScheme, SigningKey};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A credential file (or in-memory input) that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// The file could not be read.
    #[error("{file}: cannot read: {reason}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        reason: String,
    },
    /// The PEM text is malformed.
    #[error("{file}: malformed PEM: {reason}")]
    BadPem {
        /// The file (or input label).
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// No certificate in the input.
    #[error("{file}: no certificate found")]
    NoCertificate {
        /// The file (or input label).
        file: String,
    },
    /// A certificate that is not valid X.509 DER.
    #[error("{file}: certificate {index} is not valid X.509: {reason}")]
    BadCertificate {
        /// The file (or input label).
        file: String,
        /// Position in the file, from 0.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// No private key in the input.
    #[error("{file}: no private key found")]
    NoKey {
        /// The file (or input label).
        file: String,
    },
    /// A key the DTLS suite cannot use: only ECDSA P-256 (PKCS#8 or SEC1) signs for
    /// TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8.
    #[error("{file}: unsupported private key: {reason}")]
    UnsupportedKey {
        /// The file (or input label).
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// The private key is not the one of the first certificate.
    #[error("{key_file}: private key does not match the certificate in {cert_file}")]
    KeyMismatch {
        /// The key file.
        key_file: String,
        /// The certificate file.
        cert_file: String,
    },
}

/// Our certificate chain (leaf first), the leaf's private key and the CA certificates peers
/// must chain to. `Debug` never shows the key.
#[derive(Clone)]
pub struct CertCredentials {
    pub(super) chain: Vec<Vec<u8>>,
    pub(super) key: Arc<dyn SigningKey>,
    pub(super) trust: Vec<Vec<u8>>,
}

impl fmt::Debug for CertCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertCredentials")
            .field("subject_cn", &self.common_name())
            .field("chain", &self.chain.len())
            .field("key", &"<redacted>")
            .field("trust_anchors", &self.trust.len())
            .finish()
    }
}

impl CertCredentials {
    /// Reads the chain, the key and the CA certificates from files, each PEM or DER.
    pub fn load(
        cert: impl AsRef<Path>,
        key: impl AsRef<Path>,
        ca: impl AsRef<Path>,
    ) -> Result<Self, CredentialError> {
        let read = |p: &Path| {
            std::fs::read(p).map_err(|e| CredentialError::Read {
                file: p.display().to_string(),
                reason: e.to_string(),
            })
        };
        let (cert, key, ca) = (cert.as_ref(), key.as_ref(), ca.as_ref());
        Self::parse(
            (&cert.display().to_string(), &read(cert)?),
            (&key.display().to_string(), &read(key)?),
            (&ca.display().to_string(), &read(ca)?),
        )
    }

    /// From in-memory PEM (or DER) text; errors name the inputs "certificate", "private key"
    /// and "CA".
    pub fn from_pem(cert: &[u8], key: &[u8], ca: &[u8]) -> Result<Self, CredentialError> {
        Self::parse(("certificate", cert), ("private key", key), ("CA", ca))
    }

    /// From a Security Object instance in Certificate mode (2): the client's certificate
    /// (resource 3), its private key (resource 5) and the server's certificate or its trust
    /// anchor (resource 4), each DER (PEM is accepted too); errors name the resources. A server
    /// certificate in resource 4 verifies only when it is self-signed (it is the trust anchor).
    pub fn from_security_object(
        certificate: &[u8],
        secret_key: &[u8],
        server_certificate: &[u8],
    ) -> Result<Self, CredentialError> {
        Self::parse(
            ("resource 3 (client certificate)", certificate),
            ("resource 5 (secret key)", secret_key),
            ("resource 4 (server certificate)", server_certificate),
        )
    }

    fn parse(
        (cert_file, cert): (&str, &[u8]),
        (key_file, key): (&str, &[u8]),
        (ca_file, ca): (&str, &[u8]),
    ) -> Result<Self, CredentialError> {
        let chain = certificates(cert_file, cert)?;
        let trust = certificates(ca_file, ca)?;
        let key = signing_key(key_file, key)?;
        let spki = leaf_public_key(&chain[0]);
        if spki.as_deref() != Some(key.public_key().bytes) {
            return Err(CredentialError::KeyMismatch {
                key_file: key_file.into(),
                cert_file: cert_file.into(),
            });
        }
        Ok(CertCredentials { chain, key, trust })
    }

    /// The subject CN of our leaf certificate (an LwM2M client's endpoint name).
    pub fn common_name(&self) -> Option<String> {
        common_name(&self.chain[0])
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(10).any(|w| w == b"-----BEGIN")
}

fn certificates(file: &str, bytes: &[u8]) -> Result<Vec<Vec<u8>>, CredentialError> {
    let ders: Vec<Vec<u8>> = if is_pem(bytes) {
        CertificateDer::pem_slice_iter(bytes)
            .map(|c| c.map(|c| c.to_vec()))
            .collect::<Result<_, _>>()
            .map_err(|e| CredentialError::BadPem {
                file: file.into(),
                reason: e.to_string(),
            })?
    } else if bytes.is_empty() {
        Vec::new()
    } else {
        vec![bytes.to_vec()]
    };
    if ders.is_empty() {
        return Err(CredentialError::NoCertificate { file: file.into() });
    }
    for (index, der) in ders.iter().enumerate() {
        if let Err(e) = x509_parser::parse_x509_certificate(der) {
            return Err(CredentialError::BadCertificate {
                file: file.into(),
                index,
                reason: e.to_string(),
            });
        }
    }
    Ok(ders)
}

fn signing_key(file: &str, bytes: &[u8]) -> Result<Arc<dyn SigningKey>, CredentialError> {
    let unsupported = |reason: &str| CredentialError::UnsupportedKey {
        file: file.into(),
        reason: reason.into(),
    };
    let pkcs8 = if is_pem(bytes) {
        match PrivateKeyDer::from_pem_slice(bytes) {
            Ok(PrivateKeyDer::Pkcs8(k)) => k.secret_pkcs8_der().to_vec(),
            Ok(PrivateKeyDer::Sec1(k)) => sec1_to_pkcs8(k.secret_sec1_der()),
            Ok(_) => return Err(unsupported("not an EC key (RSA cannot sign ECDSA suites)")),
            Err(rustls::pki_types::pem::Error::NoItemsFound) => {
                return Err(CredentialError::NoKey { file: file.into() });
            }
            Err(e) => {
                return Err(CredentialError::BadPem {
                    file: file.into(),
                    reason: e.to_string(),
                });
            }
        }
    } else if bytes.is_empty() {
        return Err(CredentialError::NoKey { file: file.into() });
    } else {
        bytes.to_vec()
    };
    let provider = crypto_provider::default_provider().map_err(|e| unsupported(&e.to_string()))?;
    let import = |der: &[u8]| {
        provider
            .crypto()
            .import_signing_key(SignatureScheme::EcdsaP256Sha256, der)
    };
    // DER input may be SEC1 as well as PKCS#8.
    import(&pkcs8)
        .or_else(|e| import(&sec1_to_pkcs8(&pkcs8)).map_err(|_| e))
        .map_err(|e| unsupported(&format!("not an ECDSA P-256 key ({e})")))
}

/// Wraps a SEC1 `ECPrivateKey` (`openssl ecparam -genkey` output) in PKCS#8 for P-256.
fn sec1_to_pkcs8(sec1: &[u8]) -> Vec<u8> {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n @ 0..=0x7f => out.push(n as u8),
            n @ 0x80..=0xff => out.extend([0x81, n as u8]),
            n => out.extend([0x82, (n >> 8) as u8, n as u8]),
        }
        out.extend_from_slice(body);
        out
    }
    // AlgorithmIdentifier { id-ecPublicKey, prime256v1 }.
    const ALG: [u8; 21] = [
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(&ALG);
    body.extend(tlv(0x04, sec1));
    tlv(0x30, &body)
}

fn leaf_public_key(der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    Some(cert.public_key().subject_public_key.data.to_vec())
}

/// The first subject CN of a DER certificate.
pub(super) fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let cn = cert.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_owned)
}
