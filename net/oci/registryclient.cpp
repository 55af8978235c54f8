#include "net/oci/registryclient.h"

#include "net/auth/authenticator.h"
#include "net/auth/credentialresolver.h"
#include "net/auth/dockerconfig.h"
#include "net/core/digest.h"
#include "net/core/imagereference.h"
#include "net/core/netlogging.h"
#include "net/core/servertext.h"
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

#include <limits>

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
                                     const QString &scope, Priority priority) const
{
    RequestSpec spec;
    spec.method = method;
    spec.url = requestUrl;
    spec.priority = priority;
    spec.authScope = scope;
    spec.authenticator = m_auth;
    spec.sslConfiguration = m_ssl;
    return spec;
}

ResultJob<void> *RegistryClient::ping()
{
    // Each caller gets its own job: cancelling it leaves the shared probe to the others.
    auto *task = new Task<void>(Priority::Interactive, this);
    task->follow(probe(), [task](const Result<void> &probed) { task->finish(probed); });
    return task;
}

bool RegistryClient::mayFallBackToHttp() const
{
    return m_endpoint.scheme == RegistryEndpoint::Scheme::Auto && m_endpoint.isLoopback()
           && m_baseUrl.scheme() == u"https";
}

ResultJob<void> *RegistryClient::probe()
{
    if (m_probe && !m_probe->isFinished())
        return m_probe;
    auto *probe = new Task<void>(Priority::Interactive, this);
    m_probe = probe;
    if (m_setupError.isError())
        probe->fail(m_setupError); // reported from the event loop like every other outcome
    else
        startProbe(probe, mayFallBackToHttp());
    return probe;
}

void RegistryClient::startProbe(Task<void> *probe, bool mayFallBack)
{
    RequestSpec spec = makeSpec("GET", url(u"/v2/"_s), QString(), Priority::Interactive);
    if (mayFallBack) {
        // A TLS failure against a plain-http server is not transient: no retries while probing.
        spec.idempotent = false;
        spec.timeoutMs = ProbeTimeoutMs;
    }
    spec.maxBodyBytes = MaxSmallBodyBytes;
    probe->await(m_scheduler->submit(spec), [this, probe, mayFallBack](const Response &response) {
        onProbeAnswered(probe, mayFallBack, response);
    });
}

