#include "app/cli/command.h"

#include "app/cli/output.h"

#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"

#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

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
    // No disk cache: the command line must not contend with a running window for its
    // database; within one run the metadata service still fetches each digest once.
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
