#pragma once

#include "app/cli/command.h"

#include <QList>
#include <QObject>

namespace Berth::Cli {

//! `berth <command> [options]`: finds the command and runs it. Global --help and --version.
class CommandLine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CommandLine)
public:
    explicit CommandLine(QObject *parent = nullptr);

    //! False only for the window: no argument, or one HOST/REPOSITORY reference.
    static bool wantsCommandLine(const QStringList &arguments);
    //! Starts; finished() follows exactly once.
    void run(const QStringList &arguments);
    QString helpText() const;

Q_SIGNALS:
    void finished(int exitCode);

private:
    Command *find(const QString &name) const;
    QList<Command *> m_commands;
};

} // namespace Berth::Cli
