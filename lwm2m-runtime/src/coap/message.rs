//! The owned message used by the endpoint and by applications (needs `alloc`).

use alloc::vec::Vec;

use super::access::ReadOptions;
use super::block::BlockValue;
use super::code::{Code, MessageType};
use super::decode::MessageRef;
use super::encode::{Encoder, option_len};
use super::error::{DecodeError, EncodeError};
use super::option::{RawOption, encode_uint, number};
use super::token::Token;

/// An owned CoAP message. Options are kept sorted by number (insertion order within a number).
///
/// ```
/// use lwm2m_runtime::coap::{Code, Message, ReadOptions};
///
/// let msg = Message::request(Code::GET).with_uri_path("/3/0/9").with_observe(0);
/// let bytes = msg.encode().unwrap();
/// let back = Message::decode(&bytes).unwrap();
/// assert_eq!(back.uri_path().collect::<Vec<_>>(), ["3", "0", "9"]);
/// assert_eq!(back.observe(), Some(0));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The message type (the endpoint overrides it for responses).
    pub ty: MessageType,
    /// The code.
    pub code: Code,
    /// The message ID (assigned by the endpoint when sending).
    pub message_id: u16,
    /// The token (assigned by the endpoint when sending).
    pub token: Token,
    options: Vec<(u16, OptionValue)>,
    /// The payload.
    pub payload: Vec<u8>,
}

impl Message {
    /// A message with no options and no payload.
    pub fn new(ty: MessageType, code: Code) -> Self {
        Self {
            ty,
            code,
            message_id: 0,
            token: Token::EMPTY,
            options: Vec::new(),
            payload: Vec::new(),
        }
    }

    /// A confirmable request.
    pub fn request(code: Code) -> Self {
        Self::new(MessageType::Confirmable, code)
    }

    /// A response; the endpoint chooses its type (piggybacked ACK, CON or NON).
    pub fn response(code: Code) -> Self {
        Self::new(MessageType::Acknowledgement, code)
    }

    /// Decodes a datagram into an owned message.
    pub fn decode(datagram: &[u8]) -> Result<Self, DecodeError> {
        MessageRef::decode(datagram).map(|m| Self::from_ref(&m))
    }

    /// Copies a borrowed message.
    pub fn from_ref(m: &MessageRef<'_>) -> Self {
        Self {
            ty: m.message_type(),
            code: m.code(),
            message_id: m.message_id(),
            token: m.token(),
            options: m
                .options()
                .map(|o| (o.number, OptionValue::new(o.value)))
                .collect(),
            payload: m.payload().to_vec(),
        }
    }

    /// Adds an option after any existing options with the same or a lower number.
    pub fn add_option(&mut self, number: u16, value: impl AsRef<[u8]>) -> &mut Self {
        let at = self.options.partition_point(|(n, _)| *n <= number);
        self.options
            .insert(at, (number, OptionValue::new(value.as_ref())));
        self
    }

    /// Replaces every occurrence of option `number` with one value.
    pub fn set_option(&mut self, number: u16, value: impl AsRef<[u8]>) -> &mut Self {
        self.remove_option(number);
        self.add_option(number, value)
    }

    /// Replaces option `number` with a minimal unsigned-integer value.
    pub fn set_uint_option(&mut self, number: u16, value: u32) -> &mut Self {
        let mut b = [0; 4];
        let v = encode_uint(value, &mut b);
        self.remove_option(number);
        let at = self.options.partition_point(|(n, _)| *n <= number);
        self.options.insert(at, (number, OptionValue::new(v)));
        self
    }

    /// Removes every occurrence of option `number`.
    pub fn remove_option(&mut self, number: u16) -> &mut Self {
        self.options.retain(|(n, _)| *n != number);
        self
    }

