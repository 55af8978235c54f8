#include "ui/repositorybrowser.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/offlinetext.h"
#include "models/session/reconnector.h"
#include "models/session/registrysession.h"
#include "models/session/sessionmanager.h"
#include "models/watch/watchservice.h"
#include "ui/connectiondialog.h"
#include "ui/icons.h"
#include "ui/repositorytreedelegate.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

using Kind = RepositoryTreeModel::NodeKind;

Kind kindOf(const QModelIndex &index)
{
    return index.data(RepositoryTreeModel::NodeKindRole).value<Kind>();
}

//! The theme's icon, else the one bundled with Berth, else the style's.
QIcon themeIcon(const QString &name, QStyle *style, QStyle::StandardPixmap fallback)
{
    const QIcon icon = Icons::themed(name);
    return icon.isNull() ? style->standardIcon(fallback) : icon;
}

//! Filters the tree by path (case-insensitive, recursive: a folder stays when a child matches,
//! and a matching folder keeps all its children) and adds the icons, which need a style.
class RepositoryFilterModel final : public QSortFilterProxyModel
{
public:
    RepositoryFilterModel(QWidget *styleSource, QObject *parent)
        : QSortFilterProxyModel(parent)
        , m_styleSource(styleSource)
    {
        setFilterRole(RepositoryTreeModel::PathRole);
        setFilterCaseSensitivity(Qt::CaseInsensitive);
        setRecursiveFilteringEnabled(true);
        setAutoAcceptChildRows(true);
    }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role != Qt::DecorationRole)
            return QSortFilterProxyModel::data(index, role);
        const Kind kind = kindOf(index);
        // Asked on every paint of every row: made once per kind, since the style's icons are
        // read from image files each time they are asked for (most of the CPU of listing a
        // 10,000-repository catalog went there).
        QIcon &icon = m_icons[int(kind)];
        if (icon.isNull())
            icon = iconOf(kind);
        return icon;
    }

    //! The style changed: its icons are asked for again.
    void forgetIcons() { m_icons.clear(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override
    {
        const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
        const Kind kind = kindOf(index);
        if (kind != Kind::Folder && kind != Kind::Repository) {
            // Status rows at the top always show; inside folders only when not filtering (a
            // Loading row would otherwise keep every folder visible).
            return !sourceParent.isValid() || filterRegularExpression().pattern().isEmpty();
        }
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }

private:
    QIcon iconOf(Kind kind) const
    {
        QStyle *style = m_styleSource->style();
        switch (kind) {
        case Kind::Folder:
            return themeIcon(u"folder"_s, style, QStyle::SP_DirIcon);
        case Kind::Repository:
            return themeIcon(u"package-x-generic"_s, style, QStyle::SP_FileIcon);
        case Kind::Loading:
            return themeIcon(u"content-loading"_s, style, QStyle::SP_BrowserReload);
        case Kind::Error:
            return themeIcon(u"dialog-warning"_s, style, QStyle::SP_MessageBoxWarning);
        case Kind::CatalogUnavailable:
            return themeIcon(u"dialog-information"_s, style, QStyle::SP_MessageBoxInformation);
        }
        return {};
    }

    QWidget *m_styleSource;
    mutable QHash<int, QIcon> m_icons; // by Kind
};

} // namespace