void RegistryClient::onProbeAnswered(Task<void> *probe, bool mayFallBack, const Response &response)
{
    const bool transportFailure
            = response.status == 0
              && (response.error.code == ErrorCode::Tls || response.error.code == ErrorCode::Network
                  || response.error.code == ErrorCode::Timeout);
    if (mayFallBack && transportFailure) {
        qCInfo(lcNet) << "https to" << m_endpoint.host << "failed, trying http (loopback)";
        m_baseUrl.setScheme(u"http"_s);
        setUpAuthenticator(m_baseUrl);
        startProbe(probe, false);
        return;
    }
    const QString what = u"Connecting to %1"_s.arg(m_endpoint.host);
    if (response.status == 404) {
        probe->fail(Error(ErrorCode::NotFound,
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
    probe->finish(error.isError() ? Result<void>(error) : Result<void>());
}

template<typename T>
void RegistryClient::whenReady(Task<T> *task, std::function<void()> next)
{
    if ((!mayFallBackToHttp() && !m_setupError.isError()) || m_pinged) {
        // The ping only has to come first when it decides the scheme (https, else http on
        // loopback). Otherwise the call itself finds out whatever the ping would (a 401 brings
        // its challenge, and the authenticator answers it), so it goes out at once: one round
        // trip less before the first answer. ping() and connectToRegistry() still probe.
        next();
        return;
    }
    task->follow(probe(), [task, next = std::move(next)](const Result<void> &ready) {
        if (!ready.ok())
            task->fail(ready.error());
        else
            next();
    });
}

template<typename T>
ResultJob<T> *RegistryClient::call(Priority priority, std::function<RequestSpec()> spec,
                                   std::function<Result<T>(const Response &)> parse)
{
    auto *task = new Task<T>(priority, this);
    whenReady(task, [this, task, spec = std::move(spec), parse = std::move(parse)] {
        RequestSpec request = spec();
        request.priority = task->priority();
        task->await(m_scheduler->submit(std::move(request)),
                    [task, parse](const Response &response) { task->finish(parse(response)); });
    });
    return task;
}

QUrl RegistryClient::resolveNext(const QUrl &next) const
{
    return next.isRelative() ? m_baseUrl.resolved(next) : next;
}

ResultJob<NamesPage> *RegistryClient::listPage(const QUrl &firstUrl, const QUrl &next, int pageSize,
                                               const QString &key, const QString &scope,
                                               const QString &what, Priority priority)
{
    auto *task = new Task<NamesPage>(priority, this);
    whenReady(task, [=, this] {
        // Resolved only now: the ping may just have switched the scheme.
        QUrl requestUrl = resolveNext(firstUrl);
        if (!next.isEmpty()) {
            const QString listPath = requestUrl.path();
            requestUrl = resolveNext(next);
            if (!sameOrigin(requestUrl, m_baseUrl)) {
                task->fail(Error(ErrorCode::BadResponse,
                                 what + u": the next-page link points to another server"_s));
                return;
            }
            // Pages differ in their query only: a link elsewhere on the server (out of /v2/,
            // another repository) is server data steering our credentials, and refused.
            if (requestUrl.path() != listPath) {
                task->fail(
                        Error(ErrorCode::BadResponse,
                              what
                                      + u": the next-page link leaves %1 (refused): %2"_s.arg(
                                              listPath, ServerText::visible(requestUrl.path()))));
                return;
            }
        }
        RequestSpec spec = makeSpec("GET", requestUrl, scope, task->priority());
        spec.maxBodyBytes = MaxListingBytes;
        task->await(m_scheduler->submit(spec), [=](const Response &response) {
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                task->fail(error);
                return;
            }
            const QUrl linkNext = nextLink(response.header("Link"), response.url);
            const auto deliver = [=](Result<QStringList> names) {
                if (!names.ok()) {
                    Error error = names.error();
                    error.message = what + u": "_s + error.message;
                    task->fail(error);
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
                task->finish(page);
            };
            if (response.body.size() > OffThreadParseBytes) {
                // Value arguments only: the worker never touches `this` or the response. A task
                // that was cancelled meanwhile ignores the answer (finish() does nothing).
                QtConcurrent::run(&parseNameList, response.body, key)
                        .then(task,
                              [deliver](Result<QStringList> names) { deliver(std::move(names)); });
            } else {
                deliver(parseNameList(response.body, key));
            }
        });
    });
    return task;
}

ResultJob<NamesPage> *RegistryClient::catalogPage(int pageSize, const QUrl &next, Priority priority)
{
    return listPage(firstPageUrl(u"/v2/_catalog"_s, pageSize), next, pageSize, u"repositories"_s,
                    u"registry:catalog:*"_s, u"Listing repositories"_s, priority);
}

ResultJob<NamesPage> *RegistryClient::tagsPage(const QString &repository, int pageSize,
                                               const QUrl &next, Priority priority)
{
    if (const Error refused = ServerText::checkRepository(repository); refused.isError())
        return failedJob<NamesPage>(refused, this);
    return listPage(firstPageUrl(u"/v2/%1/tags/list"_s.arg(repository), pageSize), next, pageSize,
                    u"tags"_s, pullScope(repository), u"Listing tags of %1"_s.arg(repository),
                    priority);
}

ResultJob<ManifestHead> *RegistryClient::headManifest(const QString &repository,
                                                      const QString &reference, Priority priority)
{
    if (const Error refused = ServerText::checkNames(repository, reference); refused.isError())
        return failedJob<ManifestHead>(refused, this);
    const auto spec = [=, this] {
        RequestSpec head
                = makeSpec("HEAD", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                           pullScope(repository), priority);
        head.headers.append({"Accept"_ba, MediaType::manifestAcceptHeader()});
        head.maxBodyBytes = MaxSmallBodyBytes;
        return head;
    };
    const auto parse = [=](const Response &response) -> Result<ManifestHead> {
        const QString what = u"Manifest %1:%2"_s.arg(repository, reference);
        if (const Error error = errorFromResponse(response, what); error.isError())
            return error;
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
        return head;
    };
    return call<ManifestHead>(priority, spec, parse);
}

namespace {

//! A manifest response checked against the digest it must have and parsed.
Result<FetchedManifest> parseFetchedManifest(const Response &response, const QString &reference,
                                             const QString &what)
{
    if (const Error error = errorFromResponse(response, what); error.isError())
        return error;
    // The digest to check: the one asked for, else what the registry claims, else none (then
    // the computed digest is the identity).
    QString expected;
    if (isDigestReference(reference)) {
        expected = reference;
    } else {
        const QString header = QString::fromLatin1(response.header("Docker-Content-Digest"));
        if (Digest::isValid(header))
            expected = header;
        else if (!header.isEmpty())
            qCWarning(lcNet) << "ignoring malformed Docker-Content-Digest for" << what;
    }
    FetchedManifest fetched;
    if (!expected.isEmpty()) {
        if (!Digest::matches(response.body, expected)) {
            return Error(ErrorCode::DigestMismatch,
                         u"%1: expected digest %2 but the body hashes to %3"_s.arg(
                                 what, expected, computeDigestLike(response.body, expected)));
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
        return error;
    }
    fetched.bytes = response.body;
    fetched.manifest = std::move(parsed).value();
    fetched.mediaType
            = fetched.manifest.mediaType.isEmpty() ? contentType : fetched.manifest.mediaType;
    return fetched;
}

} // namespace

ResultJob<FetchedManifest> *RegistryClient::getManifest(const QString &repository,
                                                        const QString &reference, Priority priority,
                                                        bool followUp)
{
    // Also refuses a malformed digest (neither a tag nor a digest).
    if (const Error refused = ServerText::checkNames(repository, reference); refused.isError())
        return failedJob<FetchedManifest>(refused, this);
    const auto spec = [=, this] {
        RequestSpec get = makeSpec("GET", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                                   pullScope(repository), priority);
        get.headers.append({"Accept"_ba, MediaType::manifestAcceptHeader()});
        get.maxBodyBytes = MaxManifestBytes;
        get.followUp = followUp;
        return get;
    };
    const QString what = u"Manifest %1%2%3"_s.arg(
            repository, isDigestReference(reference) ? u"@"_s : u":"_s, reference);
    return call<FetchedManifest>(priority, spec, [reference, what](const Response &response) {
        return parseFetchedManifest(response, reference, what);
    });
}

int RegistryClient::transferDeadlineMs(qint64 bytes) const
{
    const qint64 base = m_scheduler->deadlineMs();
    if (base <= 0 || bytes <= 0)
        return int(base);
    return int(std::min<qint64>(base + bytes * 1000 / MinTransferBytesPerSecond,
                                std::numeric_limits<int>::max()));
}

ResultJob<QByteArray> *RegistryClient::getBlob(const QString &repository, const QString &digest,
                                               qint64 maxBytes, Priority priority,
                                               qint64 expectedBytes, bool followUp)
{
    if (const Error refused = ServerText::checkRepository(repository); refused.isError())
        return failedJob<QByteArray>(refused, this);
    if (!Digest::isValid(digest)) {
        return failedJob<QByteArray>(
                Error(ErrorCode::InvalidInput, u"not a valid digest: %1"_s.arg(digest)), this);
    }
    const auto spec = [=, this] {
        RequestSpec get = makeSpec("GET", url(u"/v2/%1/blobs/%2"_s.arg(repository, digest)),
                                   pullScope(repository), priority);
        get.maxBodyBytes = maxBytes;
        get.deadlineMs = transferDeadlineMs(expectedBytes);
        get.followUp = followUp;
        return get;
    };
    return call<QByteArray>(priority, spec, [=](const Response &response) -> Result<QByteArray> {
        const QString what = u"Blob %1@%2"_s.arg(repository, digest);
        if (const Error error = errorFromResponse(response, what); error.isError())
            return error;
        if (!Digest::matches(response.body, digest)) {
            return Error(ErrorCode::DigestMismatch,
                         u"%1: expected digest %2 but the body hashes to %3"_s.arg(
                                 what, digest, computeDigestLike(response.body, digest)));
        }
        return response.body;
    });
}

ResultJob<StreamedBlob> *RegistryClient::streamBlob(const QString &repository,
                                                    const QString &digest, BodySink *sink,
                                                    Priority priority, qint64 firstByte,
                                                    qint64 lastByte)
{
    if (const Error refused = ServerText::checkRepository(repository); refused.isError())
        return failedJob<StreamedBlob>(refused, this);
    if (!Digest::isValid(digest)) {
        return failedJob<StreamedBlob>(
                Error(ErrorCode::InvalidInput, u"not a valid digest: %1"_s.arg(digest)), this);
    }
    const QPointer<BodySink> target(sink);
    const auto spec = [=, this] {
        RequestSpec get = makeSpec("GET", url(u"/v2/%1/blobs/%2"_s.arg(repository, digest)),
                                   pullScope(repository), priority);
        get.bodySink = target;
        get.maxBodyBytes = MaxSmallBodyBytes; // error bodies only
        // Neither a deadline nor Qt's transfer timeout: a reader that pauses (a pager on
        // `berth cat`) holds the socket back, which Qt would take for a silent server. The
        // sink's owner watches for silence while the sink has room.
        get.deadlineMs = 0;
        get.timeoutMs = 0;
        if (firstByte > 0 || lastByte >= 0) {
            const QByteArray last = lastByte >= 0 ? QByteArray::number(lastByte) : QByteArray();
            get.headers.append({"Range"_ba, "bytes=" + QByteArray::number(firstByte) + '-' + last});
        }
        return get;
    };
    return call<StreamedBlob>(
            priority, spec, [=](const Response &response) -> Result<StreamedBlob> {
                const QString what = u"Blob %1@%2"_s.arg(repository, digest);
                if (const Error error = errorFromResponse(response, what); error.isError())
                    return error;
                return StreamedBlob{response.status == 206, response.streamedBytes};
            });
}

ResultJob<QString> *RegistryClient::putManifest(const QString &repository, const QString &reference,
                                                const QByteArray &bytes, const QString &mediaType)
{
    if (const Error refused = ServerText::checkNames(repository, reference); refused.isError())
        return failedJob<QString>(refused, this);
    const auto spec = [=, this] {
        RequestSpec put = makeSpec("PUT", url(u"/v2/%1/manifests/%2"_s.arg(repository, reference)),
                                   pushScope(repository), Priority::Interactive);
        put.headers.append({"Content-Type"_ba, mediaType.toUtf8()});
        put.body = bytes;
        put.maxBodyBytes = MaxSmallBodyBytes;
        return put;
    };
    return call<QString>(
            Priority::Interactive, spec, [=](const Response &response) -> Result<QString> {
                const QString what = u"Storing manifest %1:%2"_s.arg(repository, reference);
                if (const Error error = errorFromResponse(response, what); error.isError())
                    return error;
                const QString header
                        = QString::fromLatin1(response.header("Docker-Content-Digest"));
                return Digest::isValid(header) ? header : Digest::sha256(bytes);
            });
}

ResultJob<void> *RegistryClient::deleteManifest(const QString &repository, const QString &digest)
{
    if (const Error refused = ServerText::checkRepository(repository); refused.isError())
        return failedJob<void>(refused, this);
    if (!Digest::isValid(digest)) {
        return failedJob<void>(
                Error(ErrorCode::InvalidInput,
                      u"manifests are deleted by digest; not a digest: %1"_s.arg(digest)),
                this);
    }
    const auto spec = [=, this] {
        RequestSpec remove
                = makeSpec("DELETE", url(u"/v2/%1/manifests/%2"_s.arg(repository, digest)),
                           deleteScope(repository), Priority::Interactive);
        remove.maxBodyBytes = MaxSmallBodyBytes;
        return remove;
    };
    return call<void>(Priority::Interactive, spec, [=](const Response &response) -> Result<void> {
        const QString what = u"Deleting %1@%2"_s.arg(repository, digest);
        if (response.status == 405) {
            // Distribution answers 405 UNSUPPORTED unless storage.delete.enabled is set.
            return Error(ErrorCode::Unsupported,
                         what
                                 + u": the registry does not allow deleting (Distribution "
                                   u"needs storage.delete.enabled)"_s,
                         405);
        }
        if (const Error error = errorFromResponse(response, what); error.isError())
            return error;
        return {};
    });
}

ResultJob<bool> *RegistryClient::blobExists(const QString &repository, const QString &digest,
                                            Priority priority)
{
    if (const Error refused = ServerText::checkNames(repository, digest); refused.isError())
        return failedJob<bool>(refused, this);
    const auto spec = [=, this] {
        RequestSpec head = makeSpec("HEAD", url(u"/v2/%1/blobs/%2"_s.arg(repository, digest)),
                                    pullScope(repository), priority);
        head.maxBodyBytes = MaxSmallBodyBytes;
        return head;
    };
    return call<bool>(priority, spec, [=](const Response &response) -> Result<bool> {
        if (response.status == 404)
            return false;
        const QString what = u"Blob %1@%2"_s.arg(repository, digest);
        if (const Error error = errorFromResponse(response, what); error.isError())
            return error;
        return true;
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

ResultJob<QString> *RegistryClient::uploadBlob(const QString &repository, const QByteArray &bytes,
                                               Priority priority)
{
    if (const Error refused = ServerText::checkRepository(repository); refused.isError())
        return failedJob<QString>(refused, this);
    const QString digest = Digest::sha256(bytes);
    const QString what = u"Uploading %1 to %2"_s.arg(Digest::shortForm(digest), repository);
    auto *task = new Task<QString>(priority, this);
    whenReady(task, [=, this] {
        RequestSpec start = makeSpec("POST", url(u"/v2/%1/blobs/uploads/"_s.arg(repository)),
                                     pushScope(repository), task->priority());
        start.idempotent = false; // each POST opens a new upload session
        start.maxBodyBytes = MaxSmallBodyBytes;
        task->await(m_scheduler->submit(start), [=, this](const Response &response) {
            if (const Error error = errorFromResponse(response, what); error.isError()) {
                task->fail(error);
                return;
            }
            QUrl target = uploadUrl(response);
            if (response.status != 202 || target.isEmpty()) {
                task->fail(Error(ErrorCode::BadResponse,
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
            RequestSpec put = makeSpec("PUT", target, pushScope(repository), task->priority());
            put.idempotent = false; // the session is consumed by the first PUT
            put.headers.append({"Content-Type"_ba, "application/octet-stream"_ba});
            put.body = bytes;
            put.deadlineMs = transferDeadlineMs(bytes.size());
            put.maxBodyBytes = MaxSmallBodyBytes;
            task->await(m_scheduler->submit(put), [=](const Response &putResponse) {
                if (const Error error = errorFromResponse(putResponse, what); error.isError()) {
                    task->fail(error);
                    return;
                }
                const QString stored
                        = QString::fromLatin1(putResponse.header("Docker-Content-Digest"));
                if (Digest::isValid(stored) && stored != digest) {
                    task->fail(Error(ErrorCode::DigestMismatch,
                                     what + u": the registry stored %1"_s.arg(stored)));
                    return;
                }
                task->finish(digest);
            });
        });
    });
    return task;
}

ResultJob<bool> *RegistryClient::mountBlob(const QString &repository, const QString &digest,
                                           const QString &fromRepository)
{
    if (const Error refused = ServerText::checkNames(repository, digest); refused.isError())
        return failedJob<bool>(refused, this);
    if (const Error refused = ServerText::checkRepository(fromRepository); refused.isError())
        return failedJob<bool>(refused, this);
    const auto spec = [=, this] {
        QUrl target = url(u"/v2/%1/blobs/uploads/"_s.arg(repository));
        QUrlQuery query;
        query.addQueryItem(u"mount"_s, digest);
        query.addQueryItem(u"from"_s, fromRepository);
        target.setQuery(query);
        // Distribution checks pull on the source repository too (token auth: both scopes).
        RequestSpec mount
                = makeSpec("POST", target, pushScope(repository) + u' ' + pullScope(fromRepository),
                           Priority::Interactive);
        mount.idempotent = false;
        mount.maxBodyBytes = MaxSmallBodyBytes;
        return mount;
    };
    return call<bool>(
            Priority::Interactive, spec, [=, this](const Response &response) -> Result<bool> {
                const QString what = u"Mounting %1 from %2 into %3"_s.arg(
                        Digest::shortForm(digest), fromRepository, repository);
                if (const Error error = errorFromResponse(response, what); error.isError())
                    return error;
                if (response.status == 201)
                    return true;
                // 202: the registry opened a plain upload session instead. Close it so it does not
                // linger until the registry's upload purge; the caller uploads with a fresh
                // session. Nobody waits for that DELETE: the job ends on its own (and with the
                // scheduler).
                const QUrl session = uploadUrl(response);
                if (!session.isEmpty()) {
                    RequestSpec close = makeSpec("DELETE", session, pushScope(repository),
                                                 Priority::Background);
                    close.maxBodyBytes = MaxSmallBodyBytes;
                    m_scheduler->submit(close);
                }
                return false;
            });
}

} // namespace Berth
