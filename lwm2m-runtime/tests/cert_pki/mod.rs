//! A test PKI made at run time with rcgen (offline): CAs and EC P-256 leaves, as PEM, plus
//! `CertCredentials` built from them and a writer for libcoap's file arguments.
#![allow(dead_code)]

use std::path::Path;

use lwm2m_runtime::dtls::CertCredentials;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SanType,
};

/// A certificate and its PKCS#8 key, PEM.
#[derive(Clone)]
pub(crate) struct Leaf {
    pub(crate) cert: String,
    pub(crate) key: String,
    pub(crate) cert_der: Vec<u8>,
    pub(crate) key_der: Vec<u8>,
}

/// A certificate authority that signs leaves.
pub(crate) struct Ca {
    pub(crate) pem: String,
    pub(crate) der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

fn dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

impl Ca {
    pub(crate) fn new(name: &str) -> Ca {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name = dn(name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = p.self_signed(&key).unwrap();
        Ca {
            pem: cert.pem(),
            der: cert.der().to_vec(),
            issuer: Issuer::new(p, key),
        }
    }

    fn leaf(
        &self,
        cn: &str,
        sans: Vec<SanType>,
        eku: ExtendedKeyUsagePurpose,
        expired: bool,
    ) -> Leaf {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name = dn(cn);
        p.subject_alt_names = sans;
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![eku];
        if expired {
            p.not_before = rcgen::date_time_ymd(2000, 1, 1);
            p.not_after = rcgen::date_time_ymd(2001, 1, 1);
        }
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert: cert.pem(),
            key: key.serialize_pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        }
    }

    /// A server leaf for `localhost`, 127.0.0.1 and the virtual server address 10.0.0.2.
    pub(crate) fn server(&self) -> Leaf {
        let sans = vec![
            SanType::DnsName("localhost".try_into().unwrap()),
            SanType::IpAddress("127.0.0.1".parse().unwrap()),
            SanType::IpAddress("10.0.0.2".parse().unwrap()),
        ];
        self.leaf(
            "lwm2m-server",
            sans,
            ExtendedKeyUsagePurpose::ServerAuth,
            false,
        )
    }

    /// A client leaf whose CN is the LwM2M endpoint name `endpoint`.
    pub(crate) fn client(&self, endpoint: &str) -> Leaf {
        self.leaf(endpoint, vec![], ExtendedKeyUsagePurpose::ClientAuth, false)
    }

    /// A client leaf that expired in 2001.
    pub(crate) fn expired_client(&self, endpoint: &str) -> Leaf {
        self.leaf(endpoint, vec![], ExtendedKeyUsagePurpose::ClientAuth, true)
    }

    /// Credentials for `leaf`, trusting this CA.
    pub(crate) fn creds(&self, leaf: &Leaf) -> CertCredentials {
        CertCredentials::from_pem(
            leaf.cert.as_bytes(),
            leaf.key.as_bytes(),
            self.pem.as_bytes(),
        )
        .unwrap()
    }
}

/// Writes `ca.pem`, `NAME.pem` and `NAME.key` for each leaf into `dir`.
pub(crate) fn write(dir: &Path, ca: &Ca, leaves: &[(&str, &Leaf)]) {
    std::fs::write(dir.join("ca.pem"), &ca.pem).unwrap();
    for (name, leaf) in leaves {
        std::fs::write(dir.join(format!("{name}.pem")), &leaf.cert).unwrap();
        std::fs::write(dir.join(format!("{name}.key")), &leaf.key).unwrap();
    }
}
