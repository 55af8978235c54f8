#include "net/harbor/harborapi.h"

#include "net/auth/credentialresolver.h"
#include "net/core/netlogging.h"
#include "net/harbor/harborauthenticator.h"
#include "net/transport/linkheader.h"

#include <QMetaObject>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// Listing bodies: 100 artifacts with labels and scan overviews are ~200 KB; 8 MiB leaves room
// for servers that ignore page_size while refusing a runaway body.
constexpr qint64 MaxListingBytes = 8 * 1024 * 1024;

QString encodeQuery(const QueryItems &items)
{
    QStringList parts;
    parts.reserve(items.size());
    for (const auto &[key, value] : items) {
        parts.append(QString::fromLatin1(QUrl::toPercentEncoding(key)) + u'='
                     + QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    return parts.join(u'&');
}

} // namespace

HarborApi::HarborApi(RegistryClient *client, HarborGeneration generation, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_generation(generation)
    , m_auth(new HarborAuthenticator(this))
{}

bool HarborApi::hasCredentials() const
{
    return m_auth->hasCredentials();
}

QString HarborApi::root() const
{
    return m_generation == HarborGeneration::V2 ? u"/api/v2.0"_s : u"/api"_s;
}

QString HarborApi::repositoryPath(const QString &repository) const
{
    const qsizetype slash = repository.indexOf(u'/');
    if (slash <= 0 || slash == repository.size() - 1)
        return {};
    if (m_generation == HarborGeneration::V1)
        return u"/repositories/"_s + repository;
    return u"/projects/%1/repositories/%2"_s.arg(
            repository.left(slash), harborRepositorySegment(repository.mid(slash + 1)));
}

void HarborApi::ensureReady(QObject *context, std::function<void(Error)> next)
{
    if (m_ready) {
        next(Error());
        return;
    }
    m_waiters.append({QPointer<QObject>(context), std::move(next)});
    if (m_preparing || !m_client)
        return;
    m_preparing = true;
    m_client->ping(this, [this](Result<void> pinged) {
        if (!pinged.ok()) {
            finishReady(pinged.error());
            return;
        }
        m_auth->setBaseUrl(m_client->baseUrl());
        const RegistryEndpoint &endpoint = m_client->endpoint();
        switch (endpoint.credentialSource) {
        case RegistryEndpoint::CredentialSource::None:
            finishReady(Error());
            return;
        case RegistryEndpoint::CredentialSource::Explicit:
            m_auth->setCredentials(endpoint.credentials);
            finishReady(Error());
            return;
        case RegistryEndpoint::CredentialSource::DockerConfig:
            resolveDockerConfigCredentials(endpoint.host, this,
                                           [this](Result<Credentials> credentials) {
                                               if (credentials.ok())
                                                   m_auth->setCredentials(*credentials);
                                               finishReady(Error());
                                           });
            return;
        }
    });
}

void HarborApi::finishReady(const Error &error)
{
    m_preparing = false;
    m_ready = !error.isError();
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto &[context, next] : waiters) {
        if (context)
            next(error);
    }
}

void HarborApi::send(const QByteArray &method, const QString &path, const QueryItems &query,
                     const QByteArray &jsonBody, const CallOptions &options, QObject *context,
                     Done done)
{
    QPointer<QObject> guard(context);
    ensureReady(context, [=, this](Error ready) {
        if (ready.isError()) {
            Response failed;
            failed.error = ready;
            done(failed);
            return;
        }
        if (!m_client)
            return;
        QUrl url = m_client->baseUrl();
        url.setPath(root() + path, QUrl::DecodedMode);
        if (!query.isEmpty())
            url.setQuery(encodeQuery(query), QUrl::StrictMode);
        RequestSpec spec;
        spec.method = method;
        spec.url = url;
        spec.priority = options.priority;
        spec.owner = options.owner;
        spec.authenticator = m_auth;
        spec.sslConfiguration = m_client->sslConfiguration();
        spec.maxBodyBytes = MaxListingBytes;
        spec.headers.append({"Accept"_ba, "application/json"_ba});
        // Writes are not repeated on a transient failure: a POST that reached Harbor before the
        // connection dropped would run twice (a copy, a tag).
        spec.idempotent = method == "GET" || method == "HEAD";
        if (!jsonBody.isEmpty() || method == "POST") {
            spec.body = jsonBody;
            spec.headers.append({"Content-Type"_ba, "application/json"_ba});
        }
        m_client->scheduler()->submit(spec, guard.data(), std::move(done));
    });
}

void HarborApi::getPage(const QString &path, const QueryItems &query, const QString &what,
                        const CallOptions &options, QObject *context, Callback<HarborPage> done)
{
    send("GET", path, query, {}, options, context, [what, done](const Response &response) {
        if (const Error error = harborError(response, what); error.isError()) {
            done(error);
            return;
        }
        HarborPage page;
        page.body = response.body;
        bool ok = false;
        const qint64 total = response.header("X-Total-Count").trimmed().toLongLong(&ok);
        page.total = ok ? total : -1;
        page.hasNext = !nextLink(response.header("Link"), response.url).isEmpty();
        done(page);
    });
}

void HarborApi::write(const QByteArray &method, const QString &path, const QueryItems &query,
                      const QByteArray &jsonBody, const QString &what, QObject *context,
                      Callback<void> done)
{
    CallOptions options;
    options.priority = Priority::Interactive;
    send(method, path, query, jsonBody, options, context, [what, done](const Response &response) {
        if (const Error error = harborError(response, what); error.isError()) {
            done(error);
            return;
        }
        done(Result<void>());
    });
}

} // namespace Berth
