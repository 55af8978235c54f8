#include "app/cli/registrysession.h"

#include "net/backend/registrybackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

RegistrySession::RegistrySession(const RegistryEndpoint &endpoint, const QString &kind,
                                 QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_kind(kind)
    , m_nam(new NetworkAccessManager(this))
    , m_scheduler(new RequestScheduler(m_nam, this))
{}

void RegistrySession::open(QObject *context, std::function<void(Result<void>)> done)
{
    auto deliver = [guard = QPointer<QObject>(context), done](Result<void> result) {
        if (guard)
            done(std::move(result));
    };
    if (!m_kind.isEmpty()) {
        m_info.kind = m_kind == u"harbor" ? BackendKind::Harbor : BackendKind::Registry;
        // The generation of a Harbor named by --kind is still detected, by connectToRegistry().
        m_backend = createBackend(m_endpoint, m_info.kind, m_scheduler, this);
        connectBackend(deliver);
        return;
    }
    // Anonymous probes, all at once: one round trip before the connect step.
    detectBackendKind(m_endpoint, m_scheduler, this, [this, deliver](Result<BackendInfo> info) {
        if (!info.ok()) {
            deliver(info.error());
            return;
        }
        m_info = *info;
        m_backend = createBackend(m_endpoint, m_info, m_scheduler, this);
        if (m_info.kind == BackendKind::Registry && !m_info.requiresAuthentication) {
            // The detection's anonymous /v2/ ping was answered 200: connecting would send the
            // same request again (credentials only ever go out after a challenge).
            deliver(Result<void>());
            return;
        }
        connectBackend(deliver);
    });
}

void RegistrySession::connectBackend(const std::function<void(Result<void>)> &done)
{
    m_backend->connectToRegistry(this, [this, done](Result<void> connected) {
        if (!connected.ok()) {
            // The session is of no use any more; commands end with this error.
            m_backend->deleteLater();
            m_backend = nullptr;
        }
        done(std::move(connected));
    });
}

} // namespace Berth::Cli
