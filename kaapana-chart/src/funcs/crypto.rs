//! Sprig's cryptographic functions (`crypto.go`): password hashes, the
//! Master Password algorithm, AES, private keys and X.509 certificates.
//! Cargo feature `crypto` (on by default); without it none of these names
//! is registered.
//!
//! | name | Go signature | notes |
//! |---|---|---|
//! | `bcrypt` | `(input string) string` | `$2a$10$…`; over 72 bytes: the error message is the *result* |
//! | `htpasswd` | `(username, password string) string` | `user:$2a$10$…`; a `:` in the user name: `invalid username: …` |
//! | `derivePassword` | `(counter uint32, passwordType, password, user, site string) string` | Master Password (scrypt N=32768 r=8 p=2, HMAC-SHA256); exact |
//! | `encryptAES` | `(password, plaintext string) (string, error)` | AES-256-CBC, key = password bytes zero-padded/cut to 32, random IV first, PKCS#7, base64 |
//! | `decryptAES` | `(password, crypt64 string) (string, error)` | Go's runtime panics become the same errors |
//! | `genPrivateKey` | `(typ string) string` | `rsa` (or `""`): 4096-bit PKCS#1; `ecdsa`: P-256 SEC 1; `ed25519`: PKCS#8; else `Unknown type …` |
//! | `genCA` | `(cn string, daysValid int) (certificate, error)` | RSA-2048, CA |
//! | `genCAWithKey` | `(cn string, daysValid int, privPEM string) (certificate, error)` | |
//! | `genSelfSignedCert` | `(cn string, ips, alternateDNS []interface{}, daysValid int) (certificate, error)` | |
//! | `genSelfSignedCertWithKey` | `(… , daysValid int, privPEM string) (certificate, error)` | |
//! | `genSignedCert` | `(cn string, ips, alternateDNS []interface{}, daysValid int, ca certificate) (certificate, error)` | |
//! | `genSignedCertWithKey` | `(…, ca certificate, privPEM string) (certificate, error)` | |
//! | `buildCustomCert` | `(b64cert, b64key string) (certificate, error)` | |
//!
//! A `certificate` (`%T`: `sprig.certificate`) has the PEM strings `.Cert`
//! and `.Key`. Certificates follow Go's `x509.CreateCertificate` for Sprig's
//! template: v3, a random 128-bit serial, subject and issuer with the common
//! name only, valid from now (the registry's clock) for `daysValid` days,
//! key usage digital signature + key encipherment (+ certificate sign for a
//! CA), extended key usage server + client auth, basic constraints
//! (critical), a subject key identifier on CA certificates (Go 1.25's
//! truncated SHA-256), an authority key identifier from the CA's, and DNS
//! and IP subject alternative names. Signatures: SHA256-RSA (PKCS#1 v1.5),
//! ECDSA-SHA256, Ed25519.
//!
//! Keys, IVs, salts and serial numbers come from the registry's generator
//! ([`super::random`]), so they are reproducible under
//! [`super::Functions::helm_deterministic`].
//!
//! DSA keys (`genPrivateKey "dsa"`: L2048N256, OpenSSL's `DSA PRIVATE KEY`)
//! can be generated and passed around, but, as in Go, not used for
//! certificates.
//!
//! Deviations (COMPATIBILITY.md): EC keys must be on P-256; the text after the fixed prefix of
//! a *malformed DER* error (`parsing RSA private key from PEM: …`) is ours,
//! not Go's `encoding/asn1` message; certificate times before 1970 or after
//! 9999 are refused.
//!
//! ```
//! use kaapana_chart::{Functions, TemplateSet, Value};
//! use std::sync::Arc;
//!
//! let mut set = TemplateSet::with_functions(Default::default(), Arc::new(Functions::helm()));
//! set.add("t", r#"{{ derivePassword 1 "long" "password" "user" "example.com" }}"#).unwrap();
//! assert_eq!(set.execute("t", &Value::Nil).unwrap(), "ZedaFaxcZaso9*");
//! ```

use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rand_core::RngCore;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::PrivateKeyInfo;
use sha2_010::{Digest, Sha256};
use x509_cert::der::asn1::{
    Any as Asn1Any, BitString, Ia5String, ObjectIdentifier as Oid, OctetString, OctetStringRef,
    PrintableStringRef, SetOfVec, Utf8StringRef,
};
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate as X509, TbsCertificate};

use super::dates::Clock;
use super::encoding::{base64_decode, base64_encode, bytes_to_string};
use super::random::Entropy;
use super::{str_arg, CallContext, FuncError, Functions};
use crate::template::fmt::{go_quote, sprint};
use crate::value::{GoKind, GoType, Object, Signature, Value};

const S: GoType = GoType::String;
const INT: GoType = GoType::Int;
const LIST: GoType = GoType::List;
const CERT: GoType = GoType::Object("sprig.certificate");

/// Sprig's `bcrypt_lib.DefaultCost`.
const BCRYPT_COST: u32 = 10;
/// Go's bcrypt refuses longer passwords (`ErrPasswordTooLong`).
const BCRYPT_MAX_PASSWORD: usize = 72;
/// `genPrivateKey "rsa"`.
const RSA_KEY_BITS: usize = 4096;
/// Keys Sprig generates for certificates.
const RSA_CERT_KEY_BITS: usize = 2048;

