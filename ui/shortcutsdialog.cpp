#include "ui/shortcutsdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// "&Copy Digest" → "Copy Digest": the mnemonic marker is for menus, not for a list.
QString plainText(const QAction *action)
{
    QString text = action->text();
    text.remove(u"…"_s);
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == u'&')
            text.remove(i, 1); // "&&" keeps one "&"
    }
    return text;
}

void addShortcuts(QTreeWidgetItem *group, const QMenu *menu)
{
    const auto actions = menu->actions();
    for (const QAction *action : actions) {
        if (action->menu()) {
            addShortcuts(group, action->menu());
            continue;
        }
        const QList<QKeySequence> keys = action->shortcuts();
        if (action->isSeparator() || keys.isEmpty())
            continue;
        QStringList texts;
        for (const QKeySequence &key : keys)
            texts.append(key.toString(QKeySequence::NativeText));
        auto *item = new QTreeWidgetItem(group, {plainText(action), texts.join(u", "_s)});
        item->setToolTip(0, action->toolTip());
    }
}

} // namespace

ShortcutsDialog::ShortcutsDialog(const QMenuBar *menuBar, QWidget *parent)
    : QDialog(parent)
    , m_list(new QTreeWidget)
{
    setObjectName(u"shortcutsDialog"_s);
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list->setObjectName(u"shortcutList"_s);
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);

    const auto menus = menuBar->actions();
    for (const QAction *entry : menus) {
        if (!entry->menu())
            continue;
        auto *group = new QTreeWidgetItem(m_list, {plainText(entry)});
        group->setFirstColumnSpanned(true);
        QFont bold = group->font(0);
        bold.setBold(true);
        group->setFont(0, bold);
        addShortcuts(group, entry->menu());
        if (group->childCount() == 0)
            delete group;
    }
    m_list->expandAll();
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(480, 560);
}

} // namespace Berth
