#include "app/cli/command.h"

#include "app/cli/output.h"
#include "app/settings.h"

#include "models/metadata/metadatacache.h"

#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"

#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

Command::Command(QObject *parent)
    : QObject(parent)
{}

Command::~Command()
{
    // Before the sessions (children, destroyed after this body): nothing asks the cache then,
    // and the destructor commits what is still queued. Every way out of berth, errors
    // included, returns from the event loop and so comes through here.
    m_cache.reset();
}

MetadataCache *Command::metadataCache()
{
    if (m_cache)
        return m_cache->isOpen() ? m_cache.get() : nullptr;
    m_cache = std::make_unique<MetadataCache>();
    if (const std::optional<qint64> cap = Settings::metadataCacheMaxBytes())
        m_cache->setMaxBytes(*cap);
    // open() logs why it failed; the command works on without a disk cache.
    if (!m_cache->open())
        return nullptr;
    // Committed as soon as the command is done, not only when the process tears down.
    connect(this, &Command::finished, m_cache.get(), &MetadataCache::flush);
    return m_cache.get();
}

void Command::openSession(const RegistryOptions &registryOptions, const ImageReference &reference,
                          std::function<void()> next)
{
    const RegistryEndpoint endpoint = registryOptions.endpointFor(reference);
    const QString kind = registryOptions.kind();
    // One access manager and one scheduler per command, as the window has per process.
    auto *nam = new NetworkAccessManager(this);
    m_scheduler = new RequestScheduler(nam, this);
    m_scheduler->setDeadlineMs(registryOptions.deadlineMs());
    SessionOptions options;
    if (!kind.isEmpty())
        options.kind = kind == u"harbor" ? BackendKind::Harbor : BackendKind::Registry;
    // The window's disk cache: a second run asks the registry only tag -> digest (a HEAD) and
    // finds everything by digest there. A running window shares the file (WAL: readers beside
    // one writer; each batch takes the write lock briefly).
    m_usesDiskCache = registryOptions.useCache();
    if (m_usesDiskCache)
        options.cache = metadataCache();
    auto *opener = Berth::openSession(endpoint, options, m_scheduler, this, this);
    opener->onFinished(this, [this, host = endpoint.host,
                              next](const Result<RegistrySession *> &opened) {
        if (!opened.ok()) {
            // The error names what failed (wrong password, not a registry, unreachable), never
            // a credential: the backends keep those out of their messages.
            writeErrLine(u"berth %1: %2: %3"_s.arg(name(), host, opened.error().toString()));
            Q_EMIT finished(ExitError);
            return;
        }
        m_session = opened.value();
        next();
    });
}

} // namespace Berth::Cli