const OID_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const OID_EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const OID_P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const OID_ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const OID_ED25519: Oid = Oid::new_unwrap("1.3.101.112");
const OID_CN: Oid = Oid::new_unwrap("2.5.4.3");
const OID_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
const OID_EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
const OID_BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const OID_SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
const OID_AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
const OID_SAN: Oid = Oid::new_unwrap("2.5.29.17");
const OID_SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
const OID_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");

pub(crate) fn register(f: &mut Functions, clock: Clock, entropy: &Entropy) {
    let rng = entropy.clone();
    f.register("bcrypt", Signature::fixed(&[S]), move |cx, a| {
        cx.charge_slow_crypto()?;
        Ok(Value::from(bcrypt(&mut rng.clone(), str_arg(a, 0))))
    });
    let rng = entropy.clone();
    f.register("htpasswd", Signature::fixed(&[S, S]), move |cx, a| {
        let user = str_arg(a, 0);
        if user.contains(':') {
            return Ok(Value::from(format!("invalid username: {user}")));
        }
        cx.charge_slow_crypto()?;
        let hash = bcrypt(&mut rng.clone(), str_arg(a, 1));
        Ok(Value::from(format!("{user}:{hash}")))
    });
    f.register(
        "derivePassword",
        Signature::fixed(&[GoType::Uint32, S, S, S, S]),
        |cx, a| {
            cx.charge_slow_crypto()?;
            let counter = match a.first() {
                Some(Value::Int64(n)) => *n as u32,
                _ => 0,
            };
            Ok(Value::from(derive_password(
                counter,
                str_arg(a, 1),
                str_arg(a, 2),
                str_arg(a, 3),
                str_arg(a, 4),
            )))
        },
    );
    let rng = entropy.clone();
    f.register(
        "encryptAES",
        Signature::fixed(&[S, S]).with_error(),
        move |ctx, a| {
            let plain = str_arg(a, 1);
            // IV + the padded plaintext, in base64.
            let raw = AES_BLOCK + (plain.len() / AES_BLOCK + 1) * AES_BLOCK;
            ctx.charge_output(raw.div_ceil(3).saturating_mul(4))?;
            Ok(Value::from(encrypt_aes(
                &mut rng.clone(),
                str_arg(a, 0),
                plain,
            )))
        },
    );
    f.register(
        "decryptAES",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| decrypt_aes(str_arg(a, 0), str_arg(a, 1)).map(Value::from),
    );
    let rng = entropy.clone();
    f.register("genPrivateKey", Signature::fixed(&[S]), move |cx, a| {
        let mut rng = rng.clone();
        let key = match str_arg(a, 0) {
            "" | "rsa" => {
                cx.charge_slow_crypto()?;
                PrivKey::rsa(&mut rng, RSA_KEY_BITS)
            }
            "ecdsa" => Ok(PrivKey::Ec(p256::SecretKey::random(&mut rng))),
            "ed25519" => {
                let mut seed = [0u8; 32];
                rng.fill_bytes(&mut seed);
                Ok(PrivKey::Ed(seed))
            }
            "dsa" => {
                cx.charge_slow_crypto()?;
                let params = dsa::Components::generate(&mut rng, dsa::KeySize::DSA_2048_256);
                Ok(PrivKey::Dsa(Box::new(dsa::SigningKey::generate(
                    &mut rng, params,
                ))))
            }
            other => return Ok(Value::from(format!("Unknown type {other}"))),
        };
        Ok(Value::from(match key.and_then(|k| k.to_pem()) {
            Ok(pem) => pem,
            Err(e) => format!("failed to generate private key: {e}"),
        }))
    });
    f.register(
        "buildCustomCert",
        Signature::fixed(&[S, S]).with_error(),
        |_, a| build_custom_cert(str_arg(a, 0), str_arg(a, 1)),
    );

    let gen = CertGen {
        clock,
        rng: entropy.clone(),
    };
    let g = gen.clone();
    f.register(
        "genCA",
        Signature::fixed(&[S, INT]).with_error(),
        move |cx, a| {
            let key = g.rsa_key(cx)?;
            g.ca(str_arg(a, 0), int_arg(a, 1), key)
        },
    );
    let g = gen.clone();
    f.register(
        "genCAWithKey",
        Signature::fixed(&[S, INT, S]).with_error(),
        move |_, a| {
            let key = parse_key_arg(str_arg(a, 2))?;
            g.ca(str_arg(a, 0), int_arg(a, 1), key)
        },
    );
    let g = gen.clone();
    f.register(
        "genSelfSignedCert",
        Signature::fixed(&[S, LIST, LIST, INT]).with_error(),
        move |cx, a| {
            let key = g.rsa_key(cx)?;
            g.self_signed(a, key)
        },
    );
    let g = gen.clone();
    f.register(
        "genSelfSignedCertWithKey",
        Signature::fixed(&[S, LIST, LIST, INT, S]).with_error(),
        move |_, a| {
            let key = parse_key_arg(str_arg(a, 4))?;
            g.self_signed(a, key)
        },
    );
    let g = gen.clone();
    f.register(
        "genSignedCert",
        Signature::fixed(&[S, LIST, LIST, INT, CERT]).with_error(),
        move |cx, a| {
            let key = g.rsa_key(cx)?;
            g.signed(a, key)
        },
    );
    let g = gen;
    f.register(
        "genSignedCertWithKey",
        Signature::fixed(&[S, LIST, LIST, INT, CERT, S]).with_error(),
        move |_, a| {
            let key = parse_key_arg(str_arg(a, 5))?;
            g.signed(a, key)
        },
    );
}

