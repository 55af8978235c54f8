#pragma once

#include "net/core/credentials.h"
#include "net/core/error.h"

#include <QByteArray>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <optional>

namespace Berth {

//! The credential part of a docker config.json or Podman auth.json.
class DockerConfig
{
public:
    //! Parses the JSON. Errors (BadResponse) name the problem, never a secret.
    static Result<DockerConfig> parse(const QByteArray &json);
    //! Merges ~/.docker/config.json (or $DOCKER_CONFIG/config.json) and Podman's
    //! $XDG_RUNTIME_DIR/containers/auth.json (or $REGISTRY_AUTH_FILE); docker wins on conflicts.
    //! Missing files are fine; unreadable or malformed ones are skipped with a warning.
    static DockerConfig loadDefault(QStringList *warnings = nullptr);

    //! Inline credentials ("auth" base64 user:pass, or "identitytoken") for a registry host.
    //! Matches keys written as "host", "host:port", "https://host/", "https://host/v1/";
    //! Docker Hub's key is "https://index.docker.io/v1/".
    std::optional<Credentials> inlineCredentials(const QString &registryHost) const;
    //! The helper name to run for a host: credHelpers[host], else credsStore, else empty.
    QString helperFor(const QString &registryHost) const;

    void merge(const DockerConfig &lowerPriority);

private:
    QMap<QString, Credentials> m_auths; // normalised host -> credentials
    QMap<QString, QString> m_credHelpers;
    QString m_credsStore;
};

//! Runs `docker-credential-<helper> get` asynchronously (host on stdin, JSON on stdout).
//! The process is killed after a timeout; its output is never logged.
class CredentialHelper final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CredentialHelper)
public:
    explicit CredentialHelper(QObject *parent = nullptr);

    using Callback = std::function<void(Result<Credentials>)>;
    //! Calls done on context's thread if context is still alive. NotFound when the helper has no
    //! entry, Unsupported when the helper program is not installed.
    void get(const QString &helper, const QString &registryHost, QObject *context, Callback done);

    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

private:
    int m_timeoutMs = 10000;
};

//! Host key normalisation shared by the config readers: strips scheme, path and trailing '/',
//! maps index.docker.io / docker.io / registry-1.docker.io to "docker.io".
QString normaliseCredentialHost(const QString &key);

} // namespace Berth
