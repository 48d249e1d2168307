//! Transport: with `[backend] ca_file` set, the client trusts only the CA certificates in
//! that bundle. A real TLS server (`openssl s_server`, with a certificate for 127.0.0.1
//! signed by a test CA made here with the `openssl` command) is trusted through its own
//! CA's bundle, and refused through another CA's bundle and through the system's roots.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use motcua::api::client::{Client, ClientError, ClientOptions, ErrorClass};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl command (scripts/deps.sh --test installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA (`{name}.pem`, `{name}.key`) in `dir`.
fn ca(dir: &Path, name: &str) {
    let (pem, key) = (format!("{name}.pem"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            "/CN=motcua test CA",
        ],
    );
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server` on a free loopback port, with a certificate for 127.0.0.1 signed
/// by CA `good`; it answers HTTP with a status page (not JSON).
fn serve(dir: &Path) -> (Server, u16) {
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "srv.key",
            "-out",
            "srv.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "good.pem",
            "-CAkey",
            "good.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .current_dir(dir)
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "srv.pem",
            "-key",
            "srv.key",
            "-www",
            "-quiet",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "s_server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

fn call(port: u16, ca_file: Option<&Path>) -> ClientError {
    let mut opts = ClientOptions::new(format!("https://127.0.0.1:{port}"));
    opts.ca_file = ca_file.map(Path::to_path_buf);
    opts.timeout = Duration::from_secs(10);
    let client = Client::new(&opts).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(client.health())
        .expect_err("s_server answers a status page, not the health JSON")
}

#[test]
fn only_the_configured_ca_bundle_is_trusted() {
    let dir = tempfile::tempdir().unwrap();
    ca(dir.path(), "good");
    ca(dir.path(), "other");
    let (_server, port) = serve(dir.path());

    // Its own CA: the TLS handshake succeeds; the HTML page is a broken answer.
    let trusted = call(port, Some(&dir.path().join("good.pem")));
    assert_ne!(trusted.class(), ErrorClass::Offline, "{trusted}");

    // Another CA's bundle, and the system's roots: the handshake is refused.
    for ca_file in [Some(dir.path().join("other.pem")), None] {
        let refused = call(port, ca_file.as_deref());
        assert_eq!(refused.class(), ErrorClass::Offline, "{refused}");
        assert!(
            refused.to_string().to_lowercase().contains("certif"),
            "the refusal names the certificate: {refused}"
        );
    }

    // A bundle that holds no certificate is a configuration error, not "trust all".
    std::fs::write(dir.path().join("empty.pem"), "").unwrap();
    let mut opts = ClientOptions::new(format!("https://127.0.0.1:{port}"));
    opts.ca_file = Some(dir.path().join("empty.pem"));
    assert!(matches!(Client::new(&opts), Err(ClientError::Config(_))));
    opts.ca_file = Some(dir.path().join("missing.pem"));
    assert!(matches!(Client::new(&opts), Err(ClientError::Config(_))));
}