fn int_arg(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

/// `bcrypt.GenerateFromPassword(input, DefaultCost)` as Sprig reports it.
fn bcrypt(rng: &mut Entropy, input: &str) -> String {
    if input.len() > BCRYPT_MAX_PASSWORD {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .to_owned();
    }
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    match bcrypt::hash_with_salt(input, BCRYPT_COST, salt) {
        // Go's x/crypto/bcrypt writes the `$2a$` prefix.
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

/// The Master Password templates of each password type.
fn password_templates(kind: &str) -> Option<&'static [&'static [u8]]> {
    Some(match kind {
        "maximum" => &[b"anoxxxxxxxxxxxxxxxxx", b"axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            b"CvcvnoCvcvCvcv",
            b"CvcvCvcvnoCvcv",
            b"CvcvCvcvCvcvno",
            b"CvccnoCvcvCvcv",
            b"CvccCvcvnoCvcv",
            b"CvccCvcvCvcvno",
            b"CvcvnoCvccCvcv",
            b"CvcvCvccnoCvcv",
            b"CvcvCvccCvcvno",
            b"CvcvnoCvcvCvcc",
            b"CvcvCvcvnoCvcc",
            b"CvcvCvcvCvccno",
            b"CvccnoCvccCvcv",
            b"CvccCvccnoCvcv",
            b"CvccCvccCvcvno",
            b"CvcvnoCvccCvcc",
            b"CvcvCvccnoCvcc",
            b"CvcvCvccCvccno",
            b"CvccnoCvcvCvcc",
            b"CvccCvcvnoCvcc",
            b"CvccCvcvCvccno",
        ],
        "medium" => &[b"CvcnoCvc", b"CvcCvcno"],
        "short" => &[b"Cvcn"],
        "basic" => &[b"aaanaaan", b"aannaaan", b"aaannaaa"],
        "pin" => &[b"nnnn"],
        _ => return None,
    })
}

/// The characters a template letter stands for.
fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// Sprig's `derivePassword`: the Master Password algorithm (v3).
fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    // Go writes the lengths as uint32: longer strings wrap, like here.
    let mut salt = MASTER_PASSWORD_SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let derived = scrypt::Params::new(15, 8, 2, 64)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            scrypt::scrypt(password.as_bytes(), &salt, &p, &mut key).map_err(|e| e.to_string())
        });
    if let Err(e) = derived {
        return format!("failed to derive password: {e}");
    }
    let mut msg = MASTER_PASSWORD_SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
        return "failed to derive password: hmac key".to_owned();
    };
    mac.update(&msg);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    template
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let chars = template_chars(c);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;
const AES_BLOCK: usize = 16;

/// Sprig's key: the password's bytes, zero-padded or cut to 32.
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

fn encrypt_aes(rng: &mut Entropy, password: &str, plaintext: &str) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let pad = AES_BLOCK - plaintext.len() % AES_BLOCK;
    let mut out = vec![0u8; AES_BLOCK];
    rng.fill_bytes(&mut out);
    let iv: [u8; AES_BLOCK] = out[..AES_BLOCK].try_into().unwrap_or_default();
    out.extend_from_slice(plaintext.as_bytes());
    out.resize(out.len() + pad, pad as u8);
    let enc = Aes256CbcEnc::new(&aes_key(password).into(), &iv.into());
    let body = &mut out[AES_BLOCK..];
    let n = body.len();
    // The body is a whole number of blocks, so this cannot fail.
    let _ = enc.encrypt_padded_mut::<NoPadding>(body, n);
    base64_encode(&out)
}

/// Sprig's `decryptAES`, whose missing checks are Go runtime panics that
/// `text/template` turns into errors: those messages are reproduced.
fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, FuncError> {
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let crypt = base64_decode(crypt64.as_bytes())
        .map_err(|at| FuncError::new(format!("illegal base64 data at input byte {at}")))?;
    if crypt.len() < AES_BLOCK {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:16] with capacity {}",
            crypt.len()
        )));
    }
    let (iv, body) = crypt.split_at(AES_BLOCK);
    if body.len() % AES_BLOCK != 0 {
        return Err(FuncError::new("crypto/cipher: input not full blocks"));
    }
    let iv: [u8; AES_BLOCK] = iv.try_into().unwrap_or_default();
    let mut buf = body.to_vec();
    let dec = Aes256CbcDec::new(&aes_key(password).into(), &iv.into());
    let _ = dec.decrypt_padded_mut::<NoPadding>(&mut buf);
    let Some(&last) = buf.last() else {
        return Err(FuncError::new("runtime error: index out of range [-1]"));
    };
    let keep = buf.len() as i64 - i64::from(last);
    if keep < 0 {
        return Err(FuncError::new(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        )));
    }
    buf.truncate(keep as usize);
    Ok(bytes_to_string(buf))
}

