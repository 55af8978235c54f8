#include "net/backend/backendfactory.h"

#include "net/core/netlogging.h"
#include "net/harbor/harborbackend.h"
#include "net/harbor/harbordetector.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"

#include <QPointer>
#include <QTimer>

#include <memory>
#include <optional>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

//! A probe recognises one kind of server: info when it did, nullopt to let the next probe try,
//! or an error that ends detection (the server cannot be reached at all).
using ProbeDone = std::function<void(std::optional<BackendInfo> info, Error error)>;
using Probe = std::function<void(const RegistryEndpoint &, RequestScheduler *, QObject *context,
                                 ProbeDone)>;

//! Harbor first (it serves /v2/ too): detectHarbor() asks /api/version, /api/v2.0/systeminfo
//! and /api/systeminfo anonymously; no /v2/ request is made here. Scheme::Auto tries https, and
//! plain http on loopback when https cannot connect (as the registry client does). Anything
//! that is not Harbor, or unreachable, goes on to the plain registry probe, which reports errors.
void probeHarbor(const RegistryEndpoint &endpoint, RequestScheduler *scheduler, QObject *context,
                 ProbeDone done)
{
    RegistryEndpoint anonymous = endpoint;
    anonymous.credentialSource = RegistryEndpoint::CredentialSource::None;
    anonymous.credentials = Credentials();
    // Only for its TLS settings (insecure, extra CA) and base URL; it sends nothing.
    auto *client = new RegistryClient(anonymous, scheduler, context);
    const bool mayFallBack
            = endpoint.scheme == RegistryEndpoint::Scheme::Auto && endpoint.isLoopback();
    const auto finish = [client, done](const Result<HarborInfo> &harbor) {
        client->deleteLater();
        if (!harbor.ok() || !harbor->isHarbor) {
            done(std::nullopt, Error());
            return;
        }
        BackendInfo info;
        info.kind = BackendKind::Harbor;
        info.product = harbor->generation == HarborGeneration::V2 ? u"Harbor"_s : u"Harbor 1.x"_s;
        info.version = harbor->version;
        info.harborGeneration = harbor->generation;
        done(info, Error());
    };
    const QUrl base = client->baseUrl();
    detectHarbor(scheduler, base, client->sslConfiguration(), client,
                 [client, scheduler, base, mayFallBack, finish](Result<HarborInfo> harbor) {
                     if (!harbor.ok() && mayFallBack && base.scheme() == u"https") {
                         QUrl plain = base;
                         plain.setScheme(u"http"_s);
                         detectHarbor(scheduler, plain, client->sslConfiguration(), client, finish);
                         return;
                     }
                     finish(harbor);
                 });
}

//! GET /v2/ anonymously: 200, or a 401 the registry auth flow could not satisfy without
//! credentials, proves the Distribution API. Anonymous so detection never runs a credential
//! helper or sends a password to a server not yet known to be a registry.
void probeRegistry(const RegistryEndpoint &endpoint, RequestScheduler *scheduler, QObject *context,
                   ProbeDone done)
{
    RegistryEndpoint anonymous = endpoint;
    anonymous.credentialSource = RegistryEndpoint::CredentialSource::None;
    anonymous.credentials = Credentials();
    // Parented to context: gone (with its requests' callbacks) when the caller goes away.
    auto *client = new RegistryClient(anonymous, scheduler, context);
    client->ping(client, [client, done](Result<void> result) {
        client->deleteLater();
        BackendInfo info;
        info.kind = BackendKind::Registry;
        info.product = u"Docker Registry (Distribution API v2)"_s;
        if (result.ok()) {
            done(info, Error());
            return;
        }
        const Error &error = result.error();
        if (error.code == ErrorCode::Unauthorized || error.code == ErrorCode::Forbidden) {
            info.requiresAuthentication = true;
            done(info, Error());
            return;
        }
        done(std::nullopt, error);
    });
}

//! The probes' answers, kept until every probe has answered.
struct Detection
{
    RegistryEndpoint endpoint;
    QPointer<QObject> context;
    DetectCallback done;
    QList<std::optional<std::pair<std::optional<BackendInfo>, Error>>> answers;

    //! The first probe in order that recognised the server wins; else the first error.
    void decideWhenComplete() const
    {
        if (!context)
            return;
        for (const auto &answer : answers) {
            if (!answer)
                return;
        }
        for (const auto &answer : answers) {
            if (answer->first) {
                qCDebug(lcNet).noquote()
                        << endpoint.host << "detected as" << backendKindName(answer->first->kind);
                done(*answer->first);
                return;
            }
        }
        for (const auto &answer : answers) {
            if (answer->second.isError()) {
                done(answer->second);
                return;
            }
        }
        done(Error(ErrorCode::NotFound,
                   u"%1 does not answer as a container registry"_s.arg(endpoint.host)));
    }
};

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

void detectBackendKind(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                       QObject *context, DetectCallback done)
{
    // Order matters: Harbor also answers /v2/, so its answer wins. All probes run at once, so
    // detection costs one round trip (plus the https -> http fallback on loopback), not one
    // per probe.
    const QList<Probe> probes{&probeHarbor, &probeRegistry};
    auto detection = std::make_shared<Detection>(
            Detection{endpoint, QPointer<QObject>(context), std::move(done), {}});
    detection->answers.resize(probes.size());
    for (qsizetype i = 0; i < probes.size(); ++i) {
        probes.at(i)(endpoint, scheduler, context,
                     [detection, i](std::optional<BackendInfo> info, Error error) {
                         detection->answers[i] = std::pair{std::move(info), std::move(error)};
                         detection->decideWhenComplete();
                     });
    }
}

} // namespace Berth
