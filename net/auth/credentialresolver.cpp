#include "net/auth/credentialresolver.h"

#include "net/auth/dockerconfig.h"
#include "net/core/netlogging.h"

#include <QPointer>

namespace Berth {

void resolveDockerConfigCredentials(const QString &registryHost, QObject *context,
                                    std::function<void(Result<Credentials>)> done)
{
    QStringList warnings;
    const DockerConfig config = DockerConfig::loadDefault(&warnings);
    for (const QString &warning : std::as_const(warnings))
        qCWarning(lcAuth) << "docker config:" << warning;
    if (const auto inlineCredentials = config.inlineCredentials(registryHost)) {
        done(*inlineCredentials);
        return;
    }
    const QString helperName = config.helperFor(registryHost);
    if (helperName.isEmpty()) {
        done(Credentials()); // anonymous
        return;
    }
    auto *helper = new CredentialHelper(context);
    QPointer<QObject> guard(context);
    helper->get(helperName, registryHost, helper,
                [helper, guard, done, helperName](Result<Credentials> result) {
                    helper->deleteLater();
                    if (!guard)
                        return;
                    if (!result.ok()) {
                        // A missing entry or helper means "anonymous", as docker does for
                        // public registries.
                        qCWarning(lcAuth).noquote() << "credential helper" << helperName << ":"
                                                    << result.error().message;
                        done(Credentials());
                        return;
                    }
                    done(result);
                });
}

} // namespace Berth
