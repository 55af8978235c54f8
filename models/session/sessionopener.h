#pragma once

#include "net/backend/backendfactory.h"
#include "net/core/job.h"
#include "net/core/registryendpoint.h"

#include <QPointer>

#include <optional>

namespace Berth {

class MetadataCache;
class RegistryBackend;
class RegistrySession;
class RequestScheduler;

//! How a session is opened.
struct SessionOptions
{
    //! The kind of server when known (configured, --kind); nullopt = detect it.
    std::optional<BackendKind> kind;
    //! Detect even when the kind is given ("Test connection": the person learns what the
    //! server is). The backend is of the given kind all the same.
    bool alwaysDetect = false;
    //! Where the session's metadata is kept across runs; null = memory only (the command line).
    MetadataCache *cache = nullptr;
};

//! The one way a registry session is opened, by the window, the command line and the
//! benchmarks alike:
//!   1. detect the kind of server (detectBackendKind(): anonymous probes, one round trip),
//!      unless it is given,
//!   2. create the backend (createBackend(): a Harbor backend made from what detection found
//!      knows its generation and version and does not ask again),
//!   3. connect it (RegistryBackend::connectToRegistry(): reachability and credentials; a wrong
//!      password is an error here) - skipped when detection's anonymous /v2/ ping to a plain
//!      registry was answered 200 without any challenge: the registry does not authenticate,
//!      and connecting would send the same request,
//!   4. make the RegistrySession (parented to sessionParent).
//! The result is the session; on failure step() says which step failed.
class SessionOpener final : public ResultJob<RegistrySession *>
{
    Q_DISABLE_COPY_MOVE(SessionOpener)
public:
    enum class Step { Detect, Connect };

    SessionOpener(const RegistryEndpoint &endpoint, const SessionOptions &options,
                  RequestScheduler *scheduler, QObject *sessionParent, QObject *parent);

    //! What detection found, once it ran (nullopt when the kind was given and not detected).
    const std::optional<BackendInfo> &detected() const { return m_detected; }
    //! The step that is running, or that failed.
    Step step() const { return m_step; }

private:
    void detect();
    void create(const BackendInfo &info);
    void connectBackend();
    void makeSession();

    RegistryEndpoint m_endpoint;
    SessionOptions m_options;
    RequestScheduler *m_scheduler;
    QPointer<QObject> m_sessionParent;
    std::optional<BackendInfo> m_detected;
    BackendInfo m_info;
    RegistryBackend *m_backend = nullptr; //!< child of this job until the session takes it
    Step m_step = Step::Detect;
};

//! Opens a session (see SessionOpener); the job is a child of parent, the session of
//! sessionParent.
SessionOpener *openSession(const RegistryEndpoint &endpoint, const SessionOptions &options,
                           RequestScheduler *scheduler, QObject *sessionParent, QObject *parent);

} // namespace Berth
