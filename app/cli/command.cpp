#include "app/cli/command.h"

#include "app/cli/output.h"
#include "app/cli/registrysession.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

RegistrySession *Command::openSession(const RegistryEndpoint &endpoint, const QString &kind,
                                      std::function<void()> next)
{
    auto *session = new RegistrySession(endpoint, kind, this);
    session->open(this, [this, host = endpoint.host, next](Result<void> opened) {
        if (!opened.ok()) {
            // The error names what failed (wrong password, not a registry, unreachable), never
            // a credential: the backends keep those out of their messages.
            writeErrLine(u"berth %1: %2: %3"_s.arg(name(), host, opened.error().toString()));
            Q_EMIT finished(ExitError);
            return;
        }
        next();
    });
    return session;
}

} // namespace Berth::Cli
