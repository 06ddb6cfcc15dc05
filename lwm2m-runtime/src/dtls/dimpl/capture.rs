//! dimpl's TLS_PSK_WITH_AES_128_CCM_8 through a crypto provider of ours that also records, for
//! every cipher dimpl creates, its key and (at first use) the fixed IV and direction. The
//! session hands established traffic to [`super::protect`] with them.
//!
//! dimpl's provider API is the documented way to bring one's own AEAD: `create_cipher` receives
//! the write key, and every `encrypt`/`decrypt` receives the full nonce (fixed IV + explicit
//! part). Nothing of dimpl's internals is read.
//!
//! A provider holds `'static` references, so the capture cannot point at one session: ciphers
//! are created inside a dimpl call, which runs to completion on the calling thread, so the
//! created ciphers go to a thread-local list that the session drains right after each call
//! ([`take_created`]).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use ccm::aead::generic_array::GenericArray;
use ccm::aead::{AeadInPlace, KeyInit};
use dimpl::crypto::{
    Aad, Buf, Cipher, CryptoProvider, Dtls12CipherSuite, HashAlgorithm, Nonce,
    SupportedDtls12CipherSuite, TmpBuf,
};
use dimpl::{CryptoError, CryptoOperation};

use super::protect::{Aes128Ccm8, KEY_LEN, SALT_LEN, TAG_LEN};

thread_local! {
    static CREATED: RefCell<Vec<Arc<Capture>>> = const { RefCell::new(Vec::new()) };
}

/// The ciphers dimpl created on this thread since the last call, oldest first.
pub(super) fn take_created() -> Vec<Arc<Capture>> {
    CREATED.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

/// Forgets ciphers no session collected (a dimpl call that panicked half-way): called before
/// each dimpl call that may create ciphers, so that a session only ever collects its own.
pub(super) fn discard_stale() {
    CREATED.with(|c| c.borrow_mut().clear());
}

/// dimpl's rust-crypto provider with its DTLS 1.2 suites replaced by the capturing PSK suite
/// (the only suite the PSK backend negotiates).
pub(super) fn provider() -> CryptoProvider {
    static SUITES: [&dyn SupportedDtls12CipherSuite; 1] = [&CapturingPskCcm8];
    CryptoProvider {
        cipher_suites: &SUITES,
        ..dimpl::crypto::rust_crypto::default_provider()
    }
}

/// How dimpl used a cipher.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Use {
    /// The fixed IV (the first four bytes of every nonce dimpl passed).
    pub(super) salt: Option<[u8; SALT_LEN]>,
    pub(super) encrypted: bool,
    pub(super) decrypted: bool,
}

/// One cipher dimpl created: its key, and what dimpl did with it.
pub(super) struct Capture {
    key: zeroize::Zeroizing<[u8; KEY_LEN]>,
    used: Mutex<Use>,
}

impl core::fmt::Debug for Capture {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The key never appears in logs.
        f.debug_struct("Capture")
            .field("used", &self.used())
            .finish_non_exhaustive()
    }
}

impl Capture {
    pub(super) fn key(&self) -> &[u8; KEY_LEN] {
        &self.key
    }

    pub(super) fn used(&self) -> Use {
        *self.used.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, nonce: &Nonce, encrypt: bool) -> Result<(), CryptoError> {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let salt: [u8; SALT_LEN] = nonce.0[..SALT_LEN].try_into().expect("12-byte nonce");
        if used.salt.is_some_and(|s| s != salt) {
            // One key, one fixed IV: anything else is not a DTLS 1.2 CCM record.
            return Err(CryptoError::OperationFailed(if encrypt {
                CryptoOperation::Encrypt
            } else {
                CryptoOperation::Decrypt
            }));
        }
        used.salt = Some(salt);
        if encrypt {
            used.encrypted = true;
        } else {
            used.decrypted = true;
        }
        Ok(())
    }
}

#[derive(Debug)]
struct CapturingPskCcm8;

impl SupportedDtls12CipherSuite for CapturingPskCcm8 {
    fn suite(&self) -> Dtls12CipherSuite {
        Dtls12CipherSuite::PSK_AES128_CCM_8
    }

    fn hash_algorithm(&self) -> HashAlgorithm {
        HashAlgorithm::SHA256
    }

    fn key_lengths(&self) -> (usize, usize, usize) {
        // (MAC key, encryption key, fixed IV): RFC 6655.
        (0, KEY_LEN, SALT_LEN)
    }

    fn explicit_nonce_len(&self) -> usize {
        8
    }

    fn tag_len(&self) -> usize {
        TAG_LEN
    }

    fn create_cipher(&self, key: &[u8]) -> Result<Box<dyn Cipher>, CryptoError> {
        let create = || CryptoError::OperationFailed(CryptoOperation::CreateCipher);
        let key = zeroize::Zeroizing::new(<[u8; KEY_LEN]>::try_from(key).map_err(|_| create())?);
        let ccm = Box::new(Aes128Ccm8::new_from_slice(&key[..]).map_err(|_| create())?);
        let capture = Arc::new(Capture {
            key,
            used: Mutex::new(Use::default()),
        });
        CREATED.with(|c| c.borrow_mut().push(capture.clone()));
        Ok(Box::new(CapturingCipher { ccm, capture }))
    }
}

struct CapturingCipher {
    ccm: Box<Aes128Ccm8>,
    capture: Arc<Capture>,
}

impl core::fmt::Debug for CapturingCipher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CapturingCipher").finish_non_exhaustive()
    }
}

impl Cipher for CapturingCipher {
    fn encrypt(&mut self, plaintext: &mut Buf, aad: Aad, nonce: Nonce) -> Result<(), CryptoError> {
        self.capture.note(&nonce, true)?;
        let tag = self
            .ccm
            .encrypt_in_place_detached(GenericArray::from_slice(&nonce.0), &aad, plaintext)
            .map_err(|_| CryptoError::OperationFailed(CryptoOperation::Encrypt))?;
        plaintext.extend_from_slice(&tag);
        Ok(())
    }

    fn decrypt(
        &mut self,
        ciphertext: &mut TmpBuf<'_>,
        aad: Aad,
        nonce: Nonce,
    ) -> Result<(), CryptoError> {
        let failed = || CryptoError::OperationFailed(CryptoOperation::Decrypt);
        let len = ciphertext.len().checked_sub(TAG_LEN).ok_or_else(failed)?;
        let tag = GenericArray::clone_from_slice(&ciphertext.as_ref()[len..]);
        ciphertext.truncate(len);
        self.ccm
            .decrypt_in_place_detached(
                GenericArray::from_slice(&nonce.0),
                &aad,
                ciphertext.as_mut(),
                &tag,
            )
            .map_err(|_| failed())?;
        // Only an authentic record tells which fixed IV the peer writes with.
        self.capture.note(&nonce, false)
    }
}
