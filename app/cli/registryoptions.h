#pragma once

#include "net/core/error.h"
#include "net/core/imagereference.h"
#include "net/core/registryendpoint.h"

#include <QCommandLineOption>
#include <QList>

class QCommandLineParser;

namespace Berth::Cli {

//! The options every command that talks to a registry shares: --insecure, --plain-http,
//! --username, --password-stdin, --kind, --timeout; and --no-cache for the commands that read
//! metadata (offerCache()).
class RegistryOptions
{
public:
    RegistryOptions();

    void addTo(QCommandLineParser &parser) const;
    //! Adds --no-cache: the command reads image metadata and keeps it in the disk cache the
    //! window uses unless told not to. Without this the command uses no disk cache.
    void offerCache(QCommandLineParser &parser);
    //! Reads the options after parsing; the password is read from stdin here when asked for.
    Result<void> read(const QCommandLineParser &parser);

    //! How to reach the registry of reference with these options.
    RegistryEndpoint endpointFor(const ImageReference &reference) const;
    //! "registry", "harbor", or empty (not given: RegistrySession::open() detects the kind).
    QString kind() const { return m_kindValue; }
    //! --timeout SECONDS: the deadline of every request as a whole (default 60 s).
    int deadlineMs() const { return m_deadlineMs; }
    //! The disk cache is offered and --no-cache not given.
    bool useCache() const { return m_useCache; }

private:
    QCommandLineOption m_insecure;
    QCommandLineOption m_plainHttp;
    QCommandLineOption m_username;
    QCommandLineOption m_passwordStdin;
    QCommandLineOption m_kind;
    QCommandLineOption m_timeout;
    QCommandLineOption m_noCache;

    bool m_insecureSet = false;
    bool m_plainHttpSet = false;
    Credentials m_credentials;
    QString m_kindValue;
    int m_deadlineMs = 60 * 1000;
    bool m_cacheOffered = false;
    bool m_useCache = false;
};

} // namespace Berth::Cli
