#pragma once

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/core/registryendpoint.h"
#include "net/formats/manifest.h"
#include "net/transport/requestscheduler.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <optional>

namespace Berth {

class RegistryAuthenticator;

struct NamesPage
{
    QStringList names;
    QUrl next; //!< from Link rel="next"; empty at the end
};

//! The OCI Distribution API for one registry, over the RequestScheduler. Every call returns a
//! job (ResultJob) that finishes exactly once, from the event loop; cancel or re-prioritise it
//! through the job. Bodies are verified and capped; error bodies become messages. No widgets,
//! no models. Jobs are children of the client.
class RegistryClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryClient)
public:
    RegistryClient(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                   QObject *parent = nullptr);

    const RegistryEndpoint &endpoint() const { return m_endpoint; }
    RequestScheduler *scheduler() const { return m_scheduler; }
    RegistryAuthenticator *authenticator() const { return m_auth; }
    //! Resolved base URL ("https://host" or "http://host" after ping for Scheme::Auto).
    QUrl baseUrl() const { return m_baseUrl; }
    //! The TLS settings every request of this client uses (other APIs of the same server, such
    //! as Harbor's, use them too); unset = Qt's defaults (verify against the system store).
    const std::optional<QSslConfiguration> &sslConfiguration() const { return m_ssl; }

    //! When on, a ping refused with 401 while the client has no credentials at all counts as
    //! reachable: Harbor (like `docker login`) refuses an anonymous registry-wide token yet
    //! hands out pull tokens for public repositories. Off by default (detection relies on the
    //! 401 to learn that a registry requires a login).
    void setAcceptAnonymousRefusal(bool on) { m_acceptAnonymousRefusal = on; }

    //! GET /v2/: decides http vs https for Scheme::Auto on loopback, learns the auth scheme,
    //! checks credentials. One probe runs at a time; concurrent pings share it. Other calls ping
    //! first on their own when they need to.
    ResultJob<void> *ping();

    //! One page of /v2/_catalog. next = the Link of the previous page, or empty for the first.
    //! A relative next ("/v2/_catalog?n=100&last=x") is resolved against baseUrl(), so pagers
    //! can start at a `last` of their own; a next on another server is refused.
    ResultJob<NamesPage> *catalogPage(int pageSize, const QUrl &next, Priority priority);
    //! One page of /v2/<repo>/tags/list (n, last, or next Link). A registry that ignores n
    //! returns everything; the body may then be large and is parsed off the GUI thread.
    ResultJob<NamesPage> *tagsPage(const QString &repository, int pageSize, const QUrl &next,
                                   Priority priority);

    ResultJob<ManifestHead> *headManifest(const QString &repository, const QString &reference,
                                          Priority priority);
    //! GET with the full Accept list. The body is verified against reference when it is a
    //! digest, else against Docker-Content-Digest when given, else its digest is computed.
    //! followUp: see RequestSpec::followUp.
    ResultJob<FetchedManifest> *getManifest(const QString &repository, const QString &reference,
                                            Priority priority, bool followUp = false);
    //! GET a blob (configs), verified against its digest, capped at maxBytes. expectedBytes
    //! (the descriptor's size) gives a big blob the time it takes at MinTransferBytesPerSecond
    //! on top of the API deadline.
    ResultJob<QByteArray> *getBlob(const QString &repository, const QString &digest,
                                   qint64 maxBytes, Priority priority, qint64 expectedBytes = -1,
                                   bool followUp = false);

    //! GET a blob into sink as it arrives (a layer), for a reader on another thread; the body
    //! is not verified here (the reader hashes it as it passes). With firstByte > 0 or
    //! lastByte >= 0 a Range is asked for; a server that ignores it answers the whole blob
    //! (StreamedBlob::partial false). No deadline and no transfer timeout: the reader may pause
    //! the transfer for as long as it likes, so whoever owns the sink tells a silent server
    //! from a paused reader (listLayer(): no byte for 30 s while the sink had room).
    ResultJob<StreamedBlob> *streamBlob(const QString &repository, const QString &digest,
                                        BodySink *sink, Priority priority, qint64 firstByte = 0,
                                        qint64 lastByte = -1);

    //! PUT bytes as a manifest under reference (tag or digest); returns the registry's digest.
    ResultJob<QString> *putManifest(const QString &repository, const QString &reference,
                                    const QByteArray &bytes, const QString &mediaType);
    //! DELETE /v2/<repo>/manifests/<digest>.
    ResultJob<void> *deleteManifest(const QString &repository, const QString &digest);

    //! HEAD a blob: true when present.
    ResultJob<bool> *blobExists(const QString &repository, const QString &digest,
                                Priority priority);
    //! Monolithic upload (POST then PUT ?digest=). The digest is computed here.
    ResultJob<QString> *uploadBlob(const QString &repository, const QByteArray &bytes,
                                   Priority priority);
    //! Cross-repository mount (POST ?mount=&from=). Result false when the registry started a
    //! normal upload instead (it did not have the blob); callers then upload.
    ResultJob<bool> *mountBlob(const QString &repository, const QString &digest,
                               const QString &fromRepository);

    //! Blob transfers are not held to the API deadline alone but to a minimum rate: the
    //! deadline grows by the time their bytes take at this rate (a 512 MiB layer: 87 min more).
    static constexpr qint64 MinTransferBytesPerSecond = 100 * 1024;

    //! Token scope strings.
    static QString pullScope(const QString &repository);
    static QString pushScope(const QString &repository);   //!< pull,push
    static QString deleteScope(const QString &repository); //!< pull,push,delete

