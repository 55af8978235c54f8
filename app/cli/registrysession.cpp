#include "registrysession.h"

#include "harborbackend.h"
#include "networkaccessmanager.h"
#include "ocibackend.h"
#include "requestscheduler.h"

namespace Berth::Cli {

RegistrySession::RegistrySession(const RegistryEndpoint &endpoint, const QString &kind,
                                 QObject *parent)
    : QObject(parent)
    , m_nam(new NetworkAccessManager(this))
    , m_scheduler(new RequestScheduler(m_nam, this))
    , m_backend(nullptr)
{
    if (kind == u"harbor") {
        // tags and inspect use only Harbor's registry API (/v2/ with /service/token tokens),
        // which is the same in 1.x and 2.x; commands that use Harbor's own API (export's
        // extras) call connectToRegistry() first, which detects the generation.
        m_backend = new HarborBackend(endpoint, m_scheduler, this);
    } else {
        m_backend = new OciBackend(endpoint, m_scheduler, this);
    }
}

} // namespace Berth::Cli
