#pragma once

#include <QMenu>
#include <QPointer>

class QMainWindow;

namespace Berth {

class ShortcutsDialog;

//! The Help menu: Documentation (F1: the installed guides), Keyboard Shortcuts (read from the
//! window's menu bar), About Berth (version, Qt, where settings and the cache are) and About Qt.
class HelpMenu final : public QMenu
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HelpMenu)
public:
    explicit HelpMenu(QMainWindow *window);

    //! The folder with Berth's guides: <prefix>/share/doc/berth next to an installed binary,
    //! else the source tree's docs/ of a build; empty when neither exists.
    static QString documentationFolder();
    //! The About box's text (rich text).
    static QString aboutText();

    QAction *documentationAction() const { return m_documentation; }
    QAction *shortcutsAction() const { return m_shortcuts; }
    QAction *aboutAction() const { return m_about; }

    ShortcutsDialog *openShortcutsDialog();

private:
    void openDocumentation();

    QMainWindow *m_window;
    QAction *m_documentation;
    QAction *m_shortcuts;
    QAction *m_about;
};

} // namespace Berth
