#include "models/session/connection.h"

#include "net/core/imagereference.h"

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

//! The scheme a person wrote ("http", "https"), lower case, or empty.
QString writtenScheme(const QString &address)
{
    const qsizetype separator = address.indexOf(u"://"_s);
    return separator > 0 ? address.left(separator).trimmed().toLower() : QString();
}

} // namespace

QString Connection::host() const
{
    QString rest = address.trimmed();
    if (const qsizetype separator = rest.indexOf(u"://"_s); separator >= 0)
        rest = rest.mid(separator + 3);
    // A path ("harbor.example.com/harbor/projects") or a query names a page, not the registry.
    if (const qsizetype slash = rest.indexOf(u'/'); slash >= 0)
        rest = rest.left(slash);
    if (const qsizetype query = rest.indexOf(u'?'); query >= 0)
        rest = rest.left(query);
    // User info never belongs into a saved address; drop it rather than send it anywhere.
    if (const qsizetype at = rest.lastIndexOf(u'@'); at >= 0)
        rest = rest.mid(at + 1);
    return rest.toLower();
}

RegistryEndpoint Connection::endpoint(const QString &secret) const
{
    RegistryEndpoint endpoint;
    endpoint.host = host();
    const QString scheme = writtenScheme(address);
    const bool loopback = ImageReference::isLoopbackHost(endpoint.host);
    if (scheme == u"https") {
        endpoint.scheme = RegistryEndpoint::Scheme::Https;
    } else if (plainHttp) {
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
    } else if (scheme == u"http" && loopback) {
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
    } else {
        // "http://" on a remote host without the explicit opt-in stays on TLS: plain HTTP to a
        // remote registry would send credentials in the clear.
        endpoint.scheme = RegistryEndpoint::Scheme::Auto;
    }
    endpoint.insecureSkipTlsVerify = insecureSkipTlsVerify;
    endpoint.caCertificateFile = caCertificateFile;
    switch (authMode) {
    case AuthMode::Anonymous:
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        break;
    case AuthMode::Password:
    case AuthMode::Token:
        // Registries take a token (Harbor robot secrets, GitLab/GitHub tokens) as the password.
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials.username = username;
        endpoint.credentials.password = secret;
        break;
    case AuthMode::DockerLogin:
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::DockerConfig;
        break;
    }
    return endpoint;
}

} // namespace Berth
