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
    explicit RegistrySession(const RegistryEndpoint &endpoint, QObject *parent = nullptr);

    RegistryBackend *backend() const { return m_backend; }
    RequestScheduler *scheduler() const { return m_scheduler; }

private:
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    RegistryBackend *m_backend;
};

} // namespace Berth::Cli
