// The `berth-desktop` executable: the window. `berth [REPOSITORY]` starts it (see main.cpp).

#include "app/cli/command.h"
#include "app/cli/output.h"
#include "app/desktop.h"
#include "app/settings.h"
#include "ui/icons.h"

#include <QApplication>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    // Qt parses the arguments it is given (-platform, -style, --platform X loads a plugin and
    // aborts): it gets the program name only. The person's arguments go to Desktop.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));
    int qtArgc = 1;
    char *qtArgv[] = {argv[0], nullptr};
    QApplication app(qtArgc, qtArgv);
    Berth::Settings::setApplicationIdentity();
    QApplication::setApplicationDisplayName(u"Berth"_s);
    QApplication::setApplicationVersion(QStringLiteral(BERTH_VERSION));
    QApplication::setDesktopFileName(u"org.example.berth"_s);
    QApplication::setWindowIcon(Berth::Icons::appIcon());
    Berth::Desktop desktop;
    QString error;
    if (!desktop.start(arguments, &error)) {
        Berth::Cli::writeErrLine(u"berth: "_s + error);
        return Berth::Cli::ExitUsage;
    }
    return app.exec();
}