RepositoryBrowser::RepositoryBrowser(ConnectionStore *connections, SessionManager *sessions,
                                     QWidget *parent)
    : QWidget(parent)
    , m_connections(connections)
    , m_sessions(sessions)
    , m_model(new RepositoryTreeModel(this))
    , m_proxy(new RepositoryFilterModel(this, this))
    , m_offlineTimer(new QTimer(this))
{
    m_proxy->setSourceModel(m_model);

    // Actions, for the buttons here and for the window's menus.
    m_addAction = new QAction(themeIcon(u"list-add"_s, style(), QStyle::SP_FileDialogNewFolder),
                              tr("&Add Registry…"), this);
    m_editAction = new QAction(
            themeIcon(u"document-properties"_s, style(), QStyle::SP_FileDialogDetailedView),
            tr("&Edit Registry…"), this);
    m_removeAction = new QAction(themeIcon(u"list-remove"_s, style(), QStyle::SP_TrashIcon),
                                 tr("&Remove Registry"), this);
    m_openAction = new QAction(themeIcon(u"document-open"_s, style(), QStyle::SP_DirOpenIcon),
                               tr("&Open Repository…"), this);
    m_openAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_openAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_reloadAction = new QAction(themeIcon(u"view-refresh"_s, style(), QStyle::SP_BrowserReload),
                                 tr("Re&load Repositories"), this);
    addAction(m_openAction);

    // Connection row: which registry, and buttons to manage them.
    m_connectionBox = new QComboBox(this);
    m_connectionBox->setObjectName(u"connections"_s);
    m_connectionBox->setPlaceholderText(tr("No registries"));
    m_connectionBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_connectionBox->setMinimumContentsLength(12);
    m_connectionBox->setAccessibleName(tr("Registry"));
    const auto toolButton = [this](QAction *action) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setAutoRaise(true);
        return button;
    };
    m_addButton = toolButton(m_addAction);
    m_editButton = toolButton(m_editAction);
    m_removeButton = toolButton(m_removeAction);
    auto *connectionRow = new QHBoxLayout;
    connectionRow->setSpacing(2);
    connectionRow->addWidget(m_connectionBox, 1);
    connectionRow->addWidget(m_addButton);
    connectionRow->addWidget(m_editButton);
    connectionRow->addWidget(m_removeButton);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"filter"_s);
    m_filter->setPlaceholderText(tr("Filter repositories"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter repositories"));

    // Status line: connecting, or why the registry could not be opened (with a retry).
    m_statusRow = new QWidget(this);
    m_statusIcon = new QLabel(m_statusRow);
    m_status = new QLabel(m_statusRow);
    m_status->setObjectName(u"status"_s);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_retry = new QPushButton(tr("Retry"), m_statusRow);
    m_retry->setObjectName(u"retry"_s);
    auto *statusLayout = new QHBoxLayout(m_statusRow);
    statusLayout->setContentsMargins(0, 0, 0, 0);
    statusLayout->addWidget(m_statusIcon, 0, Qt::AlignTop);
    statusLayout->addWidget(m_status, 1);
    statusLayout->addWidget(m_retry, 0, Qt::AlignTop);
    m_statusRow->hide();

    m_view = new QTreeView(this);
    m_view->setObjectName(u"repositories"_s);
    m_view->setModel(m_proxy);
    m_view->setHeaderHidden(true);
    m_view->setUniformRowHeights(true); // thousands of rows: no per-row size queries
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAccessibleName(tr("Repositories"));
    m_view->setItemDelegate(new RepositoryTreeDelegate(m_view));

    // "Open repository": type a path (the catalog may be refused, or just long).
    m_openRow = new QWidget(this);
    m_openEdit = new QLineEdit(m_openRow);
    m_openEdit->setObjectName(u"openRepository"_s);
    m_openEdit->setPlaceholderText(tr("Repository path, e.g. team-a/api"));
    m_openEdit->setAccessibleName(tr("Repository path"));
    auto *openButton = new QPushButton(tr("Open"), m_openRow);
    auto *openLayout = new QHBoxLayout(m_openRow);
    openLayout->setContentsMargins(0, 0, 0, 0);
    openLayout->addWidget(m_openEdit, 1);
    openLayout->addWidget(openButton);
    m_openRow->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(connectionRow);
    layout->addWidget(m_filter);
    layout->addWidget(m_statusRow);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_openRow);

    setTabOrder(m_connectionBox, m_addButton);
    setTabOrder(m_addButton, m_editButton);
    setTabOrder(m_editButton, m_removeButton);
    setTabOrder(m_removeButton, m_filter);
    setTabOrder(m_filter, m_view);
    setTabOrder(m_view, m_openEdit);
    for (QToolButton *button : {m_addButton, m_editButton, m_removeButton})
        button->setFocusPolicy(Qt::TabFocus);

    connect(m_addAction, &QAction::triggered, this, &RepositoryBrowser::addConnection);
    connect(m_editAction, &QAction::triggered, this, &RepositoryBrowser::editConnection);
    connect(m_removeAction, &QAction::triggered, this, &RepositoryBrowser::removeConnection);
    connect(m_openAction, &QAction::triggered, this, &RepositoryBrowser::showOpenRow);
    connect(m_reloadAction, &QAction::triggered, this, &RepositoryBrowser::reload);
    connect(m_retry, &QPushButton::clicked, this, &RepositoryBrowser::onRetryClicked);
    connect(openButton, &QPushButton::clicked, this, &RepositoryBrowser::openTypedRepository);
    connect(m_openEdit, &QLineEdit::returnPressed, this, &RepositoryBrowser::openTypedRepository);
    connect(m_connectionBox, &QComboBox::currentIndexChanged, this,
            &RepositoryBrowser::onConnectionIndexChanged);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text.trimmed());
        // Show the matches inside folders; a handful only, expanding starts their listings.
        constexpr int MaxExpanded = 20;
        if (!text.trimmed().isEmpty() && m_proxy->rowCount() <= MaxExpanded) {
            for (int row = 0; row < m_proxy->rowCount(); ++row) {
                const QModelIndex index = m_proxy->index(row, 0);
                if (m_proxy->rowCount(index) > 0)
                    m_view->expand(index);
            }
        }
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) { onCurrentChanged(current); });
    connect(m_view, &QTreeView::activated, this, &RepositoryBrowser::onActivated);
    connect(m_view, &QWidget::customContextMenuRequested, this,
            &RepositoryBrowser::showContextMenu);
    connect(m_model, &RepositoryTreeModel::catalogUnavailable, this, [this] { m_openRow->show(); });
    // A repository opened by name (command line, last location) is selected before the catalog
    // has been listed; the pages that arrive after it insert rows above it. Keep it on screen
    // until the catalog is complete or the person scrolls.
    connect(m_model, &RepositoryTreeModel::pageFetched, this, [this] {
        if (!m_followCurrent)
            return;
        if (m_view->currentIndex().isValid())
            m_view->scrollTo(m_view->currentIndex());
        if (!m_model->canFetchMore({}) && !m_model->isLoading())
            m_followCurrent = false;
    });
    connect(m_view->verticalScrollBar(), &QAbstractSlider::actionTriggered, this,
            [this] { m_followCurrent = false; }); // only a person's scrolling triggers actions
    connect(m_model, &RepositoryTreeModel::offlineChanged, this,
            &RepositoryBrowser::onOfflineChanged);
    // Whole seconds are what the countdown shows.
    m_offlineTimer->setInterval(1000);
    connect(m_offlineTimer, &QTimer::timeout, this, &RepositoryBrowser::updateOfflineStatus);
    if (m_sessions) {
        connect(m_sessions, &SessionManager::sessionOpened, this,
                &RepositoryBrowser::onSessionReplaced);
        connect(m_sessions, &SessionManager::reopenFailed, this,
                [this](const QString &connectionId, const Error &error) {
                    if (connectionId != m_shownConnection)
                        return;
                    m_offlineTimer->stop();
                    m_model->setSession(nullptr);
                    showStatus(error.message, true);
                    m_retry->setText(tr("Retry"));
                    m_retry->show();
                });
    }

    if (m_connections) {
        connect(m_connections, &ConnectionStore::connectionAdded, this,
                [this](const QString &id) { rebuildConnections(id); });
        connect(m_connections, &ConnectionStore::connectionChanged, this,
                [this](const QString &id) {
                    rebuildConnections(currentConnectionId());
                    if (id == m_shownConnection)
                        openCurrent(); // its session was closed: other address or credentials
                });
        connect(m_connections, &ConnectionStore::connectionRemoved, this,
                [this] { rebuildConnections(currentConnectionId()); });
    }
    rebuildConnections(QString());
}

