#include "ui/helpmenu.h"

#include "ui/icons.h"
#include "ui/shortcutsdialog.h"

#include <QApplication>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace Berth {

HelpMenu::HelpMenu(QMainWindow *window)
    : QMenu(tr("&Help"), window)
    , m_window(window)
    , m_documentation(addAction(Icons::themed(u"help-contents"_s), tr("&Documentation")))
    , m_shortcuts(addAction(Icons::themed(u"configure-shortcuts"_s), tr("&Keyboard Shortcuts…")))
{
    setObjectName(u"helpMenu"_s);
    m_documentation->setObjectName(u"documentationAction"_s);
    m_documentation->setShortcut(QKeySequence::HelpContents);
    m_documentation->setStatusTip(tr("Open the folder with Berth's guides"));
    connect(m_documentation, &QAction::triggered, this, &HelpMenu::openDocumentation);

    m_shortcuts->setObjectName(u"shortcutsAction"_s);
    m_shortcuts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Slash));
    connect(m_shortcuts, &QAction::triggered, this, [this] { openShortcutsDialog(); });

    addSeparator();
    m_about = addAction(Icons::themed(u"help-about"_s), tr("&About Berth"));
    m_about->setObjectName(u"aboutAction"_s);
    m_about->setMenuRole(QAction::AboutRole);
    connect(m_about, &QAction::triggered, this,
            [this] { QMessageBox::about(m_window, tr("About Berth"), aboutText()); });
    QAction *aboutQt = addAction(tr("About &Qt"));
    aboutQt->setObjectName(u"aboutQtAction"_s);
    aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

QString HelpMenu::documentationFolder()
{
    // An installed berth-desktop lives in <prefix>/bin; a build's in <build>/app.
    const QString installed
            = QDir::cleanPath(QCoreApplication::applicationDirPath() + u"/../share/doc/berth"_s);
    for (const QString &folder : {installed, QStringLiteral(BERTH_SOURCE_DOCS_DIR)}) {
        if (QFileInfo(folder).isDir())
            return folder;
    }
    return {};
}

QString HelpMenu::aboutText()
{
    const QString docs = documentationFolder();
    return tr("<h3>Berth %1</h3>"
              "<p>A fast desktop browser for container registries: Harbor 2.x and 1.x and any "
              "OCI or Docker Registry v2 server.</p>"
              "<p>Built with Qt %2, running on Qt %3.</p>"
              "<p><b>Settings:</b> %4<br><b>Cache:</b> %5<br><b>Guides:</b> %6<br>"
              "<b>Command line:</b> <tt>berth --help</tt>, <tt>man berth</tt></p>")
            .arg(QStringLiteral(BERTH_VERSION), QStringLiteral(QT_VERSION_STR),
                 QString::fromLatin1(qVersion()), QSettings().fileName().toHtmlEscaped(),
                 QStandardPaths::writableLocation(QStandardPaths::CacheLocation).toHtmlEscaped(),
                 docs.isEmpty() ? tr("not installed") : docs.toHtmlEscaped());
}

ShortcutsDialog *HelpMenu::openShortcutsDialog()
{
    auto *dialog = new ShortcutsDialog(m_window->menuBar(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void HelpMenu::openDocumentation()
{
    const QString folder = documentationFolder();
    if (!folder.isEmpty() && QDesktopServices::openUrl(QUrl::fromLocalFile(folder)))
        return;
    QMessageBox::information(
            m_window, tr("Documentation"),
            folder.isEmpty()
                    ? tr("Berth's guides are not installed here. The command line explains "
                         "itself: <tt>berth --help</tt> and <tt>man berth</tt>.")
                    : tr("No application opens folders here. Berth's guides are in %1; the "
                         "command line has <tt>berth --help</tt> and <tt>man berth</tt>.")
                              .arg(folder.toHtmlEscaped()));
}

} // namespace Berth
