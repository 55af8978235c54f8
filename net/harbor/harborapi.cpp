#include "net/harbor/harborapi.h"

#include "net/auth/credentialresolver.h"
#include "net/core/imagereference.h"
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
    // Names from a server go into paths only when they fit the grammar (no "..", no '%').
    if (slash <= 0 || slash == repository.size() - 1
        || !ImageReference::isValidRepositoryPath(repository))
        return {};
    if (m_generation == HarborGeneration::V1)
        return u"/repositories/"_s + repository;
    return u"/projects/%1/repositories/%2"_s.arg(
            repository.left(slash), harborRepositorySegment(repository.mid(slash + 1)));
}

ResultJob<void> *HarborApi::ensureReady()
{
    if (m_ready)
        return finishedJob<void>(Result<void>(), this);
    auto *task = new Task<void>(Priority::Interactive, this);
    if (!m_client) {
        task->fail(Error(ErrorCode::Cancelled, u"the registry session is closed"_s));
        return task;
    }
    if (!m_preparing || m_preparing->isFinished()) {
        auto *ready = new Task<void>(Priority::Interactive, this);
        m_preparing = ready;
        prepare(ready);
    }
    // Each caller its own job: cancelling it leaves the shared preparation to the others.
    task->follow(m_preparing.data(), [task](const Result<void> &ready) { task->finish(ready); });
    return task;
}

void HarborApi::prepare(Task<void> *ready)
{
    ready->await(m_client->ping(), [this, ready](const Result<void> &pinged) {
        if (!pinged.ok()) {
            ready->fail(pinged.error());
            return;
        }
        m_auth->setBaseUrl(m_client->baseUrl());
        const RegistryEndpoint &endpoint = m_client->endpoint();
        switch (endpoint.credentialSource) {
        case RegistryEndpoint::CredentialSource::None:
            break;
        case RegistryEndpoint::CredentialSource::Explicit:
            m_auth->setCredentials(endpoint.credentials);
            break;
        case RegistryEndpoint::CredentialSource::DockerConfig:
            resolveDockerConfigCredentials(endpoint.host, ready,
                                           [this, ready](Result<Credentials> credentials) {
                                               if (credentials.ok())
                                                   m_auth->setCredentials(*credentials);
                                               m_ready = true;
                                               ready->finish(Result<void>());
                                           });
            return;
        }
        m_ready = true;
        ready->finish(Result<void>());
    });
}

ResultJob<Response> *HarborApi::send(const QByteArray &method, const QString &path,
                                     const QueryItems &query, const QByteArray &jsonBody,
                                     Priority priority)
{
    auto *task = new Task<Response>(priority, this);
    task->await(ensureReady(), [=, this](const Result<void> &ready) {
        if (!ready.ok()) {
            task->fail(ready.error());
            return;
        }
        if (!m_client) {
            task->fail(Error(ErrorCode::Cancelled, u"the registry session is closed"_s));
            return;
        }
        QUrl url = m_client->baseUrl();
        url.setPath(root() + path, QUrl::DecodedMode);
        if (!query.isEmpty())
            url.setQuery(encodeQuery(query), QUrl::StrictMode);
        RequestSpec spec;
        spec.method = method;
        spec.url = url;
        spec.priority = task->priority();
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
        task->await(m_client->scheduler()->submit(spec),
                    [task](const Response &response) { task->finish(response); });
    });
    return task;
}

ResultJob<HarborPage> *HarborApi::getPage(const QString &path, const QueryItems &query,
                                          const QString &what, Priority priority)
{
    auto *task = new Task<HarborPage>(priority, this);
    task->await(
            send("GET", path, query, {}, priority), [task, what](const Result<Response> &response) {
                if (!response.ok()) {
                    task->fail(response.error());
                    return;
                }
                if (const Error error = harborError(*response, what); error.isError()) {
                    task->fail(error);
                    return;
                }
                HarborPage page;
                page.body = response->body;
                bool ok = false;
                const qint64 total = response->header("X-Total-Count").trimmed().toLongLong(&ok);
                page.total = ok ? total : -1;
                page.hasNext = !nextLink(response->header("Link"), response->url).isEmpty();
                task->finish(page);
            });
    return task;
}

ResultJob<void> *HarborApi::write(const QByteArray &method, const QString &path,
                                  const QueryItems &query, const QByteArray &jsonBody,
                                  const QString &what)
{
    auto *task = new Task<void>(Priority::Interactive, this);
    task->await(send(method, path, query, jsonBody, Priority::Interactive),
                [task, what](const Result<Response> &response) {
                    if (!response.ok()) {
                        task->fail(response.error());
                        return;
                    }
                    const Error error = harborError(*response, what);
                    task->finish(error.isError() ? Result<void>(error) : Result<void>());
                });
    return task;
}

} // namespace Berth
