#pragma once

#include <QObject>
#include <QStringList>

namespace Berth::Cli {

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
};

} // namespace Berth::Cli
