//! Object storage inputs: `s3://bucket/prefix/`, `gs://bucket/...`,
//! `az://container/...` and `file:///...`, through the `object_store`
//! crate. Listing happens while the scan is planned; each object is then
//! handed to the ordinary reading pipeline (sniffing, decompression,
//! ranges of large plain objects, accounting) as a [`Read`] fed by ranged
//! GETs with one block of read-ahead, so the engine's worker threads read
//! objects in parallel exactly as they read files.
//!
//! `object_store` is async: one small tokio runtime per scan (two threads,
//! created only when a scan names an object URL) runs the requests; the
//! worker threads block on them. Nothing here talks to any host but the
//! store's endpoint: without credentials, requests are sent unsigned
//! rather than probing instance-metadata services (docs/object-storage.md).

use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use globset::GlobSet;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjPath;
use object_store::{
    BackoffConfig, ClientOptions, ObjectMeta, ObjectStore, ObjectStoreExt, RetryConfig,
};
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::config::ScanConfig;

/// The URL schemes read as object storage.
pub const SCHEMES: &[&str] = &["s3", "gs", "az", "file"];

/// The largest ranged GET; the first read after a seek asks for less
/// ([`FIRST_BLOCK`]) and each next one twice as much, so planning a split
/// (which reads a few KiB at each boundary) does not fetch megabytes.
const MAX_BLOCK: u64 = 4 << 20;
const FIRST_BLOCK: u64 = 64 << 10;

/// Whether an input names object storage (`s3://...`) rather than a path.
pub fn is_object_url(s: &str) -> bool {
    s.split_once("://")
        .is_some_and(|(scheme, _)| SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()))
}

/// An object storage URL taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectUrl {
    pub(crate) scheme: String,
    /// The bucket or container (empty for `file://`).
    pub(crate) bucket: String,
    /// The key or key prefix, without a leading `/` (for `file://`: the
    /// absolute path without its leading `/`).
    pub(crate) key: String,
}

impl ObjectUrl {
    pub(crate) fn parse(url: &str) -> Result<ObjectUrl, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| format!("not an object storage URL: {url}"))?;
        let scheme = scheme.to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(format!("unsupported URL scheme {scheme}://"));
        }
        if scheme == "file" {
            // file:///abs/path (an empty host) or file://localhost/abs/path.
            let path = rest.strip_prefix("localhost").unwrap_or(rest);
            let Some(path) = path.strip_prefix('/') else {
                return Err(format!("a file:// URL needs an absolute path: {url}"));
            };
            return Ok(ObjectUrl {
                scheme,
                bucket: String::new(),
                key: path.to_string(),
            });
        }
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(format!("no bucket in {url}"));
        }
        Ok(ObjectUrl {
            scheme,
            bucket: bucket.to_string(),
            key: key.trim_start_matches('/').to_string(),
        })
    }

    /// The URL of an object of this store, as findings and accounting name it.
    pub(crate) fn object_url(&self, location: &ObjPath) -> String {
        if self.scheme == "file" {
            format!("file:///{location}")
        } else {
            format!("{}://{}/{location}", self.scheme, self.bucket)
        }
    }
}

/// One store (a bucket) and the runtime its requests run on.
pub(crate) struct Client {
    rt: Arc<Runtime>,
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client({})", self.store)
    }
}

/// A listed object: read by [`ObjectReader`]s.
#[derive(Debug)]
pub(crate) struct Object {
    pub(crate) client: Arc<Client>,
    pub(crate) location: ObjPath,
    pub(crate) size: u64,
    pub(crate) etag: Option<String>,
}

impl Object {
    /// A reader of the object's bytes from `start` on.
    pub(crate) fn reader(self: &Arc<Self>, start: u64) -> ObjectReader {
        ObjectReader {
            object: self.clone(),
            pos: start.min(self.size),
            buf: Bytes::new(),
            next: None,
            block: FIRST_BLOCK,
        }
    }
}

/// The stores of one scan: one runtime, one client per bucket.
pub(crate) struct Stores {
    rt: Option<Arc<Runtime>>,
    clients: BTreeMap<(String, String), Arc<Client>>,
    endpoint_url: Option<String>,
}

impl Stores {
    pub(crate) fn new(config: &ScanConfig) -> Stores {
        Stores {
            rt: None,
            clients: BTreeMap::new(),
            endpoint_url: config.endpoint_url.clone(),
        }
    }

