#include "registrysession.h"

#include "networkaccessmanager.h"
#include "ocibackend.h"
#include "requestscheduler.h"

namespace Berth::Cli {

RegistrySession::RegistrySession(const RegistryEndpoint &endpoint, QObject *parent)
    : QObject(parent)
    , m_nam(new NetworkAccessManager(this))
    , m_scheduler(new RequestScheduler(m_nam, this))
    , m_backend(new OciBackend(endpoint, m_scheduler, this))
{}

} // namespace Berth::Cli