RepositoryBrowser::~RepositoryBrowser() = default;

QString RepositoryBrowser::currentConnectionId() const
{
    return m_connectionBox->currentData().toString();
}

void RepositoryBrowser::setCurrentConnection(const QString &connectionId)
{
    const int index = m_connectionBox->findData(connectionId);
    if (index < 0)
        return;
    if (index == m_connectionBox->currentIndex()) {
        if (m_shownConnection != connectionId)
            onConnectionIndexChanged(index);
        return;
    }
    m_connectionBox->setCurrentIndex(index); // onConnectionIndexChanged follows
}

void RepositoryBrowser::setWatchService(WatchService *watch)
{
    m_watch = watch;
    m_model->setWatchService(watch, m_shownConnection);
}

WatchService *RepositoryBrowser::watchService() const
{
    return m_watch;
}

QString RepositoryBrowser::currentRepository() const
{
    return m_view->currentIndex().data(RepositoryTreeModel::RepositoryRole).toString();
}

void RepositoryBrowser::rebuildConnections(const QString &select)
{
    const QList<Connection> all
            = m_connections ? m_connections->connections() : QList<Connection>();
    {
        const QSignalBlocker blocker(m_connectionBox);
        m_connectionBox->clear();
        const QIcon icon = themeIcon(u"network-server"_s, style(), QStyle::SP_DriveNetIcon);
        for (const Connection &c : all) {
            m_connectionBox->addItem(icon, c.name.isEmpty() ? c.host() : c.name, c.id);
            m_connectionBox->setItemData(m_connectionBox->count() - 1, c.address, Qt::ToolTipRole);
        }
        int index = m_connectionBox->findData(select);
        if (index < 0 && !all.isEmpty())
            index = 0;
        m_connectionBox->setCurrentIndex(index);
    }
    const bool any = !all.isEmpty();
    m_editAction->setEnabled(any);
    m_removeAction->setEnabled(any);
    m_filter->setEnabled(any);
    if (currentConnectionId() != m_shownConnection || !any)
        onConnectionIndexChanged(m_connectionBox->currentIndex());
}

