#pragma once

#include "net/core/registryendpoint.h"

#include <QMetaType>
#include <QString>

namespace Berth {

//! A saved registry connection, as a person configured it. No secret is ever stored here:
//! passwords and tokens live in the SecretStore (desktop keychain or session memory).
struct Connection
{
    enum class Kind { Auto, Registry, Harbor }; //!< Auto = detect on connect
    enum class AuthMode {
        Anonymous,
        Password,    //!< username + password (or a Harbor robot account "robot$name")
        Token,       //!< username + token (used as the password by registries)
        DockerLogin, //!< credentials of `docker login` / `podman login` and credential helpers
    };

    QString id;      //!< stable unique id (a UUID), the key for secrets and settings
    QString name;    //!< shown in the UI, e.g. "Local demo"
    QString address; //!< "127.0.0.1:5000", "https://harbor.example.com"
    Kind kind = Kind::Auto;
    AuthMode authMode = AuthMode::DockerLogin;
    QString username;
    bool plainHttp = false;             //!< only for loopback or explicit opt-in
    bool insecureSkipTlsVerify = false; //!< explicit opt-in, shown with a warning
    QString caCertificateFile;

    bool isValid() const { return !id.isEmpty() && !address.isEmpty(); }
    //! Registry host[:port] from address (scheme and path stripped).
    QString host() const;
    //! The endpoint for net/, credentials filled in from secret (may be empty).
    RegistryEndpoint endpoint(const QString &secret) const;
    bool operator==(const Connection &) const = default;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::Connection)