    fn client(&mut self, url: &ObjectUrl) -> Result<Arc<Client>, String> {
        let id = (url.scheme.clone(), url.bucket.clone());
        if let Some(c) = self.clients.get(&id) {
            return Ok(c.clone());
        }
        let rt = match &self.rt {
            Some(rt) => rt.clone(),
            None => {
                let rt = Arc::new(
                    tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .thread_name("borderscan-objects")
                        .enable_all()
                        .build()
                        .map_err(|e| format!("cannot start the object storage runtime: {e}"))?,
                );
                self.rt = Some(rt.clone());
                rt
            }
        };
        let store = build_store(url, self.endpoint_url.as_deref())?;
        let c = Arc::new(Client { rt, store });
        self.clients.insert(id, c.clone());
        Ok(c)
    }

    /// The objects a URL names, sorted by key: the object itself, or every
    /// object under it (a URL ending in `/`, a bucket, or a key that is no
    /// object but a prefix), filtered by the include/exclude globs as files
    /// found under a directory are. `Err` for the URL as a whole (no such
    /// bucket, permission denied, no such object or prefix).
    pub(crate) fn list(
        &mut self,
        url: &str,
        include: Option<&GlobSet>,
        exclude: Option<&GlobSet>,
    ) -> Result<Vec<(String, Arc<Object>)>, String> {
        let parsed = ObjectUrl::parse(url)?;
        let client = self.client(&parsed)?;
        let key = parsed.key.trim_end_matches('/');
        let prefix = if key.is_empty() {
            None
        } else {
            Some(ObjPath::parse(key).map_err(|e| format!("invalid object key: {e}"))?)
        };
        let store = client.store.clone();
        if !parsed.key.ends_with('/')
            && let Some(p) = &prefix
        {
            match client.rt.block_on(store.head(p)) {
                Ok(meta) => {
                    return Ok(vec![(
                        parsed.object_url(&meta.location),
                        object(&client, meta),
                    )]);
                }
                Err(object_store::Error::NotFound { .. }) => {}
                // A local directory: listed below.
                Err(_) if parsed.scheme == "file" => {}
                Err(e) => return Err(describe(&e)),
            }
        }
        let listed: Vec<ObjectMeta> = client
            .rt
            .block_on(store.list(prefix.as_ref()).try_collect())
            .map_err(|e| describe(&e))?;
        if listed.is_empty() && prefix.is_some() {
            return Err("no such object, and no object under it as a prefix".into());
        }
        let mut listed = listed;
        // Segment by segment, as a directory walk sorts names level by
        // level: `logs/x` before `logs.old/y`, though '.' < '/'.
        listed.sort_by(|a, b| (a.location.as_ref().split('/')).cmp(b.location.as_ref().split('/')));
        let base = prefix.as_ref().map_or(0, |p| p.as_ref().len() + 1);
        Ok(listed
            .into_iter()
            .filter(|m| {
                let full = m.location.as_ref();
                let rel = full.get(base..).unwrap_or(full);
                let name = m.location.filename().unwrap_or(rel);
                let (rel, name) = (std::path::Path::new(rel), std::path::Path::new(name));
                !(include.is_some_and(|g| !g.is_match(rel) && !g.is_match(name))
                    || exclude.is_some_and(|g| g.is_match(rel) || g.is_match(name)))
            })
            .map(|m| (parsed.object_url(&m.location), object(&client, m)))
            .collect())
    }
}

fn object(client: &Arc<Client>, meta: ObjectMeta) -> Arc<Object> {
    Arc::new(Object {
        client: client.clone(),
        location: meta.location,
        size: meta.size,
        etag: meta.e_tag,
    })
}

/// A storage error as the accounting names it: what happened, then the
/// store's own message.
pub(crate) fn describe(e: &object_store::Error) -> String {
    use object_store::Error as E;
    match e {
        E::NotFound { .. } => format!("no such object: {e}"),
        E::PermissionDenied { .. } => format!("permission denied: {e}"),
        E::Unauthenticated { .. } => format!("not authenticated: {e}"),
        _ => format!("storage error: {e}"),
    }
}

/// A bounded retry: a dropped connection or a 5xx is tried again twice,
/// within 20 s, and then is a named failure of that object.
fn retry() -> RetryConfig {
    RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            base: 2.0,
        },
        max_retries: 2,
        retry_timeout: Duration::from_secs(20),
    }
}

