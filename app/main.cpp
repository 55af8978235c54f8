#include "cli/commandline.h"
#include "cli/output.h"

#include <QCoreApplication>
#include <QTimer>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"berth"_s);
    QCoreApplication::setOrganizationName(u"berth"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));

    Berth::Cli::CommandLine commandLine;
    const QStringList arguments = QCoreApplication::arguments();
    if (!Berth::Cli::CommandLine::wantsCommandLine(arguments)) {
        // The window arrives with the desktop app issue; until then only commands exist.
        Berth::Cli::writeErrLine(u"berth: the desktop window is not built yet; see berth --help"_s);
        return Berth::Cli::ExitUsage;
    }
    QObject::connect(
            &commandLine, &Berth::Cli::CommandLine::finished, &app,
            [](int exitCode) { QCoreApplication::exit(exitCode); }, Qt::QueuedConnection);
    QTimer::singleShot(0, &commandLine, [&commandLine, arguments] { commandLine.run(arguments); });
    return app.exec();
}
