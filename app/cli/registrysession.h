#pragma once

#include "net/backend/backendfactory.h"
#include "net/core/error.h"
#include "net/core/registryendpoint.h"

#include <QObject>

#include <functional>

namespace Berth {
class NetworkAccessManager;
class RequestScheduler;
class RegistryBackend;
} // namespace Berth

namespace Berth::Cli {

//! The network stack one command uses: one access manager, one scheduler, one backend. Every
//! command opens the session before its first registry call: open() makes the backend and
//! connects it, so the same checks run as in the GUI (a wrong password is an error at once,
//! Harbor's generation is known before any Harbor API path is built).
class RegistrySession final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistrySession)
public:
    //! kind "registry" or "harbor" skips detection; empty detects it (detectBackendKind()).
    explicit RegistrySession(const RegistryEndpoint &endpoint, const QString &kind = QString(),
                             QObject *parent = nullptr);

    //! Detects the kind unless given, creates the backend and runs connectToRegistry(). done
    //! runs once on context, from the event loop; backend() is set when it succeeded.
    void open(QObject *context, std::function<void(Result<void>)> done);

    //! Null until open() succeeded.
    RegistryBackend *backend() const { return m_backend; }
    RequestScheduler *scheduler() const { return m_scheduler; }
    //! What detection found, or the kind given (product and version only after detection).
    BackendInfo info() const { return m_info; }

private:
    void connectBackend(const std::function<void(Result<void>)> &done);

    RegistryEndpoint m_endpoint;
    QString m_kind;
    NetworkAccessManager *m_nam;
    RequestScheduler *m_scheduler;
    RegistryBackend *m_backend = nullptr;
    BackendInfo m_info;
};

} // namespace Berth::Cli
