#include "net/backend/backendfactory.h"

#include "net/auth/authenticator.h"
#include "net/core/netlogging.h"
#include "net/harbor/harborbackend.h"
#include "net/harbor/harbordetector.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

//! What a probe found: the server's kind, or nullopt to let the next probe decide. A probe's
//! error means the server cannot be reached at all.
using ProbeJob = ResultJob<std::optional<BackendInfo>>;

//! An anonymous copy of endpoint: detection never runs a credential helper or sends a password
//! to a server not yet known to be a registry.
RegistryEndpoint anonymousEndpoint(const RegistryEndpoint &endpoint)
{
    RegistryEndpoint anonymous = endpoint;
    anonymous.credentialSource = RegistryEndpoint::CredentialSource::None;
    anonymous.credentials = Credentials();
    return anonymous;
}

BackendInfo harborInfo(const HarborInfo &harbor)
{
    BackendInfo info;
    info.kind = BackendKind::Harbor;
    info.product = harbor.generation == HarborGeneration::V2 ? u"Harbor"_s : u"Harbor 1.x"_s;
    info.version = harbor.version;
    info.harborGeneration = harbor.generation;
    return info;
}

//! Harbor first (it serves /v2/ too): detectHarbor() asks /api/version, /api/v2.0/systeminfo
//! and /api/systeminfo anonymously; no /v2/ request is made here. Scheme::Auto tries https, and
//! plain http on loopback when https cannot connect (as the registry client does). Anything
//! that is not Harbor, or unreachable, is left to the plain registry probe, which reports errors.
ProbeJob *probeHarbor(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                      QObject *parent)
{
    auto *task = new Task<std::optional<BackendInfo>>(Priority::Interactive, parent);
    // Only for its TLS settings (insecure, extra CA) and base URL; it sends nothing.
    auto *client = new RegistryClient(anonymousEndpoint(endpoint), scheduler, task);
    const bool mayFallBack
            = endpoint.scheme == RegistryEndpoint::Scheme::Auto && endpoint.isLoopback();
    const auto finish = [task](const Result<HarborInfo> &harbor) {
        if (!harbor.ok() || !harbor->isHarbor)
            task->finish(std::optional<BackendInfo>());
        else
            task->finish(std::optional<BackendInfo>(harborInfo(*harbor)));
    };
    const QUrl base = client->baseUrl();
    const auto ssl = client->sslConfiguration();
    task->await(
            detectHarbor(scheduler, base, ssl, task),
            [task, scheduler, base, ssl, mayFallBack, finish](const Result<HarborInfo> &harbor) {
                if (!harbor.ok() && mayFallBack && base.scheme() == u"https") {
                    QUrl plain = base;
                    plain.setScheme(u"http"_s);
                    task->await(detectHarbor(scheduler, plain, ssl, task), finish);
                    return;
                }
                finish(harbor);
            });
    return task;
}

//! GET /v2/ anonymously: 200, or a 401 the registry auth flow could not satisfy without
//! credentials, proves the Distribution API.
ProbeJob *probeRegistry(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                        QObject *parent)
{
    auto *task = new Task<std::optional<BackendInfo>>(Priority::Interactive, parent);
    auto *client = new RegistryClient(anonymousEndpoint(endpoint), scheduler, task);
    task->await(client->ping(), [task, client](const Result<void> &result) {
        BackendInfo info;
        info.kind = BackendKind::Registry;
        info.product = u"Docker Registry (Distribution API v2)"_s;
        if (result.ok()) {
            // An anonymous token is a challenge answered: the registry authenticates.
            info.usesAuthentication = client->authenticator()->tokenRequests() > 0;
            task->finish(std::optional<BackendInfo>(info));
            return;
        }
        const Error &error = result.error();
        if (error.code == ErrorCode::Unauthorized || error.code == ErrorCode::Forbidden) {
            info.requiresAuthentication = true;
            info.usesAuthentication = true;
            task->finish(std::optional<BackendInfo>(info));
            return;
        }
        task->fail(error);
    });
    return task;
}

//! The first probe in order that recognised the server wins; else the first error.
Result<BackendInfo> decide(const RegistryEndpoint &endpoint,
                           const QList<Result<std::optional<BackendInfo>>> &answers)
{
    for (const auto &answer : answers) {
        if (answer.ok() && answer.value()) {
            qCDebug(lcNet).noquote()
                    << endpoint.host << "detected as" << backendKindName(answer.value()->kind);
            return *answer.value();
        }
    }
    for (const auto &answer : answers) {
        if (!answer.ok())
            return answer.error();
    }
    return Error(ErrorCode::NotFound,
                 u"%1 does not answer as a container registry"_s.arg(endpoint.host));
}

} // namespace

QString backendKindName(BackendKind kind)
{
    switch (kind) {
    case BackendKind::Registry:
        return u"registry"_s;
    case BackendKind::Harbor:
        return u"harbor"_s;
    }
    return {};
}

RegistryBackend *createBackend(const RegistryEndpoint &endpoint, BackendKind kind,
                               RequestScheduler *scheduler, QObject *parent)
{
    switch (kind) {
    case BackendKind::Registry:
        return new OciBackend(endpoint, scheduler, parent);
    case BackendKind::Harbor:
        // The generation (2.x or 1.x) and version are detected by connectToRegistry().
        return new HarborBackend(endpoint, scheduler, parent);
    }
    return nullptr;
}

RegistryBackend *createBackend(const RegistryEndpoint &endpoint, const BackendInfo &info,
                               RequestScheduler *scheduler, QObject *parent)
{
    if (info.kind != BackendKind::Harbor)
        return createBackend(endpoint, info.kind, scheduler, parent);
    // Detection already knows the generation: connectToRegistry() need not ask again.
    auto *harbor = new HarborBackend(endpoint, scheduler, info.harborGeneration, parent);
    harbor->setVersion(info.version);
    return harbor;
}

ResultJob<BackendInfo> *detectBackendKind(const RegistryEndpoint &endpoint,
                                          RequestScheduler *scheduler, QObject *parent)
{
    // Order matters: Harbor also answers /v2/, so its answer wins. All probes run at once, so
    // detection costs one round trip (plus the https -> http fallback on loopback), not one
    // per probe.
    auto *task = new Task<BackendInfo>(Priority::Interactive, parent);
    const QList<ProbeJob *> probes{probeHarbor(endpoint, scheduler, task),
                                   probeRegistry(endpoint, scheduler, task)};
    struct Answers
    {
        QList<Result<std::optional<BackendInfo>>> results;
        qsizetype pending = 0;
    };
    auto answers = std::make_shared<Answers>();
    answers->results.fill(Error(ErrorCode::Cancelled, u"cancelled"_s), probes.size());
    answers->pending = probes.size();
    for (qsizetype i = 0; i < probes.size(); ++i) {
        task->await(probes.at(i),
                    [task, answers, i, endpoint](const Result<std::optional<BackendInfo>> &found) {
                        answers->results[i] = found;
                        if (--answers->pending == 0)
                            task->finish(decide(endpoint, answers->results));
                    });
    }
    return task;
}

} // namespace Berth
