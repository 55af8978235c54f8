#include "net/oci/registryclient.h"

#include "net/auth/authenticator.h"
#include "net/auth/credentialresolver.h"
#include "net/auth/dockerconfig.h"
#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/netlogging.h"
#include "net/formats/mediatypes.h"
#include "net/formats/registryerrorbody.h"
#include "net/transport/linkheader.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSslCertificate>
#include <QUrlQuery>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Listings (tags/list, _catalog) of a registry that ignores `n` arrive in one body: 100,000
// tags of typical length are ~3 MB, and long tags (128 characters) ~13 MB. 64 MiB leaves room
// for half a million long names while still refusing a runaway or hostile body.
constexpr qint64 MaxListingBytes = 64 * 1024 * 1024;
// Parsing a few hundred KB of JSON takes well under a millisecond-frame budget; bigger bodies
// (thousands of tags) go to the thread pool so the GUI thread never stalls on a listing.
constexpr qint64 OffThreadParseBytes = 256 * 1024;
// Response bodies of writes (PUT, POST, DELETE) are empty or a short error document.
constexpr qint64 MaxSmallBodyBytes = 64 * 1024;
// The https probe of Scheme::Auto should fail fast on a plain-http loopback registry; a
// handshake to loopback takes milliseconds, 10 s only covers a loaded CI machine.
constexpr int ProbeTimeoutMs = 10000;

QString mediaTypeOf(const Response &response)
{
    const QByteArray value = response.header("Content-Type");
    const qsizetype semicolon = value.indexOf(';');
    return QString::fromLatin1(semicolon < 0 ? value : value.left(semicolon)).trimmed();
}

QString computeDigestLike(QByteArrayView data, QStringView expected)
{
    if (expected.startsWith(u"sha512:")) {
        return u"sha512:"_s
               + QString::fromLatin1(
                       QCryptographicHash::hash(data, QCryptographicHash::Sha512).toHex());
    }
    return Digest::sha256(data);
}

bool isDigestReference(QStringView reference)
{
    return reference.contains(u':');
}

//! The names of a tags/list or _catalog document. Tolerates what real registries send: a null
//! list (a repository whose tags were all deleted), null entries (skipped) and non-tag strings
//! such as digests (kept: the registry lists them, the model decides what to show).
Result<QStringList> parseNameList(const QByteArray &body, const QString &key)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error(ErrorCode::BadResponse,
                     u"malformed JSON at offset %1: %2"_s.arg(parseError.offset)
                             .arg(parseError.errorString()));
    }
    if (!doc.isObject())
        return Error(ErrorCode::BadResponse, u"expected a JSON object"_s);
    const QJsonValue list = doc.object().value(key);
    if (list.isNull() || list.isUndefined())
        return QStringList();
    if (!list.isArray())
        return Error(ErrorCode::BadResponse, u"\"%1\" is not a list"_s.arg(key));
    const QJsonArray array = list.toArray();
    QStringList names;
    names.reserve(array.size());
    for (const QJsonValue &value : array) {
        if (value.isString())
            names.append(value.toString());
    }
    return names;
}

//! The relative URL of a listing's first page: path, with ?n=pageSize when a size is asked.
QUrl firstPageUrl(const QString &path, int pageSize)
{
    QUrl first;
    first.setPath(path);
    if (pageSize > 0) {
        QUrlQuery query;
        query.addQueryItem(u"n"_s, QString::number(pageSize));
        first.setQuery(query);
    }
    return first;
}

//! Refuses a call before it reaches the network, reported from the event loop like every other
//! outcome (callers may rely on the callback never running inside the call).
template<typename T>
void failLater(QObject *context, const RegistryClient::Callback<T> &done, const Error &error)
{
    QMetaObject::invokeMethod(
            context, [done, error] { done(error); }, Qt::QueuedConnection);
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host() == b.host() && a.port() == b.port();
}

} // namespace