fn client_options(allow_http: bool) -> ClientOptions {
    ClientOptions::new()
        .with_allow_http(allow_http)
        .with_connect_timeout(Duration::from_secs(10))
        .with_timeout(Duration::from_secs(120))
}

/// Whether a `http://` endpoint is on this machine (plain HTTP is allowed
/// there without asking: a local MinIO, a test server).
fn loopback(endpoint: &str) -> bool {
    let Some(rest) = endpoint.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_true(name: &str) -> bool {
    env(name).is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
}

fn build_store(
    url: &ObjectUrl,
    endpoint_url: Option<&str>,
) -> Result<Arc<dyn ObjectStore>, String> {
    // reqwest is built without a TLS provider of its own (the default one
    // is aws-lc-rs, a cmake build): use ring's, once per process. rustls
    // marks it deprecated only because ring has no post-quantum key
    // exchange; classical TLS 1.2/1.3 is what S3, GCS and Azure serve.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let err = |e: object_store::Error| format!("cannot configure {}://: {e}", url.scheme);
    Ok(match url.scheme.as_str() {
        "s3" => Arc::new(
            s3_builder(&url.bucket, endpoint_url)?
                .build()
                .map_err(err)?,
        ),
        "gs" => {
            let mut b = GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&url.bucket)
                .with_retry(retry())
                .with_client_options(client_options(false));
            if !gcp_credentials() {
                b = b.with_skip_signature(true);
            }
            Arc::new(b.build().map_err(err)?)
        }
        "az" => {
            let mut b = MicrosoftAzureBuilder::from_env()
                .with_container_name(&url.bucket)
                .with_retry(retry())
                .with_client_options(client_options(false));
            if !azure_credentials() {
                b = b.with_skip_signature(true);
            }
            Arc::new(b.build().map_err(err)?)
        }
        "file" => Arc::new(LocalFileSystem::new()),
        other => return Err(format!("unsupported URL scheme {other}://")),
    })
}

