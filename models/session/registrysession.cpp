#include "models/session/registrysession.h"

#include "models/metadata/metadataservice.h"
#include "models/tags/tagoperations.h"

#include "net/backend/registrybackend.h"
#include "net/transport/requestscheduler.h"

using namespace Qt::StringLiterals;

namespace Berth {

RegistrySession::RegistrySession(const BackendInfo &info, RegistryBackend *backend,
                                 MetadataCache *cache, QObject *parent)
    : QObject(parent)
    , m_info(info)
    , m_backend(backend)
    , m_metadata(new MetadataService(backend, cache, this))
    , m_operations(new TagOperations(backend, this))
{
    m_backend->setParent(this);
    if (RequestScheduler *scheduler = m_backend->scheduler()) {
        connect(scheduler, &RequestScheduler::statsChanged, this,
                &RegistrySession::requestStatsChanged);
    }
}

RegistrySession::~RegistrySession()
{
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

} // namespace Berth