/// A private key of a type Sprig can sign certificates with.
enum PrivKey {
    Rsa(Box<rsa::RsaPrivateKey>),
    Ec(p256::SecretKey),
    /// The 32-byte Ed25519 seed.
    Ed([u8; 32]),
    /// Go can generate and parse DSA keys but not sign certificates with
    /// them (`*dsa.PrivateKey` is no `crypto.Signer`).
    Dsa(Box<dsa::SigningKey>),
}

impl PrivKey {
    fn rsa(rng: &mut Entropy, bits: usize) -> Result<PrivKey, String> {
        rsa::RsaPrivateKey::new(rng, bits)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string())
    }

    /// Sprig's `pemBlockForKey`: PKCS#1, SEC 1, or PKCS#8 for Ed25519.
    fn to_pem(&self) -> Result<String, String> {
        Ok(match self {
            PrivKey::Rsa(k) => {
                let der = k.to_pkcs1_der().map_err(|e| e.to_string())?;
                pem_encode("RSA PRIVATE KEY", der.as_bytes())
            }
            PrivKey::Ec(k) => {
                // x509.MarshalECPrivateKey: SEC 1 ECPrivateKey with the
                // named curve and the public key (both optional in SEC 1,
                // both written by Go).
                let mut der = vec![0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
                der.extend_from_slice(&k.to_bytes());
                der.extend_from_slice(&[
                    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0xa1,
                    0x44, 0x03, 0x42, 0x00,
                ]);
                der.extend_from_slice(p256::EncodedPoint::from(k.public_key()).as_bytes());
                pem_encode("EC PRIVATE KEY", &der)
            }
            PrivKey::Ed(seed) => {
                // x509.MarshalPKCS8PrivateKey: version 0, the Ed25519 OID,
                // the seed as an OCTET STRING inside the key OCTET STRING.
                let mut der = vec![
                    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04,
                    0x22, 0x04, 0x20,
                ];
                der.extend_from_slice(seed);
                pem_encode("PRIVATE KEY", &der)
            }
            PrivKey::Dsa(k) => pem_encode("DSA PRIVATE KEY", &dsa_to_der(k)?),
        })
    }

    /// The public key as a SubjectPublicKeyInfo.
    fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, String> {
        let (algorithm, key) = match self {
            PrivKey::Rsa(k) => {
                let der = k
                    .to_public_key()
                    .to_pkcs1_der()
                    .map_err(|e| e.to_string())?;
                (
                    AlgorithmIdentifierOwned {
                        oid: OID_RSA,
                        parameters: Some(Asn1Any::null()),
                    },
                    der.as_bytes().to_vec(),
                )
            }
            PrivKey::Ec(k) => (
                AlgorithmIdentifierOwned {
                    oid: OID_EC_PUBLIC_KEY,
                    parameters: Some(Asn1Any::from(&OID_P256)),
                },
                p256::EncodedPoint::from(k.public_key()).as_bytes().to_vec(),
            ),
            PrivKey::Ed(seed) => (
                AlgorithmIdentifierOwned {
                    oid: OID_ED25519,
                    parameters: None,
                },
                ed25519_dalek::SigningKey::from_bytes(seed)
                    .verifying_key()
                    .to_bytes()
                    .to_vec(),
            ),
            PrivKey::Dsa(_) => {
                return Err("x509: unsupported public key type: *dsa.PublicKey".to_owned())
            }
        };
        Ok(SubjectPublicKeyInfoOwned {
            algorithm,
            subject_public_key: BitString::from_bytes(&key).map_err(|e| e.to_string())?,
        })
    }

    /// The signature algorithm Go picks for the key.
    fn signature_algorithm(&self) -> AlgorithmIdentifierOwned {
        match self {
            PrivKey::Rsa(_) => AlgorithmIdentifierOwned {
                oid: OID_SHA256_RSA,
                parameters: Some(Asn1Any::null()),
            },
            PrivKey::Ec(_) => AlgorithmIdentifierOwned {
                oid: OID_ECDSA_SHA256,
                parameters: None,
            },
            PrivKey::Ed(_) | PrivKey::Dsa(_) => AlgorithmIdentifierOwned {
                oid: OID_ED25519,
                parameters: None,
            },
        }
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivKey::Rsa(k) => k
                .sign(rsa::Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(msg))
                .map_err(|e| e.to_string()),
            PrivKey::Ec(k) => {
                use p256::ecdsa::signature::Signer;
                let sig: p256::ecdsa::Signature = p256::ecdsa::SigningKey::from(k).sign(msg);
                Ok(sig.to_der().as_bytes().to_vec())
            }
            PrivKey::Ed(seed) => {
                use ed25519_dalek::Signer;
                Ok(ed25519_dalek::SigningKey::from_bytes(seed)
                    .sign(msg)
                    .to_bytes()
                    .to_vec())
            }
            PrivKey::Dsa(_) => Err(NOT_A_SIGNER.to_owned()),
        }
    }
}