void RepositoryBrowser::onConnectionIndexChanged(int index)
{
    Q_UNUSED(index)
    const QString id = currentConnectionId();
    openCurrent();
    if (!id.isEmpty())
        Q_EMIT connectionActivated(id);
}

void RepositoryBrowser::openCurrent()
{
    const QString id = currentConnectionId();
    m_shownConnection = id;
    m_model->setWatchService(m_watch, id);
    m_lastEmitted.clear();
    m_openRow->setVisible(false);
    if (id.isEmpty() || !m_sessions) {
        m_model->setSession(nullptr);
        showStatus(tr("No registries yet. Add one with “Add Registry…” (+)."), false);
        m_retry->hide();
        return;
    }
    if (RegistrySession *open = m_sessions->session(id)) {
        onSessionOpened(id, open);
        return;
    }
    m_model->setSession(nullptr);
    const Connection connection = m_connections->connection(id);
    showStatus(tr("Connecting to %1…").arg(connection.host()), false);
    m_retry->hide();
    m_sessions->open(id, this, [this, id](Result<RegistrySession *> result) {
        if (id != m_shownConnection)
            return; // another registry was chosen meanwhile
        if (!result.ok()) {
            if (result.error().code != ErrorCode::Cancelled) {
                showStatus(result.error().message, true);
                m_retry->show();
            }
            return;
        }
        onSessionOpened(id, result.value());
    });
}

void RepositoryBrowser::onSessionOpened(const QString &connectionId, RegistrySession *session)
{
    Q_UNUSED(connectionId)
    m_statusRow->hide();
    if (m_model->session() != session) {
        m_model->setSession(session);
        if (m_proxy->canFetchMore({}))
            m_proxy->fetchMore({});
    }
    updateOfflineStatus();
    applyPendingSelection();
}

void RepositoryBrowser::onSessionReplaced(const QString &connectionId)
{
    RegistrySession *session = m_sessions->session(connectionId);
    if (connectionId != m_shownConnection || !session || m_model->session() == session
        || !m_model->session()) {
        return; // not shown, or opened through openCurrent(), which shows it itself
    }
    // The registry answers again: the live tree replaces the cached one, with the same
    // repository selected (it was shown already: no repositoryActivated for it).
    keepSelection();
    onSessionOpened(connectionId, session);
}

void RepositoryBrowser::onOfflineChanged(bool offline)
{
    if (!offline) {
        // A live session reachable again: the tree started over; list and keep the selection.
        keepSelection();
        if (m_proxy->canFetchMore({}))
            m_proxy->fetchMore({});
        applyPendingSelection();
    }
    updateOfflineStatus();
}

void RepositoryBrowser::keepSelection()
{
    // The repository last told to the window (the tree may have been reset already).
    if (!m_pendingRepository.isEmpty() || !m_lastEmitted.startsWith(m_shownConnection + u'\n'))
        return;
    m_pendingConnection = m_shownConnection;
    m_pendingRepository = m_lastEmitted.mid(m_shownConnection.size() + 1);
}

void RepositoryBrowser::onRetryClicked()
{
    RegistrySession *session = m_model->session();
    if (session && session->isOffline()) {
        session->retryNow();
        updateOfflineStatus();
        return;
    }
    openCurrent();
}

