//! Sprig's key generation through a template, as a chart calls it:
//! `genPrivateKey` for each algorithm and `genCA` (an RSA-2048 key and a
//! self-signed certificate). RSA-4096 generation searches for primes, so
//! its time varies from key to key; divan's median over the samples is the
//! figure to read, and the samples are few because each takes long.

use kaapana_chart::{Engine, TemplateFile, Value};

fn main() {
    divan::main();
}

fn render(source: &str) -> String {
    let files = [TemplateFile::new("c/templates/k", source, "c/templates")];
    let mut out = Engine::new()
        .render_templates(&files, &Value::empty_map())
        .expect("key generation renders");
    out.remove("c/templates/k").unwrap_or_default()
}

#[divan::bench(args = ["rsa", "ecdsa", "ed25519", "dsa"], sample_count = 10, sample_size = 1)]
fn gen_private_key(algorithm: &str) -> String {
    render(&format!("{{{{ genPrivateKey \"{algorithm}\" }}}}"))
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn gen_ca() -> String {
    render(r#"{{ $ca := genCA "kaapana-ca" 365 }}{{ $ca.Cert }}"#)
}