const NOT_A_SIGNER: &str = "x509: certificate private key does not implement crypto.Signer";

/// Sprig's `DSAKeyFormat` (OpenSSL's DSA private key): a SEQUENCE of the
/// INTEGERs version 0, P, Q, G, Y, X.
fn dsa_to_der(k: &dsa::SigningKey) -> Result<Vec<u8>, String> {
    use x509_cert::der::asn1::UintRef;
    let vk = k.verifying_key();
    let c = vk.components();
    let nums = [c.p(), c.q(), c.g(), vk.y(), k.x()].map(|n| n.to_bytes_be());
    let mut body = Vec::new();
    0u8.encode_to_vec(&mut body).map_err(|e| e.to_string())?;
    for n in &nums {
        UintRef::new(n)
            .and_then(|u| u.encode_to_vec(&mut body))
            .map_err(|e| e.to_string())?;
    }
    let mut out = Vec::new();
    x509_cert::der::Header::new(x509_cert::der::Tag::Sequence, body.len())
        .and_then(|h| h.encode_to_vec(&mut out))
        .map_err(|e| e.to_string())?;
    out.extend_from_slice(&body);
    Ok(out)
}

fn dsa_from_der(der: &[u8]) -> Result<dsa::SigningKey, String> {
    use x509_cert::der::asn1::UintRef;
    use x509_cert::der::{Reader, SliceReader};
    let mut r = SliceReader::new(der).map_err(|e| e.to_string())?;
    let nums = r
        .sequence(|seq| {
            let _version = i64::decode(seq)?;
            let mut nums = Vec::with_capacity(5);
            for _ in 0..5 {
                nums.push(dsa::BigUint::from_bytes_be(
                    UintRef::decode(seq)?.as_bytes(),
                ));
            }
            Ok(nums)
        })
        .map_err(|e| format!("asn1: {e}"))?;
    let [p, q, g, y, x]: [dsa::BigUint; 5] = nums
        .try_into()
        .map_err(|_| "asn1: wrong number of integers".to_owned())?;
    let components = dsa::Components::from_components(p, q, g).map_err(|e| e.to_string())?;
    let vk = dsa::VerifyingKey::from_components(components, y).map_err(|e| e.to_string())?;
    dsa::SigningKey::from_components(vk, x).map_err(|e| e.to_string())
}