void RepositoryBrowser::updateOfflineStatus()
{
    RegistrySession *session = m_model->session();
    if (!session || !session->isOffline()) {
        if (m_offlineTimer->isActive()) {
            m_offlineTimer->stop();
            m_statusRow->hide();
        }
        return;
    }
    if (!m_offlineTimer->isActive())
        m_offlineTimer->start();
    QStringList lines;
    const QDateTime seen = m_model->lastSeen();
    if (m_model->showsLastKnownState()) {
        lines.append(seen.isValid() ? tr("Offline — last seen %1").arg(ageText(seen))
                                    : tr("Offline — nothing known from earlier visits"));
    } else {
        lines.append(tr("Offline"));
    }
    lines.append(tr("%1 cannot be reached: %2")
                         .arg(session->registryName(), unreachableReason(session->offlineError())));
    if (const QString retry = retryText(session->reconnector()); !retry.isEmpty())
        lines.append(retry + u'.');
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_statusIcon->setPixmap(themeIcon(u"network-offline"_s, style(), QStyle::SP_MessageBoxWarning)
                                    .pixmap(size, size));
    m_status->setText(lines.join(u'\n'));
    m_status->setToolTip(seen.isValid() ? tr("The repositories are those the cache knew on %1.")
                                                  .arg(QLocale().toString(seen.toLocalTime(),
                                                                          QLocale::ShortFormat))
                                        : QString());
    m_retry->setText(tr("Retry now"));
    m_retry->setEnabled(!session->reconnector()->isAttempting());
    m_retry->show();
    m_statusRow->show();
}

QString RepositoryBrowser::statusText() const
{
    return m_statusRow->isHidden() ? QString() : m_status->text();
}

void RepositoryBrowser::reload()
{
    if (!m_model->session()) {
        openCurrent();
        return;
    }
    m_lastEmitted.clear();
    m_model->reload();
    if (m_proxy->canFetchMore({}))
        m_proxy->fetchMore({});
}

void RepositoryBrowser::showStatus(const QString &text, bool error)
{
    m_retry->setText(tr("Retry"));
    m_retry->setEnabled(true);
    m_status->setToolTip({});
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    const QIcon icon
            = error ? themeIcon(u"dialog-error"_s, style(), QStyle::SP_MessageBoxCritical)
                    : themeIcon(u"dialog-information"_s, style(), QStyle::SP_MessageBoxInformation);
    m_statusIcon->setPixmap(icon.pixmap(size, size));
    m_status->setText(text);
    m_statusRow->show();
}

void RepositoryBrowser::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::StyleChange)
        static_cast<RepositoryFilterModel *>(m_proxy)->forgetIcons();
    QWidget::changeEvent(event);
}

void RepositoryBrowser::selectRepository(const QString &connectionId, const QString &repository)
{
    m_pendingConnection = connectionId;
    m_pendingRepository = repository.trimmed();
    if (currentConnectionId() != connectionId || m_shownConnection != connectionId)
        setCurrentConnection(connectionId); // selection follows when the session is open
    else
        applyPendingSelection();
}

void RepositoryBrowser::applyPendingSelection()
{
    if (m_pendingRepository.isEmpty() || m_pendingConnection != m_shownConnection
        || !m_model->session()) {
        return;
    }
    const QString repository = std::exchange(m_pendingRepository, {});
    m_pendingConnection.clear();
    const QModelIndex source = m_model->addRepository(repository);
    if (!source.isValid())
        return;
    QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid()) {
        m_filter->clear(); // the filter hid it
        index = m_proxy->mapFromSource(source);
    }
    if (index.parent().isValid())
        m_view->expand(index.parent());
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index);
    m_followCurrent = m_model->canFetchMore({}) || m_model->isLoading();
    emitRepository(repository);
}

void RepositoryBrowser::emitRepository(const QString &repository)
{
    const QString key = m_shownConnection + u'\n' + repository;
    if (key == m_lastEmitted)
        return;
    m_lastEmitted = key;
    Q_EMIT repositoryActivated(m_shownConnection, repository);
}

void RepositoryBrowser::onCurrentChanged(const QModelIndex &current)
{
    if (kindOf(current) == Kind::Repository && current.isValid())
        emitRepository(current.data(RepositoryTreeModel::RepositoryRole).toString());
}

void RepositoryBrowser::onActivated(const QModelIndex &index)
{
    switch (kindOf(index)) {
    case Kind::Repository:
        // Explicit (Enter, double click): tell again even when it is the current one.
        m_lastEmitted.clear();
        emitRepository(index.data(RepositoryTreeModel::RepositoryRole).toString());
        break;
    case Kind::Folder:
        m_view->setExpanded(index, !m_view->isExpanded(index));
        break;
    case Kind::Error:
        m_model->retry(m_proxy->mapToSource(index));
        break;
    case Kind::CatalogUnavailable:
        showOpenRow();
        break;
    case Kind::Loading:
        break;
    }
}

