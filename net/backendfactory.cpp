#include "backendfactory.h"

#include "harborbackend.h"
#include "harbordetector.h"
#include "logging.h"
#include "ocibackend.h"
#include "registryclient.h"

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

void runProbes(const std::shared_ptr<QList<Probe>> &probes, qsizetype next,
               const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
               const QPointer<QObject> &context, const DetectCallback &done)
{
    if (!context)
        return;
    if (next >= probes->size()) {
        done(Error(ErrorCode::NotFound,
                   u"%1 does not answer as a container registry"_s.arg(endpoint.host)));
        return;
    }
    probes->at(next)(endpoint, scheduler, context,
                     [=](std::optional<BackendInfo> info, Error error) {
                         if (!context)
                             return;
                         if (info) {
                             qCDebug(lcNet).noquote() << endpoint.host << "detected as"
                                                      << backendKindName(info->kind);
                             done(*info);
                         } else if (error.isError()) {
                             done(error);
                         } else {
                             runProbes(probes, next + 1, endpoint, scheduler, context, done);
                         }
                     });
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

void detectBackendKind(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                       QObject *context, DetectCallback done)
{
    // Order matters: Harbor also answers /v2/, so it must be asked first.
    auto probes = std::make_shared<QList<Probe>>(QList<Probe>{&probeHarbor, &probeRegistry});
    runProbes(probes, 0, endpoint, scheduler, QPointer<QObject>(context), done);
}

} // namespace Berth
