#pragma once

#include "net/core/backendinfo.h"
#include "net/core/error.h"
#include "net/core/job.h"
#include "net/core/registryendpoint.h"

#include <QObject>
#include <QString>

namespace Berth {

class RegistryBackend;
class RequestScheduler;

//! The one place a backend is made. Adding a backend kind means a case here and a probe in
//! detectBackendKind(), nothing in models/ or ui/.
RegistryBackend *createBackend(const RegistryEndpoint &endpoint, BackendKind kind,
                               RequestScheduler *scheduler, QObject *parent = nullptr);

//! The backend detection found: a Harbor backend knows its generation and version already, so
//! its connectToRegistry() only checks reachability and credentials.
RegistryBackend *createBackend(const RegistryEndpoint &endpoint, const BackendInfo &info,
                               RequestScheduler *scheduler, QObject *parent = nullptr);

//! Finds out what the server at endpoint is. Probes (Harbor's API, the registry's /v2/ ping)
//! run at once, one round trip in all; Harbor's answer wins over the registry's, since Harbor
//! serves /v2/ too. A server that refuses
//! anonymous access to /v2/ is still recognised (requiresAuthentication). Errors: the server is
//! unreachable (Network, Tls, Timeout) or speaks no registry API (NotFound).
ResultJob<BackendInfo> *detectBackendKind(const RegistryEndpoint &endpoint,
                                          RequestScheduler *scheduler, QObject *parent);

} // namespace Berth