RegistryClient::RegistryClient(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                               QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_scheduler(scheduler)
    , m_auth(nullptr)
    , m_baseUrl(endpoint.baseUrl())
{
    if (m_endpoint.scheme == RegistryEndpoint::Scheme::Http) {
        m_baseUrl.setScheme(u"http"_s);
    } else {
        m_baseUrl.setScheme(u"https"_s);
    }

    // Only touch the TLS configuration when the user asked for something; a null configuration
    // means "the default: verify peers against the system store".
    if (m_endpoint.insecureSkipTlsVerify || !m_endpoint.caCertificateFile.isEmpty()) {
        m_ssl = QSslConfiguration::defaultConfiguration();
        if (m_endpoint.insecureSkipTlsVerify) {
            // The user opted in explicitly for this registry (self-signed lab registries).
            m_ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        }
        if (!m_endpoint.caCertificateFile.isEmpty()) {
            const QList<QSslCertificate> cas
                    = QSslCertificate::fromPath(m_endpoint.caCertificateFile, QSsl::Pem);
            if (cas.isEmpty()) {
                m_setupError
                        = Error(ErrorCode::Tls, u"no PEM certificate could be read from %1"_s.arg(
                                                        m_endpoint.caCertificateFile));
            } else {
                m_ssl->addCaCertificates(cas);
            }
        }
    }
    setUpAuthenticator(m_baseUrl);
}

void RegistryClient::setUpAuthenticator(const QUrl &base)
{
    if (m_auth)
        m_auth->deleteLater();
    m_auth = new RegistryAuthenticator(m_scheduler->networkAccessManager(), base, this);
    if (m_ssl)
        m_auth->setSslConfiguration(*m_ssl);

    switch (m_endpoint.credentialSource) {
    case RegistryEndpoint::CredentialSource::None:
        break;
    case RegistryEndpoint::CredentialSource::Explicit:
        m_auth->setCredentials(m_endpoint.credentials);
        break;
    case RegistryEndpoint::CredentialSource::DockerConfig: {
        const QString host = m_endpoint.host;
        // Runs only when a challenge needs credentials: credential helpers may prompt or be slow.
        m_auth->setCredentialResolver(
                [host](QObject *context, std::function<void(Result<Credentials>)> done) {
                    resolveDockerConfigCredentials(host, context, std::move(done));
                });
        break;
    }
    }
}

QString RegistryClient::pullScope(const QString &repository)
{
    return u"repository:%1:pull"_s.arg(repository);
}

QString RegistryClient::pushScope(const QString &repository)
{
    return u"repository:%1:pull,push"_s.arg(repository);
}

QString RegistryClient::deleteScope(const QString &repository)
{
    // Distribution maps DELETE to the "delete" action; Harbor accepts it too. Asking for pull and
    // push as well lets one token serve the untag sequence (PUT, then DELETE).
    return u"repository:%1:pull,push,delete"_s.arg(repository);
}

QUrl RegistryClient::url(const QString &path) const
{
    QUrl result = m_baseUrl;
    result.setPath(path);
    return result;
}

RequestSpec RegistryClient::makeSpec(const QByteArray &method, const QUrl &requestUrl,
                                     const QString &scope, const CallOptions &options) const
{
    RequestSpec spec;
    spec.method = method;
    spec.url = requestUrl;
    spec.priority = options.priority;
    spec.owner = options.owner;
    spec.authScope = scope;
    spec.authenticator = m_auth;
    spec.sslConfiguration = m_ssl;
    return spec;
}

void RegistryClient::ping(QObject *context, Callback<void> done)
{
    m_pingWaiters.append({QPointer<QObject>(context), [done](Error error) {
                              if (error.isError())
                                  done(std::move(error));
                              else
                                  done(Result<void>());
                          }});
    probe();
}

bool RegistryClient::mayFallBackToHttp() const
{
    return m_endpoint.scheme == RegistryEndpoint::Scheme::Auto && m_endpoint.isLoopback()
           && m_baseUrl.scheme() == u"https";
}

void RegistryClient::probe()
{
    if (m_pinging)
        return;
    m_pinging = true;
    if (m_setupError.isError()) {
        // Reported from the event loop like every other outcome.
        QMetaObject::invokeMethod(
                this, [this] { finishPing(m_setupError); }, Qt::QueuedConnection);
        return;
    }
    startPing(mayFallBackToHttp());
}

void RegistryClient::startPing(bool mayFallBack)
{
    CallOptions options;
    options.priority = Priority::Interactive;
    RequestSpec spec = makeSpec("GET", url(u"/v2/"_s), QString(), options);
    if (mayFallBack) {
        // A TLS failure against a plain-http server is not transient: no retries while probing.
        spec.idempotent = false;
        spec.timeoutMs = ProbeTimeoutMs;
    }
    spec.maxBodyBytes = MaxSmallBodyBytes;
    m_scheduler->submit(spec, this, [this, mayFallBack](const Response &response) {
        const bool transportFailure = response.status == 0
                                      && (response.error.code == ErrorCode::Tls
                                          || response.error.code == ErrorCode::Network
                                          || response.error.code == ErrorCode::Timeout);
        if (mayFallBack && transportFailure) {
            qCInfo(lcNet) << "https to" << m_endpoint.host << "failed, trying http (loopback)";
            m_baseUrl.setScheme(u"http"_s);
            setUpAuthenticator(m_baseUrl);
            startPing(false);
            return;
        }
        const QString what = u"Connecting to %1"_s.arg(m_endpoint.host);
        if (response.status == 404) {
            finishPing(Error(ErrorCode::NotFound,
                             what
                                     + u": no registry API at %1/v2/"_s.arg(
                                             m_baseUrl.toString(QUrl::RemoveUserInfo)),
                             404));
            return;
        }
        Error error = errorFromResponse(response, what);
        if (m_acceptAnonymousRefusal && error.code == ErrorCode::Unauthorized && m_auth
            && m_auth->isKnownAnonymous()) {
            // Without credentials a registry may refuse a registry-wide token (Harbor, like
            // `docker login`), yet still hand out pull tokens for public repositories: the
            // server is reachable, and each call asks for its own scope.
            error = {};
        }
        if (!error.isError())
            m_pinged = true;
        finishPing(error);
    });
}

void RegistryClient::finishPing(const Error &error)
{
    m_pinging = false;
    const auto waiters = std::exchange(m_pingWaiters, {});
    for (const auto &[context, next] : waiters) {
        if (context)
            next(error);
    }
}

void RegistryClient::whenReady(QObject *context, std::function<void(Error)> next)
{
    if (!mayFallBackToHttp() && !m_setupError.isError()) {
        // The ping only has to come first when it decides the scheme (https, else http on
        // loopback). Otherwise the call itself finds out whatever the ping would (a 401 brings
        // its challenge, and the authenticator answers it), so it goes out at once: one round
        // trip less before the first answer. ping() and connectToRegistry() still probe.
        next(Error());
        return;
    }
    if (m_pinged) {
        next(Error());
        return;
    }
    m_pingWaiters.append({QPointer<QObject>(context), std::move(next)});
    probe();
}

QUrl RegistryClient::resolveNext(const QUrl &next) const
{
    return next.isRelative() ? m_baseUrl.resolved(next) : next;
}

void RegistryClient::listPage(const QUrl &firstUrl, const QUrl &next, int pageSize,
                              const QString &key, const QString &scope, const QString &what,
                              const CallOptions &options, QObject *context,
                              Callback<NamesPage> done)
{
    QPointer<QObject> guard(context);
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        // Resolved only now: the ping may just have switched the scheme.
        QUrl requestUrl = resolveNext(firstUrl);
        if (!next.isEmpty()) {
            requestUrl = resolveNext(next);
            if (!sameOrigin(requestUrl, m_baseUrl)) {
                done(Error(ErrorCode::BadResponse,
                           what + u": the next-page link points to another server"_s));
                return;
            }
        }
        RequestSpec spec = makeSpec("GET", requestUrl, scope, options);
        spec.maxBodyBytes = MaxListingBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            const QUrl linkNext = nextLink(response.header("Link"), response.url);
            const auto deliver = [=](Result<QStringList> names) {
                if (!names.ok()) {
                    Error error = names.error();
                    error.message = what + u": "_s + error.message;
                    done(error);
                    return;
                }
                NamesPage page;
                page.names = std::move(names).value();
                QUrl nextUrl = linkNext;
                if (nextUrl.isEmpty() && pageSize > 0 && page.names.size() == pageSize) {
                    // A full page without a Link: the server may page by `last` only. The pager
                    // notices a server that ignores `last` (it returns names already seen).
                    nextUrl = requestUrl;
                    QUrlQuery query;
                    query.addQueryItem(u"n"_s, QString::number(pageSize));
                    query.addQueryItem(u"last"_s, page.names.constLast());
                    nextUrl.setQuery(query);
                }
                page.next = nextUrl;
                done(page);
            };
            if (response.body.size() > OffThreadParseBytes) {
                // Value arguments only: the worker never touches `this` or the response.
                QtConcurrent::run(&parseNameList, response.body, key)
                        .then(guard.data(),
                              [deliver](Result<QStringList> names) { deliver(std::move(names)); });
            } else {
                deliver(parseNameList(response.body, key));
            }
        });
    });
}

