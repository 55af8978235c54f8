// The `berth` executable: the command line, and the door to the window.
//
// Commands are often run in loops by scripts, so this binary links no widget, GUI, D-Bus or
// keychain library: loading and relocating those took ~30 ms of every `berth tags` call (60 % of
// a 1,000-tag listing, measured with perf; see docs/performance.md). The window lives in
// `berth-desktop` beside this file; `berth [REPOSITORY]` replaces itself with it.

#include "app/cli/command.h"
#include "app/cli/commandline.h"
#include "app/cli/output.h"
#include "app/settings.h"

#include <QCoreApplication>
#include <QTimer>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

QStringList rawArguments(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    return arguments;
}

int runCommandLine(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Berth::Settings::setApplicationIdentity();
    QCoreApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));
    Berth::Cli::CommandLine commandLine;
    const QStringList arguments = QCoreApplication::arguments();
    QObject::connect(
            &commandLine, &Berth::Cli::CommandLine::finished, &app,
            [](int exitCode) { QCoreApplication::exit(exitCode); }, Qt::QueuedConnection);
    QTimer::singleShot(0, &commandLine, [&commandLine, arguments] { commandLine.run(arguments); });
    return app.exec();
}

//! Replaces this process with berth-desktop from the same directory, same arguments. Returns
//! only when that fails.
int execDesktop(char *argv[])
{
    // /proc/self/exe, not argv[0]: berth may have been found through PATH or a symlink.
    std::error_code error;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
    const std::filesystem::path desktop
            = (error ? std::filesystem::path(argv[0]) : self).parent_path() / "berth-desktop";
    argv[0] = const_cast<char *>(desktop.c_str());
    ::execv(desktop.c_str(), argv);
    const int execError = errno;
    Berth::Cli::writeErrLine(u"berth: cannot open the window: %1: %2"_s.arg(
            QString::fromStdString(desktop.string()),
            QString::fromLocal8Bit(std::strerror(execError))));
    return Berth::Cli::ExitError;
}

} // namespace

int main(int argc, char *argv[])
{
    // Decided before any application object exists: commands must run without a display.
    if (Berth::Cli::CommandLine::wantsCommandLine(rawArguments(argc, argv)))
        return runCommandLine(argc, argv);
    return execDesktop(argv);
}
