#pragma once

#include <QObject>
#include <QStringList>

#include <functional>

namespace Berth {
struct RegistryEndpoint;
}

namespace Berth::Cli {

class RegistrySession;

//! Exit codes of the berth command line (documented in `berth --help` and docs/cli.md).
enum ExitCode { ExitOk = 0, ExitError = 1, ExitUsage = 2 };

//! One `berth <command>`. run() parses its own arguments and starts the work; the command ends
//! with exactly one finished(exitCode), from the event loop or directly from run().
class Command : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QString name() const = 0;
    virtual QString summary() const = 0;
    //! arguments[0] is the command name.
    virtual void run(const QStringList &arguments) = 0;

Q_SIGNALS:
    void finished(int exitCode);

protected:
    //! Creates the command's session and opens it (detecting the registry kind unless kind is
    //! given, then connecting: reachability and credentials). On failure prints the error and
    //! finishes with ExitError; otherwise runs next, with the session's backend ready.
    RegistrySession *openSession(const RegistryEndpoint &endpoint, const QString &kind,
                                 std::function<void()> next);
};

} // namespace Berth::Cli
