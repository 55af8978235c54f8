#pragma once

#include "net/core/credentials.h"

#include <QString>
#include <QUrl>

namespace Berth {

//! How to reach one registry: host, transport policy, and where credentials come from.
struct RegistryEndpoint
{
    enum class Scheme {
        Auto, //!< https; loopback hosts fall back to http when https fails (like docker)
        Https,
        Http, //!< only for loopback or when the user opted in (--plain-http)
    };
    enum class CredentialSource {
        None,         //!< anonymous (bearer tokens still fetched anonymously when challenged)
        Explicit,     //!< `credentials` below
        DockerConfig, //!< docker/podman config and credential helpers
    };

    QString host; //!< "127.0.0.1:5000", "registry-1.docker.io"
    Scheme scheme = Scheme::Auto;
    bool insecureSkipTlsVerify = false; //!< explicit user opt-in only
    QString caCertificateFile;          //!< extra CA (PEM) trusted for this registry
    CredentialSource credentialSource = CredentialSource::DockerConfig;
    Credentials credentials;

    bool isLoopback() const;
    //! "https://host" or "http://host" for a resolved scheme (Auto counts as https).
    QUrl baseUrl() const;
    //! True when plain HTTP may be used: loopback, or the user asked for Http.
    bool plainHttpAllowed() const;
};

} // namespace Berth