void RepositoryBrowser::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_view->indexAt(position);
    QMenu menu(this);
    if (index.isValid() && kindOf(index) == Kind::Error) {
        menu.addAction(themeIcon(u"view-refresh"_s, style(), QStyle::SP_BrowserReload),
                       tr("&Try Again"), this,
                       [this, source = QPersistentModelIndex(m_proxy->mapToSource(index))] {
                           m_model->retry(source);
                       });
        menu.addSeparator();
    }
    menu.addAction(m_openAction);
    menu.addAction(m_reloadAction);
    if (index.isValid() && kindOf(index) == Kind::Repository) {
        const QString repository = index.data(RepositoryTreeModel::RepositoryRole).toString();
        QAction *cleanup = menu.addAction(tr("&Clean Up…"), this, [this, repository] {
            Q_EMIT cleanupRequested(m_shownConnection, repository);
        });
        if (m_model->isOffline()) {
            // Nothing that changes the registry while it cannot be reached (or only the cache's
            // memory of it is shown).
            cleanup->setEnabled(false);
            cleanup->setToolTip(tr("The registry cannot be reached: clean-up needs it."));
            menu.setToolTipsVisible(true);
        }
        if (m_watch) {
            QAction *watch = menu.addAction(tr("&Watch for New Tags"));
            watch->setObjectName(u"watchRepository"_s);
            watch->setCheckable(true);
            watch->setChecked(m_watch->isWatched(m_shownConnection, repository));
            connect(watch, &QAction::toggled, this,
                    [this, connection = m_shownConnection, repository](bool on) {
                        if (m_watch)
                            m_watch->setWatched(connection, repository, on);
                    });
        }
    }
    menu.addSeparator();
    menu.addAction(m_addAction);
    menu.addAction(m_editAction);
    menu.addAction(m_removeAction);
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

void RepositoryBrowser::showOpenRow()
{
    if (currentConnectionId().isEmpty())
        return;
    m_openRow->show();
    m_openEdit->setFocus(Qt::ShortcutFocusReason);
    m_openEdit->selectAll();
}

void RepositoryBrowser::openTypedRepository()
{
    QString path = m_openEdit->text().trimmed();
    // A pasted reference ("host/team-a/api:1.0") names the same repository.
    const QString host = m_connections->connection(m_shownConnection).host();
    if (!host.isEmpty() && path.startsWith(host + u'/'))
        path = path.mid(host.size() + 1);
    if (const qsizetype at = path.indexOf(u'@'); at > 0)
        path = path.left(at);
    if (const qsizetype colon = path.lastIndexOf(u':'); colon > path.lastIndexOf(u'/'))
        path = path.left(colon);
    if (path.isEmpty())
        return;
    m_openEdit->clear();
    if (!m_model->isCatalogUnavailable())
        m_openRow->hide();
    selectRepository(m_shownConnection, path);
    m_view->setFocus(Qt::OtherFocusReason);
}

void RepositoryBrowser::addConnection()
{
    auto *dialog = new ConnectionDialog(m_connections, m_sessions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_connections->save(dialog->connection(), dialog->secret()); });
    dialog->open();
}

void RepositoryBrowser::editConnection()
{
    const Connection connection = m_connections->connection(currentConnectionId());
    if (!connection.isValid())
        return;
    auto *dialog = new ConnectionDialog(m_connections, m_sessions, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setConnection(connection);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_connections->save(dialog->connection(), dialog->secret()); });
    dialog->open();
}

void RepositoryBrowser::removeConnection()
{
    const Connection connection = m_connections->connection(currentConnectionId());
    if (!connection.isValid())
        return;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Remove Registry"),
                                tr("Remove “%1” from the list? Its saved password goes too; the "
                                   "registry itself is not touched.")
                                        .arg(connection.name),
                                QMessageBox::Cancel, this);
    QPushButton *remove = box->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QString id = connection.id;
    connect(box, &QMessageBox::buttonClicked, this, [this, id, remove](QAbstractButton *button) {
        if (button == remove)
            m_connections->remove(id);
    });
    box->open();
}

} // namespace Berth