void RegistryClient::catalogPage(int pageSize, const QUrl &next, const CallOptions &options,
                                 QObject *context, Callback<NamesPage> done)
{
    listPage(firstPageUrl(u"/v2/_catalog"_s, pageSize), next, pageSize, u"repositories"_s,
             u"registry:catalog:*"_s, u"Listing repositories"_s, options, context, std::move(done));
}

void RegistryClient::tagsPage(const QString &repository, int pageSize, const QUrl &next,
                              const CallOptions &options, QObject *context,
                              Callback<NamesPage> done)
{
    listPage(firstPageUrl(u"/v2/%1/tags/list"_s.arg(repository), pageSize), next, pageSize,
             u"tags"_s, pullScope(repository), u"Listing tags of %1"_s.arg(repository), options,
             context, std::move(done));
}

void RegistryClient::headManifest(const QString &repository, const QString &reference,
                                  const CallOptions &options, QObject *context,
                                  Callback<ManifestHead> done)
{
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        RequestSpec spec
                = makeSpec("HEAD", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                           pullScope(repository), options);
        spec.headers.append({"Accept"_ba, MediaType::manifestAcceptHeader()});
        spec.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            const QString what = u"Manifest %1:%2"_s.arg(repository, reference);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            ManifestHead head;
            const QString digest = QString::fromLatin1(response.header("Docker-Content-Digest"));
            if (Digest::isValid(digest))
                head.digest = digest;
            else if (isDigestReference(reference))
                head.digest = reference;
            head.mediaType = mediaTypeOf(response);
            bool ok = false;
            const qint64 length = response.header("Content-Length").toLongLong(&ok);
            head.size = ok ? length : -1;
            done(head);
        });
    });
}

