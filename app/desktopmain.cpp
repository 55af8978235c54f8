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
