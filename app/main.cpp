#include "cli/commandline.h"
#include "cli/output.h"
#include "desktop.h"
#include "icons.h"
#include "settings.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTimer>

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

int runDesktop(int argc, char *argv[])
{
    QApplication app(argc, argv);
    Berth::Settings::setApplicationIdentity();
    QApplication::setApplicationDisplayName(u"Berth"_s);
    QApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));
    QApplication::setDesktopFileName(u"berth"_s);
    QApplication::setWindowIcon(Berth::Icons::appIcon());
    Berth::Desktop desktop;
    QString error;
    if (!desktop.start(QCoreApplication::arguments(), &error)) {
        Berth::Cli::writeErrLine(u"berth: "_s + error);
        return Berth::Cli::ExitUsage;
    }
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // Decided before any application object exists: commands must run without a display, so
    // only the window mode constructs a QApplication.
    if (Berth::Cli::CommandLine::wantsCommandLine(rawArguments(argc, argv)))
        return runCommandLine(argc, argv);
    return runDesktop(argc, argv);
}