void RegistryClient::getManifest(const QString &repository, const QString &reference,
                                 const CallOptions &options, QObject *context,
                                 Callback<FetchedManifest> done)
{
    if (isDigestReference(reference) && !Digest::isValid(reference)) {
        failLater(context, done,
                  Error(ErrorCode::InvalidInput, u"not a valid digest: %1"_s.arg(reference)));
        return;
    }
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        RequestSpec spec = makeSpec("GET", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                                    pullScope(repository), options);
        spec.headers.append({"Accept"_ba, MediaType::manifestAcceptHeader()});
        spec.maxBodyBytes = MaxManifestBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            const QString what = u"Manifest %1%2%3"_s.arg(
                    repository, isDigestReference(reference) ? u"@"_s : u":"_s, reference);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            // The digest to check: the one asked for, else what the registry claims, else none
            // (then the computed digest is the identity).
            QString expected;
            if (isDigestReference(reference)) {
                expected = reference;
            } else {
                const QString header
                        = QString::fromLatin1(response.header("Docker-Content-Digest"));
                if (Digest::isValid(header))
                    expected = header;
                else if (!header.isEmpty())
                    qCWarning(lcNet) << "ignoring malformed Docker-Content-Digest for" << what;
            }
            FetchedManifest fetched;
            if (!expected.isEmpty()) {
                if (!Digest::matches(response.body, expected)) {
                    done(Error(
                            ErrorCode::DigestMismatch,
                            u"%1: expected digest %2 but the body hashes to %3"_s.arg(
                                    what, expected, computeDigestLike(response.body, expected))));
                    return;
                }
                fetched.digest = expected;
            } else {
                fetched.digest = Digest::sha256(response.body);
            }
            const QString contentType = mediaTypeOf(response);
            Result<Manifest> parsed = parseManifest(response.body, contentType);
            if (!parsed.ok()) {
                Error error = parsed.error();
                error.message = what + u": "_s + error.message;
                done(error);
                return;
            }
            fetched.bytes = response.body;
            fetched.manifest = std::move(parsed).value();
            fetched.mediaType = fetched.manifest.mediaType.isEmpty() ? contentType
                                                                     : fetched.manifest.mediaType;
            done(fetched);
        });
    });
}

