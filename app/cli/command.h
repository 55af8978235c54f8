#pragma once

#include "app/cli/registryoptions.h"

#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace Berth {
class MetadataCache;
class RegistrySession;
class RequestScheduler;
struct RegistryEndpoint;
} // namespace Berth

namespace Berth::Cli {

//! Exit codes of the berth command line (documented in `berth --help` and docs/cli.md).
enum ExitCode { ExitOk = 0, ExitError = 1, ExitUsage = 2 };

//! One `berth <command>`. run() parses its own arguments and starts the work; the command ends
//! with exactly one finished(exitCode), from the event loop or directly from run().
class Command : public QObject
{
    Q_OBJECT
public:
    explicit Command(QObject *parent = nullptr);
    ~Command() override; //!< commits what the disk cache still holds in memory

    virtual QString name() const = 0;
    virtual QString summary() const = 0;
    //! arguments[0] is the command name.
    virtual void run(const QStringList &arguments) = 0;

Q_SIGNALS:
    void finished(int exitCode);

protected:
    //! Opens the session for reference's registry with the command's options the way the
    //! window does (openSession(): the registry kind detected unless --kind is given, then
    //! reachability and credentials checked; every request ends within --timeout). On failure
    //! prints the error and finishes with ExitError; otherwise runs next with session() set.
    void openSession(const RegistryOptions &options, const ImageReference &reference,
                     std::function<void()> next);
    //! The open session; null until openSession() succeeded.
    RegistrySession *session() const { return m_session; }
    //! The last openSession() was told to use the disk caches (RegistryOptions::useCache()).
    bool usesDiskCache() const { return m_usesDiskCache; }

private:
    //! The metadata cache the window uses (MetadataCache::defaultDatabasePath(), the size cap
    //! from the settings), opened on first use and shared by the command's sessions; null when
    //! it cannot be opened (the command runs on without it).
    MetadataCache *metadataCache();

    RequestScheduler *m_scheduler = nullptr;
    RegistrySession *m_session = nullptr;
    std::unique_ptr<MetadataCache> m_cache;
    bool m_usesDiskCache = false;
};

} // namespace Berth::Cli