/// Go's `pem.EncodeToMemory` without headers: 64-column base64 lines.
fn pem_encode(kind: &str, der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut s = format!("-----BEGIN {kind}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(&format!("-----END {kind}-----\n"));
    s
}

/// Go's `pem.Decode`: the first well-formed block, as (type, bytes).
fn pem_decode(data: &str) -> Option<(String, Vec<u8>)> {
    const BEGIN: &str = "-----BEGIN ";
    let mut from = 0;
    while let Some(off) = data[from..].find(BEGIN) {
        let start = from + off;
        from = start + BEGIN.len();
        if start > 0 && data.as_bytes()[start - 1] != b'\n' {
            continue;
        }
        let rest = &data[from..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let line = rest[..line_end].trim_end_matches([' ', '\t', '\r']);
        let Some(kind) = line.strip_suffix("-----") else {
            continue;
        };
        let body_start = (line_end + 1).min(rest.len());
        let body = &rest[body_start..];
        let end_marker = format!("-----END {kind}-----");
        let end = if body.starts_with(&end_marker) {
            0
        } else {
            match body.find(&format!("\n{end_marker}")) {
                Some(e) => e,
                None => continue,
            }
        };
        // Header lines (`Key: value`) come before the base64.
        let mut text = &body[..end];
        while let Some(nl) = text.find('\n') {
            if !text[..nl].contains(':') {
                break;
            }
            text = &text[nl + 1..];
        }
        let cleaned: Vec<u8> = text
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .collect();
        if let Ok(bytes) = base64_decode(&cleaned) {
            return Some((kind.to_owned(), bytes));
        }
    }
    None
}

/// Sprig's `parsePrivateKeyPEM`.
fn parse_private_key_pem(pem: &str) -> Result<PrivKey, String> {
    let Some((kind, der)) = pem_decode(pem) else {
        return Err("no PEM data in input".to_owned());
    };
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&der).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(prefix) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match prefix {
        "RSA" => rsa::RsaPrivateKey::from_pkcs1_der(&der)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => p256::SecretKey::from_sec1_der(&der)
            .map(PrivKey::Ec)
            .map_err(|e| {
                format!(
                    "parsing EC private key from PEM: x509: failed to parse EC private key: {e}"
                )
            }),
        "DSA" => dsa_from_der(&der)
            .map(|k| PrivKey::Dsa(Box::new(k)))
            .map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_pkcs8(der: &[u8]) -> Result<PrivKey, String> {
    let info = PrivateKeyInfo::try_from(der).map_err(|e| e.to_string())?;
    match info.algorithm.oid {
        OID_RSA => rsa::RsaPrivateKey::try_from(info)
            .map(|k| PrivKey::Rsa(Box::new(k)))
            .map_err(|e| e.to_string()),
        OID_EC_PUBLIC_KEY => p256::SecretKey::from_sec1_der(info.private_key)
            .map(PrivKey::Ec)
            .map_err(|e| format!("x509: failed to parse EC private key embedded in PKCS#8: {e}")),
        OID_ED25519 => {
            let seed = OctetStringRef::from_der(info.private_key).map_err(|e| e.to_string())?;
            let seed: [u8; 32] = seed.as_bytes().try_into().map_err(|_| {
                format!(
                    "x509: invalid Ed25519 private key length: {}",
                    seed.as_bytes().len()
                )
            })?;
            Ok(PrivKey::Ed(seed))
        }
        other => Err(format!(
            "x509: PKCS#8 wrapping contained private key with unknown algorithm: {other}"
        )),
    }
}

fn parse_key_arg(pem: &str) -> Result<PrivKey, FuncError> {
    parse_private_key_pem(pem).map_err(|e| FuncError::new(format!("parsing private key: {e}")))
}

/// Sprig's `certificate` struct.
#[derive(Debug, Clone)]
struct Certificate {
    cert: String,
    key: String,
}

impl Object for Certificate {
    fn go_type(&self) -> Cow<'_, str> {
        Cow::Borrowed("sprig.certificate")
    }
    fn go_kind(&self) -> GoKind {
        GoKind::Struct
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::from(self.cert.as_str())),
            "Key" => Some(Value::from(self.key.as_str())),
            _ => None,
        }
    }
    fn fmt_go(&self, plus: bool) -> String {
        if plus {
            format!("{{Cert:{} Key:{}}}", self.cert, self.key)
        } else {
            format!("{{{} {}}}", self.cert, self.key)
        }
    }
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        Some(vec![
            ("Cert", Value::from(self.cert.as_str())),
            ("Key", Value::from(self.key.as_str())),
        ])
    }
    fn to_data(&self) -> Value {
        Value::from_iter([
            ("Cert", Value::from(self.cert.as_str())),
            ("Key", Value::from(self.key.as_str())),
        ])
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn cert_value(cert: String, key: String) -> Value {
    Value::Object(Arc::new(Certificate { cert, key }))
}

fn build_custom_cert(b64cert: &str, b64key: &str) -> Result<Value, FuncError> {
    let cert = base64_decode(b64cert.as_bytes())
        .map_err(|_| FuncError::new("unable to decode base64 certificate"))?;
    let key = base64_decode(b64key.as_bytes())
        .map_err(|_| FuncError::new("unable to decode base64 private key"))?;
    let cert = bytes_to_string(cert);
    let key = bytes_to_string(key);
    let Some((_, der)) = pem_decode(&cert) else {
        return Err(FuncError::new("unable to decode certificate"));
    };
    X509::from_der(&der).map_err(|_| {
        FuncError::new("error parsing certificate: decodedCert.Bytes: x509: malformed certificate")
    })?;
    parse_private_key_pem(&key)
        .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
    Ok(cert_value(cert, key))
}

/// Go's `net.ParseIP`, as the bytes Go stores in a certificate (IPv4 and
/// IPv4-mapped addresses as 4 bytes).
fn parse_ip(s: &str) -> Option<Vec<u8>> {
    if s.contains('.') && !s.contains(':') {
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        let mut out = Vec::with_capacity(4);
        for p in parts {
            // Go rejects empty parts, signs and leading zeros.
            if p.is_empty() || p.len() > 3 || (p.len() > 1 && p.starts_with('0')) {
                return None;
            }
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push(u8::try_from(p.parse::<u16>().ok()?).ok()?);
        }
        return Some(out);
    }
    let v6: std::net::Ipv6Addr = s.parse().ok()?;
    Some(match v6.to_ipv4_mapped() {
        Some(v4) => v4.octets().to_vec(),
        None => v6.octets().to_vec(),
    })
}

/// Sprig's `getNetIPs`.
fn net_ips(ips: Option<&Value>) -> Result<Vec<Vec<u8>>, FuncError> {
    let items = match ips {
        Some(Value::List(l)) => l.items(),
        _ => return Ok(Vec::new()),
    };
    items
        .iter()
        .map(|ip| match ip {
            Value::String(s) => {
                parse_ip(s).ok_or_else(|| FuncError::new(format!("error parsing ip: {s}")))
            }
            other => Err(FuncError::new(format!(
                "error parsing ip: {} is not a string",
                sprint(std::slice::from_ref(other))
            ))),
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
fn dns_names(names: Option<&Value>) -> Result<Vec<String>, FuncError> {
    let items = match names {
        Some(Value::List(l)) => l.items(),
        _ => return Ok(Vec::new()),
    };
    items
        .iter()
        .map(|n| match n {
            Value::String(s) => Ok(s.to_string()),
            other => Err(FuncError::new(format!(
                "error processing alternate dns name: {} is not a string",
                sprint(std::slice::from_ref(other))
            ))),
        })
        .collect()
}

/// What Sprig's `getBaseCertTemplate` fills in, plus the CA flag.
struct Template {
    cn: String,
    ips: Vec<Vec<u8>>,
    dns: Vec<String>,
    days: i64,
    is_ca: bool,
}

/// The parent of a certificate: itself (self-signed) or a CA.
struct Parent {
    subject: Name,
    subject_key_id: Option<Vec<u8>>,
    spki: Option<SubjectPublicKeyInfoOwned>,
    key: PrivKey,
}

#[derive(Clone)]
struct CertGen {
    clock: Clock,
    rng: Entropy,
}

impl CertGen {
    /// The RSA key Sprig generates for `genCA`, `genSelfSignedCert` and
    /// `genSignedCert` when no key is given, counted against the render's
    /// slow-crypto budget.
    fn rsa_key(&self, cx: &mut CallContext<'_, '_, '_>) -> Result<PrivKey, FuncError> {
        cx.charge_slow_crypto()?;
        PrivKey::rsa(&mut self.rng.clone(), RSA_CERT_KEY_BITS)
            .map_err(|e| FuncError::new(format!("error generating rsa key: {e}")))
    }

    fn ca(&self, cn: &str, days: i64, key: PrivKey) -> Result<Value, FuncError> {
        let t = Template {
            cn: cn.to_owned(),
            ips: Vec::new(),
            dns: Vec::new(),
            days,
            is_ca: true,
        };
        self.create(&t, &key, None)
    }

    fn self_signed(&self, a: &[Value], key: PrivKey) -> Result<Value, FuncError> {
        let t = Template {
            cn: str_arg(a, 0).to_owned(),
            ips: net_ips(a.get(1))?,
            dns: dns_names(a.get(2))?,
            days: int_arg(a, 3),
            is_ca: false,
        };
        self.create(&t, &key, None)
    }

    fn signed(&self, a: &[Value], key: PrivKey) -> Result<Value, FuncError> {
        let ca = match a.get(4) {
            Some(Value::Object(o)) => o.as_any().downcast_ref::<Certificate>().cloned(),
            _ => None,
        };
        let ca = ca.unwrap_or(Certificate {
            cert: String::new(),
            key: String::new(),
        });
        let Some((_, der)) = pem_decode(&ca.cert) else {
            return Err(FuncError::new("unable to decode certificate"));
        };
        let signer = X509::from_der(&der).map_err(|_| {
            FuncError::new(
                "error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate",
            )
        })?;
        let signer_key = parse_private_key_pem(&ca.key)
            .map_err(|e| FuncError::new(format!("error parsing private key: {e}")))?;
        let t = Template {
            cn: str_arg(a, 0).to_owned(),
            ips: net_ips(a.get(1))?,
            dns: dns_names(a.get(2))?,
            days: int_arg(a, 3),
            is_ca: false,
        };
        let tbs = signer.tbs_certificate;
        let ski = tbs.extensions.as_ref().and_then(|exts| {
            exts.iter()
                .find(|e| e.extn_id == OID_SUBJECT_KEY_ID)
                .and_then(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
                .map(|s| s.0.as_bytes().to_vec())
        });
        let parent = Parent {
            subject: tbs.subject,
            subject_key_id: ski,
            spki: Some(tbs.subject_public_key_info),
            key: signer_key,
        };
        self.create(&t, &key, Some(&parent))
    }

    /// Go's `x509.CreateCertificate` for Sprig's template, then PEM.
    fn create(
        &self,
        t: &Template,
        key: &PrivKey,
        parent: Option<&Parent>,
    ) -> Result<Value, FuncError> {
        let err = |e: String| FuncError::new(format!("error creating certificate: {e}"));
        let der_err = |e: x509_cert::der::Error| err(format!("x509: {e}"));
        let signer = parent.map_or(key, |p| &p.key);
        // Go's order: the signer must be a crypto.Signer, then the
        // subject's public key must be marshalable, then match the parent.
        if matches!(signer, PrivKey::Dsa(_)) {
            return Err(err(NOT_A_SIGNER.to_owned()));
        }
        let mut serial = [0u8; 16];
        self.rng.clone().fill_bytes(&mut serial);
        let subject = common_name(&t.cn).map_err(der_err)?;
        let spki = key.spki().map_err(err)?;
        if let Some(ca_spki) = parent.and_then(|p| p.spki.as_ref()) {
            if signer.spki().map_err(err)? != *ca_spki {
                return Err(err(
                    "x509: provided PrivateKey doesn't match parent's PublicKey".to_owned(),
                ));
            }
        }
        let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject.clone());

        let mut exts = Vec::new();
        let mut usage = KeyUsages::DigitalSignature | KeyUsages::KeyEncipherment;
        if t.is_ca {
            usage |= KeyUsages::KeyCertSign;
        }
        exts.push(extension(OID_KEY_USAGE, true, &KeyUsage(usage)).map_err(der_err)?);
        exts.push(
            extension(
                OID_EXT_KEY_USAGE,
                false,
                &ExtendedKeyUsage(vec![OID_SERVER_AUTH, OID_CLIENT_AUTH]),
            )
            .map_err(der_err)?,
        );
        exts.push(
            extension(
                OID_BASIC_CONSTRAINTS,
                true,
                &BasicConstraints {
                    ca: t.is_ca,
                    path_len_constraint: None,
                },
            )
            .map_err(der_err)?,
        );
        if t.is_ca {
            // Go 1.25: the first 160 bits of SHA-256 of the public key.
            let digest = Sha256::digest(spki.subject_public_key.raw_bytes());
            let id = OctetString::new(&digest[..20]).map_err(der_err)?;
            exts.push(
                extension(OID_SUBJECT_KEY_ID, false, &SubjectKeyIdentifier(id)).map_err(der_err)?,
            );
        }
        if let Some(id) = parent.and_then(|p| p.subject_key_id.as_ref()) {
            let distinct =
                issuer.to_der().map_err(der_err)? != subject.to_der().map_err(der_err)?;
            if distinct && !id.is_empty() {
                let aki = AuthorityKeyIdentifier {
                    key_identifier: Some(OctetString::new(id.as_slice()).map_err(der_err)?),
                    authority_cert_issuer: None,
                    authority_cert_serial_number: None,
                };
                exts.push(extension(OID_AUTHORITY_KEY_ID, false, &aki).map_err(der_err)?);
            }
        }
        if !t.dns.is_empty() || !t.ips.is_empty() {
            let mut names = Vec::new();
            for d in &t.dns {
                let ia5 = Ia5String::new(d).map_err(|_| {
                    err(format!(
                        "x509: {} cannot be encoded as an IA5String",
                        go_quote(d)
                    ))
                })?;
                names.push(GeneralName::DnsName(ia5));
            }
            for ip in &t.ips {
                names.push(GeneralName::IpAddress(
                    OctetString::new(ip.as_slice()).map_err(der_err)?,
                ));
            }
            exts.push(extension(OID_SAN, false, &SubjectAltName(names)).map_err(der_err)?);
        }

        let (not_before, not_after) = self.validity(t.days).map_err(err)?;
        let algorithm = signer.signature_algorithm();
        let tbs = TbsCertificate {
            version: x509_cert::Version::V3,
            serial_number: SerialNumber::new(&serial).map_err(der_err)?,
            signature: algorithm.clone(),
            issuer,
            validity: Validity {
                not_before,
                not_after,
            },
            subject,
            subject_public_key_info: spki,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(exts),
        };
        let tbs_der = tbs.to_der().map_err(der_err)?;
        let signature = signer.sign(&tbs_der).map_err(err)?;
        let cert = X509 {
            tbs_certificate: tbs,
            signature_algorithm: algorithm,
            signature: BitString::from_bytes(&signature).map_err(der_err)?,
        };
        let der = cert.to_der().map_err(der_err)?;
        let key_pem = key
            .to_pem()
            .map_err(|e| FuncError::new(format!("error pem-encoding key: {e}")))?;
        Ok(cert_value(pem_encode("CERTIFICATE", &der), key_pem))
    }

    /// NotBefore = now, NotAfter = now + 24h·days (Go's wrapping
    /// `time.Duration` arithmetic), as ASN.1 times (seconds).
    fn validity(&self, days: i64) -> Result<(Time, Time), String> {
        let now = self.clock.now();
        let day_ns: i64 = 24 * 3600 * 1_000_000_000;
        let add = i128::from(day_ns.wrapping_mul(days));
        let now_ns = i128::from(now.unix) * 1_000_000_000 + i128::from(now.nsec);
        let after_ns = now_ns + add;
        Ok((
            asn1_time(now_ns.div_euclid(1_000_000_000))?,
            asn1_time(after_ns.div_euclid(1_000_000_000))?,
        ))
    }
}

/// Go's choice of UTCTime (1950–2049) or GeneralizedTime.
fn asn1_time(unix: i128) -> Result<Time, String> {
    let secs = u64::try_from(unix)
        .map_err(|_| "x509: certificate times before 1970 are not supported".to_owned())?;
    let d = std::time::Duration::from_secs(secs);
    let dt = x509_cert::der::DateTime::from_unix_duration(d).map_err(|e| format!("asn1: {e}"))?;
    Ok(if dt.year() < 2050 {
        Time::UtcTime(x509_cert::der::asn1::UtcTime::from_date_time(dt).map_err(|e| e.to_string())?)
    } else {
        Time::GeneralTime(x509_cert::der::asn1::GeneralizedTime::from_date_time(dt))
    })
}

fn extension(oid: Oid, critical: bool, value: &impl Encode) -> x509_cert::der::Result<Extension> {
    Ok(Extension {
        extn_id: oid,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

/// A name with only a common name (none if empty), as Go's `pkix.Name`
/// marshals it: PrintableString when possible, else UTF8String.
fn common_name(cn: &str) -> x509_cert::der::Result<Name> {
    if cn.is_empty() {
        return Ok(RdnSequence(Vec::new()));
    }
    let value = match PrintableStringRef::new(cn) {
        Ok(p) => Asn1Any::encode_from(&p)?,
        Err(_) => Asn1Any::encode_from(&Utf8StringRef::new(cn)?)?,
    };
    let atv = x509_cert::attr::AttributeTypeAndValue { oid: OID_CN, value };
    let rdn = RelativeDistinguishedName(SetOfVec::try_from(vec![atv])?);
    Ok(RdnSequence(vec![rdn]))
}