private:
    //! The deadline of a transfer of bytes: the scheduler's, plus bytes at the minimum rate.
    int transferDeadlineMs(qint64 bytes) const;
    QUrl url(const QString &path) const;
    RequestSpec makeSpec(const QByteArray &method, const QUrl &url, const QString &scope,
                         Priority priority) const;
    //! Runs next() on task once the client may send (at once unless the scheme is still
    //! undecided); a failed probe fails task instead.
    template<typename T>
    void whenReady(Task<T> *task, std::function<void()> next);
    //! One request, its response mapped by parse; spec is made once the client is ready.
    template<typename T>
    ResultJob<T> *call(Priority priority, std::function<RequestSpec()> spec,
                       std::function<Result<T>(const Response &)> parse);
    void setUpAuthenticator(const QUrl &base);
    //! True while an Auto-scheme loopback endpoint has not yet been found to speak https.
    bool mayFallBackToHttp() const;
    //! The /v2/ probe running now, or a new one.
    ResultJob<void> *probe();
    void startProbe(Task<void> *probe, bool mayFallBack);
    void onProbeAnswered(Task<void> *probe, bool mayFallBack, const Response &response);
    QUrl resolveNext(const QUrl &next) const;
    QUrl uploadUrl(const Response &response) const;
    ResultJob<NamesPage> *listPage(const QUrl &firstUrl, const QUrl &next, int pageSize,
                                   const QString &key, const QString &scope, const QString &what,
                                   Priority priority);

    RegistryEndpoint m_endpoint;
    RequestScheduler *m_scheduler;
    RegistryAuthenticator *m_auth;
    QUrl m_baseUrl;
    bool m_pinged = false;
    bool m_acceptAnonymousRefusal = false;
    QPointer<ResultJob<void>> m_probe;      //!< the /v2/ probe in flight, shared by its waiters
    std::optional<QSslConfiguration> m_ssl; //!< unset = the default; see RequestSpec
    Error m_setupError;                     //!< e.g. an unreadable CA file, reported by ping()
};

//! Maps a finished response to an Error (transport, then status, with the registry's error
//! body as the message). None for 2xx.
Error errorFromResponse(const Response &response, const QString &what);

} // namespace Berth
