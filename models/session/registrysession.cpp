#include "models/session/registrysession.h"

#include "models/metadata/metadataservice.h"
#include "models/modelslogging.h"
#include "models/session/reachability.h"
#include "models/session/reconnector.h"
#include "models/tags/tagoperations.h"

#include "net/backend/registrybackend.h"
#include "net/transport/requestscheduler.h"

using namespace Qt::StringLiterals;

namespace Berth {

RegistrySession::RegistrySession(const BackendInfo &info, RegistryBackend *backend,
                                 MetadataCache *cache, QObject *parent, Origin origin,
                                 const Error &why)
    : QObject(parent)
    , m_info(info)
    , m_backend(backend)
    , m_known(cache, backend->registryHost())
    , m_metadata(new MetadataService(backend, cache, this))
    , m_operations(new TagOperations(backend, m_known, this))
    , m_origin(origin)
    , m_reconnector(new Reconnector(this))
{
    m_backend->setParent(this);
    if (RequestScheduler *scheduler = m_backend->scheduler()) {
        connect(scheduler, &RequestScheduler::statsChanged, this,
                &RegistrySession::requestStatsChanged);
    }
    connect(m_reconnector, &Reconnector::attemptDue, this, &RegistrySession::probe);
    if (origin == Origin::CacheOnly)
        setOffline(why.isError() ? why : Error(ErrorCode::Network, tr("not reachable")));
}

RegistrySession::~RegistrySession()
{
    m_closing = true; // a probe cancelled below must not report into a session going away
    if (m_probe)
        m_probe->cancel();
    delete m_operations;
    delete m_metadata;
    delete m_backend;
}

QString RegistrySession::registryName() const
{
    const QString host = m_backend->registryHost();
    // What people type for Docker Hub (and what `docker pull` accepts).
    return host == u"registry-1.docker.io" ? u"docker.io"_s : host;
}

QString RegistrySession::productName() const
{
    const QString version = m_backend->serverVersion();
    if (!version.isEmpty())
        return version;
    return m_info.product.isEmpty() ? m_backend->kindName() : m_info.product;
}

int RegistrySession::cancelWaitingRequests(qint64 olderThanMs)
{
    RequestScheduler *scheduler = m_backend->scheduler();
    return scheduler ? scheduler->cancelWaiting(olderThanMs) : 0;
}

SchedulerStats RegistrySession::requestStats() const
{
    RequestScheduler *scheduler = m_backend->scheduler();
    return scheduler ? scheduler->stats() : SchedulerStats();
}

bool RegistrySession::reportError(const Error &error)
{
    if (!isUnreachable(error))
        return m_offline;
    if (m_offline) {
        m_offlineError = error; // the latest reason is the one to show
        m_reconnector->start(); // again, when a reopening found it gone once more
    } else {
        setOffline(error);
    }
    return m_offline;
}

void RegistrySession::reportReachable()
{
    // A cache-only session's backend was never connected: only SessionManager's reopening ends
    // its offline state (the probe says reachable, then a real session replaces it).
    if (m_offline && !isCacheOnly())
        setOnline();
}

void RegistrySession::retryNow()
{
    m_reconnector->retryNow();
}

void RegistrySession::setOffline(const Error &why)
{
    m_offline = true;
    m_offlineError = why;
    m_offlineSince = QDateTime::currentDateTimeUtc();
    qCInfo(lcModels).noquote() << registryName() << "is offline:" << why.toString();
    m_reconnector->start();
    Q_EMIT offlineChanged(true);
}

void RegistrySession::setOnline()
{
    if (!m_offline)
        return;
    m_offline = false;
    m_offlineError = {};
    m_offlineSince = {};
    if (m_probe)
        m_probe->cancel();
    m_reconnector->stop();
    qCInfo(lcModels).noquote() << registryName() << "is reachable again";
    Q_EMIT offlineChanged(false);
}

void RegistrySession::probe()
{
    // The same check opening made: reachability (and credentials) with one GET /v2/.
    m_probe = m_backend->connectToRegistry();
    m_probe->onFinished(this, [this](const Result<void> &connected) {
        m_probe = nullptr;
        if (m_closing || !m_offline)
            return;
        if (!connected.ok() && isUnreachable(connected.error())) {
            m_offlineError = connected.error();
            m_reconnector->attemptFailed();
            return;
        }
        // Answered, even with a refusal: the registry is there; a wrong password shows as the
        // error it is on the next request, not as "offline".
        if (isCacheOnly()) {
            // Stays offline: the views keep the cache until the real session takes over.
            m_reconnector->stop();
            Q_EMIT reachableAgain();
        } else {
            setOnline();
        }
    });
}

} // namespace Berth
