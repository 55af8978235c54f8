#pragma once

#include "net/core/error.h"
#include "net/core/registryendpoint.h"
#include "net/formats/manifest.h"
#include "net/transport/requestscheduler.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace Berth {

class RegistryAuthenticator;

struct CallOptions
{
    Priority priority = Priority::Visible;
    OwnerId owner = 0;
};

struct NamesPage
{
    QStringList names;
    QUrl next; //!< from Link rel="next"; empty at the end
};

struct ManifestHead
{
    QString digest;    //!< Docker-Content-Digest (may be empty if the registry omits it on HEAD)
    QString mediaType; //!< Content-Type
    qint64 size = -1;
};

struct FetchedManifest
{
    QByteArray bytes;  //!< exactly as served; retag PUTs these
    QString digest;    //!< verified: sha256 of bytes
    QString mediaType; //!< Content-Type (or the body's mediaType)
    Manifest manifest;
};

//! The OCI Distribution API for one registry, over the RequestScheduler. Each call ends with
//! exactly one callback on context (skipped if context died). Bodies are verified and capped;
//! error bodies become messages. No widgets, no models.
class RegistryClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryClient)
public:
    RegistryClient(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                   QObject *parent = nullptr);

    template<typename T>
    using Callback = std::function<void(Result<T>)>;

    const RegistryEndpoint &endpoint() const { return m_endpoint; }
    RequestScheduler *scheduler() const { return m_scheduler; }
    RegistryAuthenticator *authenticator() const { return m_auth; }
    //! Resolved base URL ("https://host" or "http://host" after ping for Scheme::Auto).
    QUrl baseUrl() const { return m_baseUrl; }
    //! The TLS settings of this registry (null = verify against the system store); other APIs
    //! of the same server (Harbor's) use them too.
    //! The TLS settings every request of this client uses; unset = Qt's defaults.
    const std::optional<QSslConfiguration> &sslConfiguration() const { return m_ssl; }

    //! When on, a ping refused with 401 while the client has no credentials at all counts as
    //! reachable: Harbor (like `docker login`) refuses an anonymous registry-wide token yet
    //! hands out pull tokens for public repositories. Off by default (detection relies on the
    //! 401 to learn that a registry requires a login).
    void setAcceptAnonymousRefusal(bool on) { m_acceptAnonymousRefusal = on; }

    //! GET /v2/: decides http vs https for Scheme::Auto on loopback, learns the auth scheme,
    //! checks credentials. Other calls ping first on their own when needed.
    void ping(QObject *context, Callback<void> done);

    //! One page of /v2/_catalog. next = the Link of the previous page, or empty for the first.
    //! A relative next ("/v2/_catalog?n=100&last=x") is resolved against baseUrl(), so pagers
    //! can start at a `last` of their own; a next on another server is refused.
    void catalogPage(int pageSize, const QUrl &next, const CallOptions &options, QObject *context,
                     Callback<NamesPage> done);
    //! One page of /v2/<repo>/tags/list (n, last, or next Link). A registry that ignores n
    //! returns everything; the body may then be large and is parsed off the GUI thread.
    void tagsPage(const QString &repository, int pageSize, const QUrl &next,
                  const CallOptions &options, QObject *context, Callback<NamesPage> done);

    void headManifest(const QString &repository, const QString &reference,
                      const CallOptions &options, QObject *context, Callback<ManifestHead> done);
    //! GET with the full Accept list. The body is verified against reference when it is a
    //! digest, else against Docker-Content-Digest when given, else its digest is computed.
    void getManifest(const QString &repository, const QString &reference,
                     const CallOptions &options, QObject *context, Callback<FetchedManifest> done);
    //! GET a blob (configs), verified against its digest, capped at maxBytes.
    void getBlob(const QString &repository, const QString &digest, qint64 maxBytes,
                 const CallOptions &options, QObject *context, Callback<QByteArray> done);

    //! PUT bytes as a manifest under reference (tag or digest); returns the registry's digest.
    void putManifest(const QString &repository, const QString &reference, const QByteArray &bytes,
                     const QString &mediaType, QObject *context, Callback<QString> done);
    //! DELETE /v2/<repo>/manifests/<digest>.
    void deleteManifest(const QString &repository, const QString &digest, QObject *context,
                        Callback<void> done);

    //! HEAD a blob: true when present.
    void blobExists(const QString &repository, const QString &digest, const CallOptions &options,
                    QObject *context, Callback<bool> done);
    //! Monolithic upload (POST then PUT ?digest=). The digest is computed here.
    void uploadBlob(const QString &repository, const QByteArray &bytes, const CallOptions &options,
                    QObject *context, Callback<QString> done);
    //! Cross-repository mount (POST ?mount=&from=). Result false when the registry started a
    //! normal upload instead (it did not have the blob); callers then upload.
    void mountBlob(const QString &repository, const QString &digest, const QString &fromRepository,
                   QObject *context, Callback<bool> done);

    //! Token scope strings.
    static QString pullScope(const QString &repository);
    static QString pushScope(const QString &repository);   //!< pull,push
    static QString deleteScope(const QString &repository); //!< pull,push,delete? -> "*"

private:
    QUrl url(const QString &path) const;
    RequestSpec makeSpec(const QByteArray &method, const QUrl &url, const QString &scope,
                         const CallOptions &options) const;
    void whenReady(QObject *context, std::function<void(Error)> next);
    void setUpAuthenticator(const QUrl &base);
    //! True while an Auto-scheme loopback endpoint has not yet been found to speak https.
    bool mayFallBackToHttp() const;
    //! Starts the /v2/ probe unless one is running; its end calls every waiter.
    void probe();
    void startPing(bool mayFallBack);
    void finishPing(const Error &error);
    QUrl resolveNext(const QUrl &next) const;
    QUrl uploadUrl(const Response &response) const;
    void listPage(const QUrl &firstUrl, const QUrl &next, int pageSize, const QString &key,
                  const QString &scope, const QString &what, const CallOptions &options,
                  QObject *context, Callback<NamesPage> done);

    RegistryEndpoint m_endpoint;
    RequestScheduler *m_scheduler;
    RegistryAuthenticator *m_auth;
    QUrl m_baseUrl;
    bool m_pinged = false;
    bool m_pinging = false;
    bool m_acceptAnonymousRefusal = false;
    QList<std::pair<QPointer<QObject>, std::function<void(Error)>>> m_pingWaiters;
    std::optional<QSslConfiguration> m_ssl; //!< unset = the default; see RequestSpec
    Error m_setupError;                     //!< e.g. an unreadable CA file, reported by ping()
};

//! Maps a finished response to an Error (transport, then status, with the registry's error
//! body as the message). None for 2xx.
Error errorFromResponse(const Response &response, const QString &what);

} // namespace Berth
