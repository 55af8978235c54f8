#pragma once

#include "net/core/credentials.h"
#include "net/core/error.h"

#include <QObject>
#include <QString>

#include <functional>

namespace Berth {

//! Credentials for registryHost from the docker/podman configuration: inline "auth" first, then
//! the credential helper. A missing entry or helper means anonymous (done(Credentials())), as
//! docker does for public registries. done runs on context (skipped if it died).
void resolveDockerConfigCredentials(const QString &registryHost, QObject *context,
                                    std::function<void(Result<Credentials>)> done);

} // namespace Berth
