#pragma once

#include <QDialog>

class QMenuBar;
class QTreeWidget;

namespace Berth {

//! Help ▸ Keyboard Shortcuts: every action of the window's menus that has a shortcut, grouped
//! by menu, read from the menu bar when the dialog opens — so the list cannot go stale when an
//! action or a shortcut changes.
class ShortcutsDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ShortcutsDialog)
public:
    explicit ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }

private:
    QTreeWidget *m_list;
};

} // namespace Berth
