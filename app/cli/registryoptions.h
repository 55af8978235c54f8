#pragma once

#include "net/core/error.h"
#include "net/core/imagereference.h"
#include "net/core/registryendpoint.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

namespace Berth::Cli {

//! The options every command that talks to a registry shares: --insecure, --plain-http,
//! --username, --password-stdin, --kind, --timeout.
class RegistryOptions
{
public:
    RegistryOptions();

    void addTo(QCommandLineParser &parser) const;
    //! Reads the options after parsing; the password is read from stdin here when asked for.
    Result<void> read(const QCommandLineParser &parser);

    //! How to reach the registry of reference with these options.
    RegistryEndpoint endpointFor(const ImageReference &reference) const;
    //! "registry", "harbor", or empty (not given: RegistrySession::open() detects the kind).
    QString kind() const { return m_kindValue; }
    //! --timeout SECONDS: the deadline of every request as a whole (default 60 s).
    int deadlineMs() const { return m_deadlineMs; }

private:
    QCommandLineOption m_insecure;
    QCommandLineOption m_plainHttp;
    QCommandLineOption m_username;
    QCommandLineOption m_passwordStdin;
    QCommandLineOption m_kind;
    QCommandLineOption m_timeout;

    bool m_insecureSet = false;
    bool m_plainHttpSet = false;
    Credentials m_credentials;
    QString m_kindValue;
    int m_deadlineMs = 60 * 1000;
};

} // namespace Berth::Cli
