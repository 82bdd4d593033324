//! Accepting connections: HTTP/1.1 and HTTP/2 on one port, each connection's address handed to
//! the router, headers read within a time limit, connections that say nothing closed, and a
//! graceful stop.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

/// How long requests already begun may take to finish once the process is told to stop.
const FINISHING: Duration = Duration::from_secs(30);

/// A connection's stream, noting when a byte last went either way.
struct Watched {
    inner: tokio::net::TcpStream,
    born: Instant,
    /// Milliseconds after `born` of the last byte read or written.
    last: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        self.last
            .store(self.born.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.touch();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Requests a connection is answering now; each counted until its answer is made (or it is
/// dropped), however it ends.
struct InFlight(Arc<AtomicU64>);

impl InFlight {
    fn start(count: &Arc<AtomicU64>) -> InFlight {
        count.fetch_add(1, Ordering::Relaxed);
        InFlight(count.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Resolves once `last` has not moved for `idle` while no request was being answered (a form
/// with files waiting for its turn to be read sends nothing meanwhile, and is not silence).
async fn silence(born: Instant, last: Arc<AtomicU64>, busy: Arc<AtomicU64>, idle: Duration) {
    loop {
        if busy.load(Ordering::Relaxed) > 0 {
            last.store(born.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
        let quiet_since = born + Duration::from_millis(last.load(Ordering::Relaxed));
        let quiet_for = quiet_since.elapsed();
        if quiet_for >= idle {
            return;
        }
        tokio::time::sleep(idle - quiet_for).await;
    }
}

/// Serves `router` on `listener` until `stop` completes. A connection that has not sent a whole
/// request's headers within `header_read_timeout` of starting it (or of its previous request)
/// is closed: a client that sends a byte now and then holds no connection for long. And a
/// connection on which nothing has gone either way for `idle_timeout` while it answered no
/// request (an HTTP/2 connection opened and left silent, which no header time limit covers) is
/// closed; a live-totals stream writes every 15 s.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%err, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        // Without TCP_NODELAY a response written in two parts (headers, then a streamed body:
        // every page, every file) waits for the client's delayed ACK, about 40 ms each.
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!(%err, "could not set TCP_NODELAY");
        }
        let router = router.clone();
        let busy = Arc::new(AtomicU64::new(0));
        let answering = busy.clone();
        let service = hyper::service::service_fn(move |request: http::Request<_>| {
            let mut request = request.map(axum::body::Body::new);
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            let in_flight = InFlight::start(&answering);
            let answer = router.clone().oneshot(request);
            async move {
                let answered = answer.await;
                drop(in_flight);
                answered
            }
        });
        let born = Instant::now();
        let last = Arc::new(AtomicU64::new(0));
        let watched = Watched {
            inner: tcp,
            born,
            last: last.clone(),
        };
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(watched), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => {
                    if let Err(err) = ended {
                        tracing::trace!(%err, "connection ended with an error");
                    }
                }
                () = silence(born, last, busy, idle_timeout) => {
                    tracing::debug!(%peer, "closed a connection that said nothing");
                }
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(FINISHING, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
    Ok(())
}