void RegistryClient::getBlob(const QString &repository, const QString &digest, qint64 maxBytes,
                             const CallOptions &options, QObject *context,
                             Callback<QByteArray> done)
{
    if (!Digest::isValid(digest)) {
        failLater(context, done,
                  Error(ErrorCode::InvalidInput, u"not a valid digest: %1"_s.arg(digest)));
        return;
    }
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        RequestSpec spec = makeSpec("GET", url(u"/v2/%1/blobs/%2"_s.arg(repository, digest)),
                                    pullScope(repository), options);
        spec.maxBodyBytes = maxBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            const QString what = u"Blob %1@%2"_s.arg(repository, digest);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            if (!Digest::matches(response.body, digest)) {
                done(Error(ErrorCode::DigestMismatch,
                           u"%1: expected digest %2 but the body hashes to %3"_s.arg(
                                   what, digest, computeDigestLike(response.body, digest))));
                return;
            }
            done(response.body);
        });
    });
}

void RegistryClient::putManifest(const QString &repository, const QString &reference,
                                 const QByteArray &bytes, const QString &mediaType,
                                 QObject *context, Callback<QString> done)
{
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        CallOptions options;
        options.priority = Priority::Interactive;
        RequestSpec spec = makeSpec("PUT", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                                    pushScope(repository), options);
        spec.headers.append({"Content-Type"_ba, mediaType.toUtf8()});
        spec.body = bytes;
        spec.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            const QString what = u"Storing manifest %1:%2"_s.arg(repository, reference);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            const QString header = QString::fromLatin1(response.header("Docker-Content-Digest"));
            done(Digest::isValid(header) ? header : Digest::sha256(bytes));
        });
    });
}

void RegistryClient::deleteManifest(const QString &repository, const QString &digest,
                                    QObject *context, Callback<void> done)
{
    if (!Digest::isValid(digest)) {
        failLater(context, done,
                  Error(ErrorCode::InvalidInput,
                        u"manifests are deleted by digest; not a digest: %1"_s.arg(digest)));
        return;
    }
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        CallOptions options;
        options.priority = Priority::Interactive;
        RequestSpec spec = makeSpec("DELETE", url(u"/v2/%1/manifests/%2"_s.arg(repository, digest)),
                                    deleteScope(repository), options);
        spec.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            const QString what = u"Deleting %1@%2"_s.arg(repository, digest);
            Error error = errorFromResponse(response, what);
            if (response.status == 405) {
                // Distribution answers 405 UNSUPPORTED unless storage.delete.enabled is set.
                error = Error(ErrorCode::Unsupported,
                              what
                                      + u": the registry does not allow deleting (Distribution "
                                        u"needs storage.delete.enabled)"_s,
                              405);
            }
            if (error.isError())
                done(error);
            else
                done(Result<void>());
        });
    });
}

void RegistryClient::blobExists(const QString &repository, const QString &digest,
                                const CallOptions &options, QObject *context, Callback<bool> done)
{
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        RequestSpec spec = makeSpec("HEAD", url(u"/v2/%1/blobs/%2"_s.arg(repository, digest)),
                                    pullScope(repository), options);
        spec.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(spec, context, [=](const Response &response) {
            if (response.status == 404) {
                done(false);
                return;
            }
            const QString what = u"Blob %1@%2"_s.arg(repository, digest);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            done(true);
        });
    });
}

