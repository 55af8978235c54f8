#pragma once

#include "registryendpoint.h"

#include <QObject>

namespace Berth {
class NetworkAccessManager;
class RequestScheduler;
class RegistryBackend;
} // namespace Berth

namespace Berth::Cli {

//! The network stack one command uses: one access manager, one scheduler, one backend.
class RegistrySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistrySession)
public:
    //! kind "harbor" talks to Harbor (its /v2/ API through /service/token for tags and inspect;
    //! the REST API for the rest); anything else is a plain registry.
    explicit RegistrySession(const RegistryEndpoint &endpoint, const QString &kind = QString(),
                             QObject *parent = nullptr);

    RegistryBackend *backend() const { return m_backend; }
    RequestScheduler *scheduler() const { return m_scheduler; }

private:
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    RegistryBackend *m_backend;
};

} // namespace Berth::Cli
