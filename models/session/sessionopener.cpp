#include "models/session/sessionopener.h"

#include "models/modelslogging.h"
#include "models/session/registrysession.h"

#include "net/backend/registrybackend.h"

using namespace Qt::StringLiterals;

namespace Berth {

SessionOpener::SessionOpener(const RegistryEndpoint &endpoint, const SessionOptions &options,
                             RequestScheduler *scheduler, QObject *sessionParent, QObject *parent)
    : ResultJob<RegistrySession *>(Priority::Interactive, parent)
    , m_endpoint(endpoint)
    , m_options(options)
    , m_scheduler(scheduler)
    , m_sessionParent(sessionParent)
{
    if (m_options.kind && !m_options.alwaysDetect) {
        BackendInfo given;
        given.kind = *m_options.kind;
        given.product = backendKindName(given.kind);
        // The generation of a Harbor given by kind is still detected, by connectToRegistry().
        m_info = given;
        m_backend = createBackend(m_endpoint, given.kind, m_scheduler, this);
        connectBackend();
        return;
    }
    detect();
}

void SessionOpener::detect()
{
    m_step = Step::Detect;
    awaitJob(detectBackendKind(m_endpoint, m_scheduler, this),
             [this](const Result<BackendInfo> &info) {
                 if (!info.ok())
                     finish(info.error());
                 else
                     create(*info);
             });
}

void SessionOpener::create(const BackendInfo &info)
{
    m_detected = info;
    const BackendKind kind = m_options.kind.value_or(info.kind);
    // What detection found saves a Harbor backend its own probe, unless the kind was chosen by
    // hand and differs.
    if (info.kind == kind) {
        m_info = info;
        m_backend = createBackend(m_endpoint, info, m_scheduler, this);
    } else {
        m_info = BackendInfo();
        m_info.kind = kind;
        m_info.product = backendKindName(kind);
        m_backend = createBackend(m_endpoint, kind, m_scheduler, this);
    }
    if (info.kind == BackendKind::Registry && kind == BackendKind::Registry
        && !info.usesAuthentication) {
        // Detection's anonymous /v2/ ping was answered 200 without a challenge: the registry
        // does not authenticate, credentials never go out, and connecting would send the same
        // request again. (Where an anonymous token got through, the credentials still have to
        // be checked: connect.)
        makeSession();
        return;
    }
    connectBackend();
}

void SessionOpener::connectBackend()
{
    m_step = Step::Connect;
    awaitJob(m_backend->connectToRegistry(), [this](const Result<void> &connected) {
        if (!connected.ok())
            finish(connected.error());
        else
            makeSession();
    });
}

void SessionOpener::makeSession()
{
    if (!m_sessionParent) {
        finish(Error(ErrorCode::Cancelled, u"opening the session was cancelled"_s));
        return;
    }
    qCInfo(lcModels).noquote() << "opened" << m_endpoint.host << "as" << m_backend->kindName();
    // The session takes the backend over (and reparents it).
    auto *session = new RegistrySession(m_info, m_backend, m_options.cache, m_sessionParent);
    m_backend = nullptr;
    finish(session);
}

SessionOpener *openSession(const RegistryEndpoint &endpoint, const SessionOptions &options,
                           RequestScheduler *scheduler, QObject *sessionParent, QObject *parent)
{
    return new SessionOpener(endpoint, options, scheduler, sessionParent, parent);
}

} // namespace Berth
