#pragma once

#include "net/core/error.h"
#include "net/core/registryendpoint.h"
#include "net/harbor/harborjson.h"

#include <QObject>
#include <QString>

#include <functional>

namespace Berth {

class RegistryBackend;
class RequestScheduler;

//! Which implementation of RegistryBackend talks to a server.
enum class BackendKind {
    Registry, //!< a plain OCI Distribution / Docker Registry v2 server (OciBackend)
    Harbor,   //!< Harbor's own API beside its registry
};

//! "registry" / "harbor": the same names as RegistryBackend::kindName().
QString backendKindName(BackendKind kind);

//! What detection found out about a server.
struct BackendInfo
{
    BackendKind kind = BackendKind::Registry;
    //! A person-readable product name: "Docker Registry (Distribution API v2)", "Harbor".
    QString product;
    //! The server's version when it says ("v2.10.0"); empty when unknown.
    QString version;
    //! True when the server would only talk to us with credentials (anonymous /v2/ refused).
    //! Whether the configured credentials work is for RegistryBackend::connectToRegistry().
    bool requiresAuthentication = false;
    //! Harbor only: which API generation it speaks.
    HarborGeneration harborGeneration = HarborGeneration::V2;
};

//! The one place a backend is made. Adding a backend kind means a case here and a probe in
//! detectBackendKind(), nothing in models/ or ui/.
RegistryBackend *createBackend(const RegistryEndpoint &endpoint, BackendKind kind,
                               RequestScheduler *scheduler, QObject *parent = nullptr);

//! The backend detection found: a Harbor backend knows its generation and version already, so
//! its connectToRegistry() only checks reachability and credentials.
RegistryBackend *createBackend(const RegistryEndpoint &endpoint, const BackendInfo &info,
                               RequestScheduler *scheduler, QObject *parent = nullptr);

using DetectCallback = std::function<void(Result<BackendInfo>)>;

//! Finds out what the server at endpoint is. Probes (Harbor's API, the registry's /v2/ ping)
//! run at once, one round trip in all; Harbor's answer wins over the registry's, since Harbor
//! serves /v2/ too. A server that refuses
//! anonymous access to /v2/ is still recognised (requiresAuthentication). Errors: the server is
//! unreachable (Network, Tls, Timeout) or speaks no registry API (NotFound). done runs once on
//! context, from the event loop.
void detectBackendKind(const RegistryEndpoint &endpoint, RequestScheduler *scheduler,
                       QObject *context, DetectCallback done);

} // namespace Berth
