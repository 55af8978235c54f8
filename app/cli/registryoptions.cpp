#include "app/cli/registryoptions.h"

#include <QCommandLineParser>
#include <QFile>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

RegistryOptions::RegistryOptions()
    : m_insecure(u"insecure"_s, QCoreApplication::translate(
                                        "berth", "Do not verify the registry's TLS certificate."))
    , m_plainHttp(u"plain-http"_s,
                  QCoreApplication::translate("berth", "Talk plain HTTP to the registry."))
    , m_username(u"username"_s,
                 QCoreApplication::translate(
                         "berth", "User name (default: docker/podman login credentials)."),
                 u"user"_s)
    , m_passwordStdin(
              u"password-stdin"_s,
              QCoreApplication::translate("berth", "Read the password from standard input."))
    , m_kind(u"kind"_s,
             QCoreApplication::translate("berth",
                                         "Registry kind: registry or harbor (default: detected)."),
             u"kind"_s)
    , m_timeout(u"timeout"_s,
                QCoreApplication::translate(
                        "berth", "Give up on a request with no complete answer after SECONDS, "
                                 "retries included (default 60)."),
                u"SECONDS"_s)
    , m_noCache(u"no-cache"_s,
                QCoreApplication::translate(
                        "berth", "Neither read nor write the disk cache of image metadata (and "
                                 "layer listings) that berth and the window share."))
{}

void RegistryOptions::addTo(QCommandLineParser &parser) const
{
    parser.addOption(m_insecure);
    parser.addOption(m_plainHttp);
    parser.addOption(m_username);
    parser.addOption(m_passwordStdin);
    parser.addOption(m_kind);
    parser.addOption(m_timeout);
}

void RegistryOptions::offerCache(QCommandLineParser &parser)
{
    m_cacheOffered = true;
    parser.addOption(m_noCache);
}

Result<void> RegistryOptions::read(const QCommandLineParser &parser)
{
    m_useCache = m_cacheOffered && !parser.isSet(m_noCache);
    m_insecureSet = parser.isSet(m_insecure);
    m_plainHttpSet = parser.isSet(m_plainHttp);
    m_kindValue = parser.value(m_kind);
    if (!m_kindValue.isEmpty() && m_kindValue != u"registry" && m_kindValue != u"harbor")
        return Error(ErrorCode::InvalidInput, u"--kind must be \"registry\" or \"harbor\""_s);
    m_deadlineMs = 60 * 1000;
    if (parser.isSet(m_timeout)) {
        bool ok = false;
        const double seconds = parser.value(m_timeout).toDouble(&ok);
        if (!ok || !(seconds > 0) || seconds > 86400) {
            return Error(ErrorCode::InvalidInput,
                         u"--timeout needs a number of seconds (more than 0, at most 86400), not "
                         "\"%1\""_s.arg(parser.value(m_timeout)));
        }
        m_deadlineMs = std::max(1, int(seconds * 1000));
    }

    m_credentials = {};
    if (parser.isSet(m_passwordStdin) && !parser.isSet(m_username))
        return Error(ErrorCode::InvalidInput, u"--password-stdin needs --username"_s);
    if (parser.isSet(m_username)) {
        m_credentials.username = parser.value(m_username);
        if (parser.isSet(m_passwordStdin)) {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly))
                return Error(ErrorCode::InvalidInput, u"cannot read the password from stdin"_s);
            QByteArray password = in.readAll();
            // Like `docker login --password-stdin`: one trailing newline is not part of it.
            while (password.endsWith('\n') || password.endsWith('\r'))
                password.chop(1);
            m_credentials.password = QString::fromUtf8(password);
        }
    }
    return {};
}

RegistryEndpoint RegistryOptions::endpointFor(const ImageReference &reference) const
{
    RegistryEndpoint endpoint;
    endpoint.host = reference.registry();
    endpoint.scheme
            = m_plainHttpSet ? RegistryEndpoint::Scheme::Http : RegistryEndpoint::Scheme::Auto;
    endpoint.insecureSkipTlsVerify = m_insecureSet;
    if (!m_credentials.username.isEmpty()) {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::Explicit;
        endpoint.credentials = m_credentials;
    } else {
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::DockerConfig;
    }
    return endpoint;
}

} // namespace Berth::Cli