/// Credentials of Google Cloud given in the environment or gcloud's
/// application-default file (else requests go unsigned: a public bucket).
fn gcp_credentials() -> bool {
    [
        "GOOGLE_SERVICE_ACCOUNT",
        "GOOGLE_SERVICE_ACCOUNT_PATH",
        "GOOGLE_SERVICE_ACCOUNT_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ]
    .iter()
    .any(|k| env(k).is_some())
        || home().is_some_and(|h| {
            h.join(".config/gcloud/application_default_credentials.json")
                .is_file()
        })
}

fn azure_credentials() -> bool {
    [
        "AZURE_STORAGE_ACCOUNT_KEY",
        "AZURE_STORAGE_ACCESS_KEY",
        "AZURE_STORAGE_SAS_KEY",
        "AZURE_STORAGE_TOKEN",
        "AZURE_CLIENT_SECRET",
        "AZURE_STORAGE_CLIENT_SECRET",
    ]
    .iter()
    .any(|k| env(k).is_some())
        || env_true("AZURE_STORAGE_USE_EMULATOR")
        || env_true("AZURE_USE_AZURE_CLI")
}

fn home() -> Option<std::path::PathBuf> {
    env("HOME").map(std::path::PathBuf::from)
}

/// S3: the standard environment (`AWS_*`, read by object_store), then the
/// shared files of the AWS CLI and SDKs for what the environment leaves
/// out (`AWS_PROFILE`, `~/.aws/credentials`, `~/.aws/config`, which
/// object_store does not read), then `--endpoint-url`.
fn s3_builder(bucket: &str, endpoint_url: Option<&str>) -> Result<AmazonS3Builder, String> {
    let mut b = AmazonS3Builder::from_env().with_bucket_name(bucket);
    let profile = env("AWS_PROFILE").unwrap_or_else(|| "default".into());
    let files = AwsProfile::load(&profile);
    let mut has_key = env("AWS_ACCESS_KEY_ID").is_some();
    if !has_key && let (Some(id), Some(secret)) = (&files.access_key_id, &files.secret_access_key) {
        b = b.with_access_key_id(id).with_secret_access_key(secret);
        if let Some(t) = &files.session_token {
            b = b.with_token(t);
        }
        has_key = true;
    }
    if env("AWS_REGION").is_none()
        && env("AWS_DEFAULT_REGION").is_none()
        && let Some(r) = &files.region
    {
        b = b.with_region(r);
    }
    let endpoint = endpoint_url
        .map(str::to_string)
        .or_else(|| env("AWS_ENDPOINT_URL"))
        .or_else(|| env("AWS_ENDPOINT"))
        .or(files.endpoint_url);
    let mut allow_http = env_true("AWS_ALLOW_HTTP");
    if let Some(e) = &endpoint {
        allow_http |= loopback(e);
        b = b.with_endpoint(e.trim_end_matches('/'));
    }
    if !has_key {
        // No credentials: unsigned requests (public buckets), rather than
        // object_store's fallback to the instance-metadata, container or
        // web-identity endpoints, which are hosts other than the store.
        b = b.with_skip_signature(true);
    }
    Ok(b.with_retry(retry())
        .with_client_options(client_options(allow_http)))
}

/// What the AWS shared files say for one profile.
#[derive(Debug, Default, PartialEq, Eq)]
struct AwsProfile {
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    region: Option<String>,
    endpoint_url: Option<String>,
}

impl AwsProfile {
    fn load(profile: &str) -> AwsProfile {
        let read = |var: &str, default: &str| {
            env(var)
                .map(std::path::PathBuf::from)
                .or_else(|| home().map(|h| h.join(default)))
                .and_then(|p| std::fs::read_to_string(p).ok())
                .unwrap_or_default()
        };
        let creds = read("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
        let config = read("AWS_CONFIG_FILE", ".aws/config");
        AwsProfile::from_files(profile, &creds, &config)
    }

    /// The credentials file's section is `[name]`; the config file's is
    /// `[profile name]`, except `[default]`. The credentials file wins.
    fn from_files(profile: &str, creds: &str, config: &str) -> AwsProfile {
        let c = ini_section(creds, profile);
        let config_name = if profile == "default" {
            "default".to_string()
        } else {
            format!("profile {profile}")
        };
        let f = ini_section(config, &config_name);
        let get = |k: &str| c.get(k).or_else(|| f.get(k)).cloned();
        AwsProfile {
            access_key_id: get("aws_access_key_id"),
            secret_access_key: get("aws_secret_access_key"),
            session_token: get("aws_session_token"),
            region: get("region"),
            endpoint_url: get("endpoint_url"),
        }
    }
}

/// The `key = value` pairs of one `[section]` of an INI file (as the AWS
/// files are written; comments start with `#` or `;`).
fn ini_section(text: &str, section: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = name.trim() == section;
            continue;
        }
        if inside && let Some((k, v)) = line.split_once('=') {
            out.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    out
}

/// An object's bytes from a position on, read by ranged GETs: each block
/// twice the last (from [`FIRST_BLOCK`] up to [`MAX_BLOCK`]), the next one
/// requested while the current one is scanned.
pub(crate) struct ObjectReader {
    object: Arc<Object>,
    pos: u64,
    buf: Bytes,
    next: Option<(u64, JoinHandle<object_store::Result<Bytes>>)>,
    block: u64,
}

impl ObjectReader {
    fn fetch(&self, start: u64, len: u64) -> JoinHandle<object_store::Result<Bytes>> {
        let store = self.object.client.store.clone();
        let location = self.object.location.clone();
        self.object
            .client
            .rt
            .spawn(async move { store.get_range(&location, start..start + len).await })
    }

    /// Start fetching the block after the one at `at` (read-ahead).
    fn prefetch(&mut self, at: u64) {
        let size = self.object.size;
        if at < size {
            let len = self.block.min(size - at);
            self.next = Some((at, self.fetch(at, len)));
            self.block = (self.block * 2).min(MAX_BLOCK);
        }
    }

    fn drop_next(&mut self) {
        if let Some((_, h)) = self.next.take() {
            h.abort();
        }
    }
}

impl Drop for ObjectReader {
    fn drop(&mut self) {
        self.drop_next();
    }
}

impl Read for ObjectReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.buf.is_empty() {
            let size = self.object.size;
            if self.pos >= size || out.is_empty() {
                return Ok(0);
            }
            if self.next.as_ref().is_none_or(|(at, _)| *at != self.pos) {
                self.drop_next();
                self.prefetch(self.pos);
            }
            let (at, handle) = self.next.take().expect("requested above");
            let got = self
                .object
                .client
                .rt
                .block_on(handle)
                .map_err(|e| io::Error::other(format!("storage request failed: {e}")))?
                .map_err(|e| io::Error::other(describe(&e)))?;
            if got.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the object ended at byte {at}, before its listed size {size}"),
                ));
            }
            self.buf = got;
            self.prefetch(at + self.buf.len() as u64);
        }
        let n = out.len().min(self.buf.len());
        out[..n].copy_from_slice(&self.buf[..n]);
        let _ = self.buf.split_to(n);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for ObjectReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let size = self.object.size as i128;
        let target = match to {
            SeekFrom::Start(p) => p as i128,
            SeekFrom::End(d) => size + d as i128,
            SeekFrom::Current(d) => self.pos as i128 + d as i128,
        };
        if target < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before start",
            ));
        }
        let target = target as u64;
        if target != self.pos {
            // Within the current block: keep it.
            let ahead = target.wrapping_sub(self.pos);
            if target > self.pos && ahead < self.buf.len() as u64 {
                let _ = self.buf.split_to(ahead as usize);
            } else {
                self.buf = Bytes::new();
                self.drop_next();
                self.block = FIRST_BLOCK;
            }
            self.pos = target;
        }
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_object_url("s3://b/k"));
        assert!(is_object_url("GS://b"));
        assert!(!is_object_url("logs/s3:/x"));
        assert!(!is_object_url("http://example.com/x"));
        let u = ObjectUrl::parse("s3://bucket/logs/2026/").unwrap();
        assert_eq!(
            (u.bucket.as_str(), u.key.as_str()),
            ("bucket", "logs/2026/")
        );
        assert_eq!(ObjectUrl::parse("s3://bucket").unwrap().key, "");
        assert!(ObjectUrl::parse("s3:///key").is_err());
        let f = ObjectUrl::parse("file:///var/log/x.log").unwrap();
        assert_eq!((f.bucket.as_str(), f.key.as_str()), ("", "var/log/x.log"));
        assert!(ObjectUrl::parse("file://relative/x").is_err());
        assert_eq!(
            u.object_url(&ObjPath::from("logs/2026/a.log")),
            "s3://bucket/logs/2026/a.log"
        );
        assert_eq!(
            f.object_url(&ObjPath::from("var/log/x.log")),
            "file:///var/log/x.log"
        );
    }

    #[test]
    fn loopback_endpoints() {
        assert!(loopback("http://127.0.0.1:9000"));
        assert!(loopback("http://localhost:9000/"));
        assert!(loopback("http://[::1]:9000"));
        assert!(!loopback("http://10.0.0.5:9000"));
        assert!(!loopback("https://127.0.0.1:9000"));
        assert!(!loopback("http://localhost.example.com"));
    }

    #[test]
    fn aws_shared_files() {
        let creds = "[default]\naws_access_key_id = AK1\naws_secret_access_key=S1\n\
                     [ops]\n# comment\naws_access_key_id = AK2\naws_secret_access_key = S2\n\
                     aws_session_token = T2\n";
        let config = "[default]\nregion = eu-central-1\n[profile ops]\nregion = ap-northeast-1\n\
                      endpoint_url = http://127.0.0.1:9000\n[ops]\nregion = wrong\n";
        let d = AwsProfile::from_files("default", creds, config);
        assert_eq!(d.access_key_id.as_deref(), Some("AK1"));
        assert_eq!(d.secret_access_key.as_deref(), Some("S1"));
        assert_eq!(d.region.as_deref(), Some("eu-central-1"));
        let o = AwsProfile::from_files("ops", creds, config);
        assert_eq!(o.session_token.as_deref(), Some("T2"));
        assert_eq!(o.region.as_deref(), Some("ap-northeast-1"));
        assert_eq!(o.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(
            AwsProfile::from_files("none", creds, config),
            AwsProfile::default()
        );
    }

    /// Ranged reads with read-ahead and seeks give the object's bytes.
    #[test]
    fn reader_reads_and_seeks() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let p = dir.path().join("obj.bin");
        std::fs::write(&p, &data).unwrap();
        let url = format!("file://{}", p.display());
        let mut stores = Stores::new(&ScanConfig::default());
        let listed = stores.list(&url, None, None).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].0, url);
        let obj = &listed[0].1;
        assert_eq!(obj.size, data.len() as u64);
        let mut all = Vec::new();
        obj.reader(0).read_to_end(&mut all).unwrap();
        assert!(all == data);
        let mut r = obj.reader(1_000_000);
        let mut part = vec![0u8; 10];
        r.read_exact(&mut part).unwrap();
        assert_eq!(part, data[1_000_000..1_000_010]);
        r.seek(SeekFrom::Start(5)).unwrap();
        r.read_exact(&mut part).unwrap();
        assert_eq!(part, data[5..15]);
        r.seek(SeekFrom::Current(100)).unwrap();
        r.read_exact(&mut part).unwrap();
        assert_eq!(part, data[115..125]);
    }

    #[test]
    fn listing_is_sorted_filtered_and_errors_are_named() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b/2.log", "a/1.log", "a/z.txt", "c.log", "a.old/0.log"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x\n").unwrap();
        }
        let base = format!("file://{}", dir.path().display());
        let mut stores = Stores::new(&ScanConfig::default());
        let names = |v: Vec<(String, Arc<Object>)>| {
            v.into_iter()
                .map(|(u, _)| u[base.len()..].to_string())
                .collect::<Vec<_>>()
        };
        let all = stores.list(&format!("{base}/"), None, None).unwrap();
        assert_eq!(
            names(all),
            ["/a/1.log", "/a/z.txt", "/a.old/0.log", "/b/2.log", "/c.log"]
        );
        let dir_no_slash = stores.list(&format!("{base}/a"), None, None).unwrap();
        assert_eq!(names(dir_no_slash), ["/a/1.log", "/a/z.txt"]);
        let mut g = globset::GlobSetBuilder::new();
        g.add(globset::Glob::new("*.txt").unwrap());
        let ex = g.build().unwrap();
        let some = stores.list(&format!("{base}/"), None, Some(&ex)).unwrap();
        assert_eq!(
            names(some),
            ["/a/1.log", "/a.old/0.log", "/b/2.log", "/c.log"]
        );
        let missing = stores.list(&format!("{base}/nope.log"), None, None);
        assert!(missing.is_err(), "{missing:?}");
    }

    /// A tree read as `file://` objects scans as the same tree read as
    /// files: findings, ranges of a large plain file, compressed files and
    /// the accounting, whatever the thread count.
    #[test]
    fn objects_scan_like_files() {
        use crate::{Detectors, Input, ScanOptions, scan};
        use std::fmt::Write as _;
        use std::io::Write as _;
        let dir = tempfile::tempdir().unwrap();
        let mut big = String::new();
        for i in 0..20_000 {
            writeln!(
                big,
                "{{\"site\":\"CN-SZ-02\",\"email\":\"li.wei{i}@example.cn\",\"dest\":\"https://c.example.de/u\"}}"
            )
            .unwrap();
        }
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/big.jsonl"), &big).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&big.as_bytes()[..50_000]).unwrap();
        std::fs::write(dir.path().join("a/small.jsonl.gz"), gz.finish().unwrap()).unwrap();
        std::fs::write(dir.path().join("c.log"), "").unwrap();
        let det = Detectors::builtin().unwrap();
        let run = |input: Input, threads: usize| {
            let opts = ScanOptions::from(ScanConfig {
                threads,
                split_size: 256 * 1024,
                ..Default::default()
            });
            let out = scan(&[input], &det, &opts).unwrap();
            assert!(out.accounting.imbalances().is_empty());
            out
        };
        let root = dir.path().display().to_string();
        let files = run(Input::Path(dir.path().to_path_buf()), 2);
        for threads in [1, 3] {
            let objects = run(Input::Object(format!("file://{root}/")), threads);
            assert!(objects.accounting.per_file.iter().any(|p| p.ranges > 1));
            // Paths (also those inside reasons' locations) without the
            // root; fingerprints, made of the path, and ETags left out.
            let strip = |o: &crate::ScanOutput, prefix: &str| {
                let mut f = o.findings();
                for x in &mut f {
                    x.fingerprint.clear();
                }
                let mut per = o.accounting.per_file.clone();
                for p in &mut per {
                    p.etag = None;
                }
                format!("{f:?}\n{per:?}").replace(prefix, "")
            };
            let got = strip(&objects, &format!("file://{root}"));
            assert_eq!(got, strip(&files, &root));
        }
    }
}
