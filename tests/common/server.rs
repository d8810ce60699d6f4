//! A `gonghui serve` process on a free loopback port, and requests to it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A hostile article: markup in its text, title and source, a `javascript:` link.
pub const HOSTILE: &str = r#"{"id":"x1","title":"<b>标题</b><img src=x onerror=alert(3)>","source":"<i>报</i>","date":"2021-05-01","url":"javascript:alert(2)","body":"工会通知<script>alert(1)</script>请勿执行。"}"#;

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
    agent: ureq::Agent,
}

impl Server {
    /// Starts the server on `index`, with port 0 so that it picks a free port and announces it.
    pub fn start(index: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gonghui"))
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(index)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (address, announced) = mpsc::channel();
        // Reads the log as it comes, so that the server never blocks on a full pipe.
        let lines = Arc::clone(&log);
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some((_, at)) = line.split_once(" at http://") {
                    let _ = address.send(at.split('/').next().unwrap_or_default().to_string());
                }
                lines.lock().unwrap().push(line);
            }
        });
        let address = announced
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("no address announced: {:?}", log.lock().unwrap()));
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server {
            child,
            base: format!("http://{address}"),
            log,
            reader: Some(reader),
            agent,
        }
    }

    /// GETs `path` with `params` (encoded here): the status, the content type and the body.
    pub fn get(&self, path: &str, params: &[(&str, &str)]) -> (u16, String, String) {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (name, value) in params {
            request = request.query(*name, *value);
        }
        let response = request.call().unwrap();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let status = response.status().as_u16();
        (status, kind, response.into_body().read_to_string().unwrap())
    }

    /// GETs a JSON answer: the status and the document.
    pub fn json(&self, path: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let (status, kind, body) = self.get(path, params);
        assert_eq!(kind, "application/json", "{path} {params:?}: {body}");
        (status, serde_json::from_str(&body).unwrap())
    }

    /// The server's log so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Sends Ctrl-C's signal and waits for the server to stop: its exit status and whole log.
    pub fn interrupt(mut self) -> (ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                if let Some(reader) = self.reader.take() {
                    reader.join().unwrap();
                }
                return (status, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not stop on SIGINT"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
