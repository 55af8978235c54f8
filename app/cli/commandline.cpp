#include "app/cli/commandline.h"

#include "app/cli/cachecommand.h"
#include "app/cli/catcommand.h"
#include "app/cli/cleanupcommand.h"
#include "app/cli/diffcommand.h"
#include "app/cli/exportcommand.h"
#include "app/cli/inspectcommand.h"
#include "app/cli/lscommand.h"
#include "app/cli/output.h"
#include "app/cli/reposcommand.h"
#include "app/cli/retagcommand.h"
#include "app/cli/rmcommand.h"
#include "app/cli/tagscommand.h"
#include "app/cli/undocommand.h"

#include <QCoreApplication>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

CommandLine::CommandLine(QObject *parent)
    : QObject(parent)
{
    m_commands = {new TagsCommand(this),    new InspectCommand(this), new ExportCommand(this),
                  new ReposCommand(this),   new RetagCommand(this),   new RmCommand(this),
                  new CleanupCommand(this), new UndoCommand(this),    new LsCommand(this),
                  new CatCommand(this),     new DiffCommand(this),    new CacheCommand(this)};
    for (Command *command : std::as_const(m_commands))
        connect(command, &Command::finished, this, &CommandLine::finished);
}

bool CommandLine::wantsCommandLine(const QStringList &arguments)
{
    // The window takes `berth` and `berth HOST/REPOSITORY` only. Everything else is the command
    // line's, which names a mistyped command instead of opening a window on it ("berth cleanup
    // HOST/repo" once opened the window on a repository called "cleanup", and an option such as
    // --platform reached Qt's own option parsing).
    if (arguments.size() < 2)
        return false;
    const QString &first = arguments.at(1);
    const bool reference = arguments.size() == 2 && !first.startsWith(u'-') && first.contains(u'/');
    return !reference;
}

QString CommandLine::helpText() const
{
    QString text = u"Usage: berth [REPOSITORY]\n"
                   "       berth <command> [options] ARGUMENTS\n\n"
                   "Berth browses container registries (OCI Distribution / Docker Registry v2).\n\n"
                   "Commands:\n"_s;
    for (const Command *command : m_commands)
        text += u"  "_s + command->name().leftJustified(10) + command->summary() + u'\n';
    text += u"\nRun 'berth <command> --help' for a command's options.\n\n"
            "Exit codes: 0 success, 1 error (network, registry, not found), 2 usage error.\n"
            "Results go to standard output; messages and errors to standard error.\n"_s;
    return text;
}

Command *CommandLine::find(const QString &name) const
{
    for (Command *command : m_commands) {
        if (command->name() == name)
            return command;
    }
    return nullptr;
}

void CommandLine::run(const QStringList &arguments)
{
    const QString first = arguments.value(1);
    if (first == u"--version" || first == u"-v") {
        writeOutLine(u"berth "_s + QCoreApplication::applicationVersion());
        return Q_EMIT finished(ExitOk);
    }
    if (first.isEmpty() || first == u"--help" || first == u"-h" || first == u"help") {
        writeOut(helpText().toUtf8());
        return Q_EMIT finished(first.isEmpty() ? ExitUsage : ExitOk);
    }
    Command *command = find(first);
    if (!command) {
        QStringList names;
        for (const Command *known : m_commands)
            names.append(known->name());
        writeErrLine(
                u"berth: unknown command \"%1\"; the commands are: %2 (see berth --help)"_s.arg(
                        first, names.join(u", "_s)));
        return Q_EMIT finished(ExitUsage);
    }
    command->run(arguments.mid(1));
}

} // namespace Berth::Cli