QUrl RegistryClient::uploadUrl(const Response &response) const
{
    const QByteArray location = response.header("Location");
    if (location.isEmpty())
        return {};
    const QUrl target(QString::fromLatin1(location), QUrl::StrictMode);
    if (!target.isValid())
        return {};
    const QUrl base = response.url.isValid() ? response.url : m_baseUrl;
    return target.isRelative() ? base.resolved(target) : target;
}

void RegistryClient::uploadBlob(const QString &repository, const QByteArray &bytes,
                                const CallOptions &options, QObject *context,
                                Callback<QString> done)
{
    const QString digest = Digest::sha256(bytes);
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        const QString what = u"Uploading %1 to %2"_s.arg(Digest::shortForm(digest), repository);
        RequestSpec start = makeSpec("POST", url(u"/v2/%1/blobs/uploads/"_s.arg(repository)),
                                     pushScope(repository), options);
        start.idempotent = false; // each POST opens a new upload session
        start.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(start, context, [=, this](const Response &response) {
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            QUrl target = uploadUrl(response);
            if (response.status != 202 || target.isEmpty()) {
                done(Error(ErrorCode::BadResponse,
                           what + u": the registry did not open an upload session"_s,
                           response.status));
                return;
            }
            // The Location may carry its own query (Distribution's _state); keep it verbatim.
            QString query = target.query(QUrl::FullyEncoded);
            if (!query.isEmpty())
                query += u'&';
            query += u"digest="_s + QString::fromLatin1(QUrl::toPercentEncoding(digest));
            target.setQuery(query, QUrl::TolerantMode);
            RequestSpec put = makeSpec("PUT", target, pushScope(repository), options);
            put.idempotent = false; // the session is consumed by the first PUT
            put.headers.append({"Content-Type"_ba, "application/octet-stream"_ba});
            put.body = bytes;
            put.maxBodyBytes = MaxSmallBodyBytes;
            m_scheduler->submit(put, context, [=](const Response &putResponse) {
                if (const Error error = errorFromResponse(putResponse, what); error.isError()) {
                    done(error);
                    return;
                }
                const QString stored
                        = QString::fromLatin1(putResponse.header("Docker-Content-Digest"));
                if (Digest::isValid(stored) && stored != digest) {
                    done(Error(ErrorCode::DigestMismatch,
                               what + u": the registry stored %1"_s.arg(stored)));
                    return;
                }
                done(digest);
            });
        });
    });
}

void RegistryClient::mountBlob(const QString &repository, const QString &digest,
                               const QString &fromRepository, QObject *context, Callback<bool> done)
{
    whenReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            done(ready);
            return;
        }
        QUrl target = url(u"/v2/%1/blobs/uploads/"_s.arg(repository));
        QUrlQuery query;
        query.addQueryItem(u"mount"_s, digest);
        query.addQueryItem(u"from"_s, fromRepository);
        target.setQuery(query);
        CallOptions options;
        options.priority = Priority::Interactive;
        // Distribution checks pull on the source repository too (token auth: both scopes).
        RequestSpec spec = makeSpec(
                "POST", target, pushScope(repository) + u' ' + pullScope(fromRepository), options);
        spec.idempotent = false;
        spec.maxBodyBytes = MaxSmallBodyBytes;
        m_scheduler->submit(spec, context, [=, this](const Response &response) {
            const QString what = u"Mounting %1 from %2 into %3"_s.arg(Digest::shortForm(digest),
                                                                      fromRepository, repository);
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                done(error);
                return;
            }
            if (response.status == 201) {
                done(true);
                return;
            }
            // 202: the registry opened a plain upload session instead. Close it so it does not
            // linger until the registry's upload purge; the caller uploads with a fresh session.
            const QUrl session = uploadUrl(response);
            if (!session.isEmpty()) {
                RequestSpec cancelSpec
                        = makeSpec("DELETE", session, pushScope(repository), CallOptions());
                cancelSpec.maxBodyBytes = MaxSmallBodyBytes;
                m_scheduler->submit(cancelSpec, this, [](const Response &) {});
            }
            done(false);
        });
    });
}

} // namespace Berth