    /// Replaces Uri-Path with the segments of `path` (`"/3/0/9"` or `"3/0/9"`).
    pub fn set_uri_path(&mut self, path: &str) -> &mut Self {
        self.remove_option(number::URI_PATH);
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            self.add_option(number::URI_PATH, seg.as_bytes());
        }
        self
    }

    /// Sets or replaces a Block1/Block2 option.
    pub fn set_block(&mut self, number: u16, value: BlockValue) -> &mut Self {
        let mut b = [0; 3];
        let v = value.encode(&mut b);
        self.remove_option(number);
        let at = self.options.partition_point(|(n, _)| *n <= number);
        self.options.insert(at, (number, OptionValue::new(v)));
        self
    }

    /// Builder form of [`set_uri_path`](Self::set_uri_path).
    pub fn with_uri_path(mut self, path: &str) -> Self {
        self.set_uri_path(path);
        self
    }

    /// Builder form of adding a Uri-Query argument.
    pub fn with_uri_query(mut self, query: &str) -> Self {
        self.add_option(number::URI_QUERY, query.as_bytes());
        self
    }

    /// Builder form of setting Observe.
    pub fn with_observe(mut self, value: u32) -> Self {
        self.set_uint_option(number::OBSERVE, value);
        self
    }

    /// Builder form of setting Content-Format.
    pub fn with_content_format(mut self, format: u16) -> Self {
        self.set_uint_option(number::CONTENT_FORMAT, u32::from(format));
        self
    }

    /// Builder form of adding an option.
    pub fn with_option(mut self, number: u16, value: impl AsRef<[u8]>) -> Self {
        self.add_option(number, value);
        self
    }

    /// Builder form of setting the message type.
    pub fn with_type(mut self, ty: MessageType) -> Self {
        self.ty = ty;
        self
    }

    /// Builder form of setting the payload.
    pub fn with_payload(mut self, payload: impl Into<Vec<u8>>) -> Self {
        self.payload = payload.into();
        self
    }

    /// The Uri-Path joined with `/` and a leading `/`.
    pub fn uri_path_string(&self) -> alloc::string::String {
        let mut s = alloc::string::String::new();
        for seg in self.uri_path() {
            s.push('/');
            s.push_str(seg);
        }
        if s.is_empty() {
            s.push('/');
        }
        s
    }

    /// The exact encoded length.
    pub fn encoded_len(&self) -> usize {
        let mut len = 4 + self.token.len();
        let mut last = 0;
        for (n, v) in &self.options {
            len += option_len(last, *n, v.as_slice().len());
            last = *n;
        }
        if !self.payload.is_empty() {
            len += 1 + self.payload.len();
        }
        len
    }

    /// Encodes into `buf`, returning the length.
    pub fn encode_into(&self, buf: &mut [u8]) -> Result<usize, EncodeError> {
        let mut enc = Encoder::new(buf, self.ty, self.code, self.message_id, &self.token)?;
        for (n, v) in &self.options {
            enc.option(*n, v.as_slice())?;
        }
        enc.payload(&self.payload)?;
        Ok(enc.finish())
    }

    /// Encodes into a new vector of exactly the right size.
    // `vec![0; n]` is a calloc, which skips glibc's per-thread cache: slower for small messages.
    #[allow(clippy::slow_vector_initialization)]
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let len = self.encoded_len();
        let mut buf = Vec::with_capacity(len);
        buf.resize(len, 0);
        let n = self.encode_into(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }
}

impl ReadOptions for Message {
    fn raw_options(&self) -> impl Iterator<Item = RawOption<'_>> {
        self.options.iter().map(|(number, value)| RawOption {
            number: *number,
            value: value.as_slice(),
        })
    }
}

/// Bytes an option value keeps inline: Uri-Path segments, numbers, ETags and tokens fit, so
/// building, cloning and decoding a typical message allocates only for the options vector.
const INLINE: usize = 14;

/// One option value, inline when short.
#[derive(Clone, PartialEq, Eq)]
enum OptionValue {
    Inline(u8, [u8; INLINE]),
    Heap(Vec<u8>),
}

impl OptionValue {
    fn new(v: &[u8]) -> Self {
        if v.len() <= INLINE {
            let mut b = [0; INLINE];
            b[..v.len()].copy_from_slice(v);
            OptionValue::Inline(v.len() as u8, b)
        } else {
            OptionValue::Heap(v.to_vec())
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            OptionValue::Inline(len, b) => &b[..usize::from(*len)],
            OptionValue::Heap(v) => v,
        }
    }
}

impl core::fmt::Debug for OptionValue {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.as_slice().fmt(f)
    }
}
