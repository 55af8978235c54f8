#include "ui/mainwindow.h"

#include "models/cleanup/cleanupjournal.h"
#include "models/cleanup/undojob.h"
#include "models/files/layerlistingcache.h"
#include "models/metadata/metadatacache.h"
#include "models/metadata/metadataservice.h"
#include "models/session/offlinetext.h"
#include "models/session/reconnector.h"
#include "models/session/registrysession.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "net/core/schedulerstats.h"
#include "net/core/servertext.h"
#include "ui/cachedialog.h"
#include "ui/cleanupdialog.h"
#include "ui/comparedialog.h"
#include "ui/detailspane.h"
#include "ui/errorbanner.h"
#include "ui/exportreportdialog.h"
#include "ui/filesview.h"
#include "ui/helpmenu.h"
#include "ui/icons.h"
#include "ui/preferencesdialog.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace Berth {

// The scheduler reports every request start and finish; the status line needs a few updates a
// second at most (10 Hz reads as live without costing anything measurable).
static constexpr int StatusIntervalMs = 100;

// The platform's key for a standard action, or fallback where the platform has none (Quit and
// Preferences have no binding on a plain X11 or offscreen platform).
static QList<QKeySequence> standardOr(QKeySequence::StandardKey key, QKeySequence fallback)
{
    const QList<QKeySequence> keys = QKeySequence::keyBindings(key);
    return keys.isEmpty() ? QList<QKeySequence>{fallback} : keys;
}

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_layerCache(std::make_unique<LayerListingCache>())
    , m_model(new TagTableModel(this))
    , m_proxy(new TagFilterProxyModel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_location(new QLabel(this))
    , m_filter(new QLineEdit(this))
    , m_filterSyntax(new QComboBox(this))
    , m_banner(new ErrorBanner(this))
    , m_offlineBanner(new ErrorBanner(this))
    , m_offlineTimer(new QTimer(this))
    , m_view(new TagTableView(this))
    , m_details(new DetailsPane(this))
    , m_actions(new TagActions(m_view, this, this))
    , m_status(new QLabel(this))
    , m_busy(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_progressText(new QLabel(this))
    , m_cancel(new QToolButton(this))
    , m_waiting(new QLabel(this))
    , m_cancelWaiting(new QToolButton(this))
    , m_waitingTimer(new QTimer(this))
    , m_statusTimer(new QTimer(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowIcon(Icons::appIcon());
    setWindowTitle(tr("Berth"));
    m_proxy->setTagModel(m_model);
    m_view->setTagModels(m_model, m_proxy);

    setUpCentreWidgets();
    createCentralWidget();
    createStatusBar();
    createActions();
    createMenus();
    connectModels();
    connectControls();

    m_location->setText(tr("No repository open"));
    resize(1280, 800);
    updateStatus();
}

void MainWindow::setUpCentreWidgets()
{
    QFont locationFont = m_location->font();
    locationFont.setBold(true);
    locationFont.setPointSizeF(locationFont.pointSizeF() * 1.1);
    m_location->setFont(locationFont);
    m_location->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_location->setObjectName(u"locationLabel"_s);
    m_filter->setObjectName(u"filterEdit"_s);
    m_filter->setPlaceholderText(tr("Filter tags (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(Icons::themed(u"edit-find"_s), QLineEdit::LeadingPosition);
    m_filter->setAccessibleName(tr("Filter tags"));
    m_filterSyntax->setObjectName(u"filterSyntax"_s);
    m_filterSyntax->addItem(tr("Contains"), int(TagFilterProxyModel::FilterSyntax::Substring));
    m_filterSyntax->addItem(tr("Glob"), int(TagFilterProxyModel::FilterSyntax::Glob));
    m_filterSyntax->addItem(tr("Regex"), int(TagFilterProxyModel::FilterSyntax::RegularExpression));
    m_filterSyntax->setToolTip(tr("How the filter matches tags: a substring, a glob such as "
                                  "1.*-alpine, or a regular expression"));
    m_offlineBanner->setObjectName(u"offlineBanner"_s);
    m_offlineBanner->setRetryText(tr("Retry &now"));
    m_offlineBanner->setDismissible(false); // a state, not an event: it goes when it is over
    m_offlineBanner->hide();
    // Whole seconds are what the countdown shows.
    m_offlineTimer->setInterval(1000);
}

// Centre: location and filter on one line, banner, offline note, the table.
void MainWindow::createCentralWidget()
{
    auto *centre = new QWidget(m_splitter);
    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_location, 1);
    top->addWidget(m_filterSyntax);
    top->addWidget(m_filter, 1);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(6, 6, 0, 0);
    centreLayout->setSpacing(4);
    centreLayout->addLayout(top);
    centreLayout->addWidget(m_banner);
    centreLayout->addWidget(m_offlineBanner);
    centreLayout->addWidget(m_view, 1);

    m_splitter->setObjectName(u"mainSplitter"_s);
    m_splitter->addWidget(centre);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    // Table ~70 %, details ~30 % without a navigator.
    m_splitter->setSizes({900, 380});
    setCentralWidget(m_splitter);
}

// Status bar: counts on the left, what runs and the long-work progress on the right.
void MainWindow::createStatusBar()
{
    m_status->setObjectName(u"statusText"_s);
    m_busy->setObjectName(u"busyText"_s);
    m_progress->setObjectName(u"progressBar"_s);
    // The figures go in a label beside the bar: drawn inside it, "Metadata 99,991 / 100,000"
    // was clipped by the bar's width, and a bar wide enough for it crowds the status line.
    m_progress->setMaximumWidth(fontMetrics().horizontalAdvance(u'M') * 8);
    m_progress->setTextVisible(false);
    m_progressText->setObjectName(u"progressText"_s);
    setProgressVisible(false);
    const auto setUpCancel = [](QToolButton *button, const QString &name, const QString &tip) {
        button->setObjectName(name);
        button->setIcon(Icons::themed(u"process-stop"_s));
        button->setText(tr("Cancel"));
        button->setToolTip(tip);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAutoRaise(true);
        button->hide();
    };
    setUpCancel(m_cancel, u"cancelButton"_s, tr("Stop loading metadata of every tag"));
    // A request that takes long says what it waits for, and can be cancelled (its deadline
    // ends it anyway; a person need not wait that long).
    m_waiting->setObjectName(u"waitingText"_s);
    m_waiting->hide();
    setUpCancel(m_cancelWaiting, u"cancelWaitingButton"_s, tr("Stop waiting for this request"));
    connect(m_cancelWaiting, &QToolButton::clicked, this, [this] {
        if (!m_session)
            return;
        // What is shown: requests in flight for long, or every one waiting out a retry.
        const SchedulerStats stats = m_session->requestStats();
        m_session->cancelWaitingRequests(stats.longestWaitMs >= WaitShownAfterMs ? WaitShownAfterMs
                                                                                 : 0);
        updateWaiting();
    });
    m_waitingTimer->setInterval(1000);
    connect(m_waitingTimer, &QTimer::timeout, this, &MainWindow::updateWaiting);
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_waiting);
    statusBar()->addPermanentWidget(m_cancelWaiting);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_progressText);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);

    m_statusTimer->setSingleShot(true);
    m_statusTimer->setInterval(StatusIntervalMs);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
}

void MainWindow::connectModels()
{
    connect(m_model, &TagTableModel::countsChanged, this, &MainWindow::scheduleStatus);
    connect(m_model, &TagTableModel::loadingChanged, this, &MainWindow::scheduleStatus);
    connect(m_model, &TagTableModel::offlineChanged, this, [this] {
        updateOffline();
        updateStatus();
    });
    connect(m_model, &TagTableModel::pageFetched, this, &MainWindow::onPageFetched);
    connect(m_model->updater(), &MetadataUpdater::loadAllProgress, this,
            &MainWindow::updateProgress);
    connect(m_model, &TagTableModel::fetchFailed, this, &MainWindow::onFetchFailed);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::scheduleStatus);
    // A kept selection comes back when its rows reach the view (the proxy may add them a turn
    // after the model).
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &MainWindow::restoreSelection);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &MainWindow::restoreSelection);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &MainWindow::scheduleStatus);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &MainWindow::scheduleStatus);
    connect(m_proxy, &TagFilterProxyModel::filterApplied, this, [this](const QString &error) {
        m_filter->setToolTip(error.isEmpty() ? QString() : tr("Invalid expression: %1").arg(error));
        QPalette p = m_filter->palette();
        p.setColor(QPalette::Text,
                   error.isEmpty() ? palette().color(QPalette::Text) : QColor(0xd0, 0x46, 0x3b));
        m_filter->setPalette(p);
        scheduleStatus();
    });
}

void MainWindow::connectControls()
{
    connect(m_filter, &QLineEdit::textChanged, this, &MainWindow::applyFilter);
    connect(m_filterSyntax, &QComboBox::currentIndexChanged, this, &MainWindow::applyFilter);
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_model->updater()->cancelLoadAll();
        setProgressVisible(false);
        m_cancel->hide();
        scheduleStatus();
    });
    connect(m_view, &TagTableView::currentTagChanged, this, &MainWindow::onCurrentTagChanged);
    connect(m_view, &TagTableView::groupingChanged, this, &MainWindow::scheduleStatus);
    connect(m_view, &TagTableView::contextMenuRequestedAt, this, &MainWindow::showTagMenu);
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view->horizontalHeader(), &QHeaderView::customContextMenuRequested, this,
            &MainWindow::showHeaderMenu);
    connect(m_banner, &ErrorBanner::retryRequested, this, &MainWindow::onBannerRetry);
    connect(m_offlineBanner, &ErrorBanner::retryRequested, this, [this] {
        if (m_session)
            m_session->retryNow();
        updateOffline();
    });
    connect(m_offlineTimer, &QTimer::timeout, this, &MainWindow::updateOffline);
    connect(m_actions, &TagActions::succeeded, this, [this](const QString &message) {
        m_bannerSource = BannerSource::Action;
        m_banner->showInfo(message);
    });
    connect(m_actions, &TagActions::failed, this, [this](const QString &message) {
        m_bannerSource = BannerSource::Action;
        m_banner->showError(message, m_actions->canRetryLastFailed());
    });
    connect(m_actions, &TagActions::busyChanged, m_busy, &QLabel::setText);
    connect(m_actions, &TagActions::refreshRequested, this, &MainWindow::refresh);
}

MainWindow::~MainWindow()
{
    // The files views and comparisons read through the layer cache: they go before it.
    qDeleteAll(findChildren<FilesView *>(Qt::FindDirectChildrenOnly));
    qDeleteAll(findChildren<CompareDialog *>(Qt::FindDirectChildrenOnly));
}

void MainWindow::createActions()
{
    m_findAction = new QAction(Icons::themed(u"edit-find"_s), tr("&Find…"), this);
    m_findAction->setObjectName(u"findAction"_s);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(m_findAction);

    m_detailsAction = new QAction(tr("&Details Pane"), this);
    m_detailsAction->setObjectName(u"detailsPaneAction"_s);
    m_detailsAction->setCheckable(true);
    m_detailsAction->setChecked(true);
    m_detailsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    connect(m_detailsAction, &QAction::toggled, m_details, &QWidget::setVisible);
    addAction(m_actions->refreshAction());

    m_exportAction = new QAction(Icons::themed(u"document-export"_s), tr("&Export Report…"), this);
    m_exportAction->setObjectName(u"exportReportAction"_s);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setToolTip(
            tr("Write a report of the repository's tags as CSV, JSON, Markdown or HTML"));
    m_exportAction->setEnabled(false);
    connect(m_exportAction, &QAction::triggered, this, [this] { openExportDialog(); });
    m_cleanupAction = new QAction(Icons::themed(u"edit-clear-history"_s), tr("&Clean Up…"), this);
    m_cleanupAction->setObjectName(u"cleanupAction"_s);
    m_cleanupAction->setToolTip(tr("Plan which tags to remove by retention rules, preview the "
                                   "plan, run it"));
    m_cleanupAction->setEnabled(false);
    connect(m_cleanupAction, &QAction::triggered, this, [this] { openCleanupDialog(); });
    m_undoCleanupAction = new QAction(Icons::themed(u"edit-undo"_s), tr("&Undo Clean-Up…"), this);
    m_undoCleanupAction->setObjectName(u"undoCleanupAction"_s);
    m_undoCleanupAction->setToolTip(tr("Put back the tags a clean-up removed, from its journal"));
    m_undoCleanupAction->setEnabled(false);
    connect(m_undoCleanupAction, &QAction::triggered, this, [this] {
        QString path = m_lastJournal;
        if (path.isEmpty()) {
            path = QFileDialog::getOpenFileName(
                    this, tr("Undo Clean-Up"),
                    QFileInfo(JournalWriter::defaultPath(registryName(), m_repository)).path(),
                    tr("Clean-up journals (*.jsonl)"));
        }
        if (!path.isEmpty())
            undoCleanup(path);
    });
    connect(m_actions, &TagActions::exportSelectionRequested, this,
            [this](const QStringList &tags) { openExportDialog(tags); });
    connect(m_actions, &TagActions::browseFilesRequested, this,
            [this](const QString &tag) { openFilesView(tag); });
    connect(m_actions, &TagActions::compareRequested, this,
            [this](const QStringList &tags) { openCompareDialog(tags); });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_exportAction);
    file->addSeparator();
    QAction *cache = file->addAction(Icons::themed(u"drive-harddisk"_s), tr("Disk &Cache…"), this,
                                     [this] { openCacheDialog(); });
    cache->setObjectName(u"diskCacheAction"_s);
    cache->setStatusTip(tr("Where Berth keeps what it learned, how big it is, and clearing it"));
    QAction *preferences = file->addAction(Icons::themed(u"configure"_s), tr("&Preferences…"), this,
                                           [this] { openPreferencesDialog(); });
    preferences->setObjectName(u"preferencesAction"_s);
    preferences->setShortcuts(standardOr(QKeySequence::Preferences, Qt::CTRL | Qt::Key_Comma));
    preferences->setMenuRole(QAction::PreferencesRole);
    preferences->setStatusTip(tr("Disk cache size, requests at once per registry, how often "
                                 "watched repositories are checked"));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcuts(standardOr(QKeySequence::Quit, Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu *repository = menuBar()->addMenu(tr("&Repository"));
    repository->addAction(m_cleanupAction);
    repository->addAction(m_undoCleanupAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_actions->refreshAction());
    view->addAction(m_findAction);
    view->addSeparator();
    m_columnsMenu = view->addMenu(Icons::themed(u"view-columns"_s), tr("&Columns"));
    m_columnsMenu->setObjectName(u"columnsMenu"_s);
    connect(m_columnsMenu, &QMenu::aboutToShow, this, [this] { buildColumnMenu(m_columnsMenu); });
    view->addAction(m_detailsAction);
    view->addAction(m_actions->groupByImageAction());

    QMenu *tag = menuBar()->addMenu(tr("&Tag"));
    tag->addAction(m_actions->copyReferenceAction());
    tag->addAction(m_actions->copyPullAction());
    tag->addAction(m_actions->copyPodmanPullAction());
    tag->addAction(m_actions->copyByDigestAction());
    tag->addAction(m_actions->copyDigestAction());
    tag->addSeparator();
    tag->addAction(m_actions->retagAction());
    tag->addAction(m_actions->deleteTagAction());
    tag->addAction(m_actions->deleteImageAction());
    tag->addSeparator();
    tag->addAction(m_actions->browseFilesAction());
    tag->addAction(m_actions->compareAction());
    tag->addSeparator();
    tag->addAction(m_actions->retryAction());

    m_helpMenu = new HelpMenu(this);
    menuBar()->addMenu(m_helpMenu);

    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(u"mainToolBar"_s);
    toolbar->setMovable(false);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addAction(m_actions->refreshAction());
    toolbar->addSeparator();
    toolbar->addAction(m_actions->copyReferenceAction());
    toolbar->addAction(m_actions->retagAction());
    toolbar->addAction(m_actions->deleteTagAction());
    toolbar->addSeparator();
    toolbar->addAction(m_exportAction);
    toolbar->addSeparator();
    auto *columns = new QToolButton(toolbar);
    columns->setObjectName(u"columnsButton"_s);
    columns->setIcon(Icons::themed(u"view-columns"_s));
    columns->setText(tr("Columns"));
    columns->setToolTip(tr("Choose the columns of the tag table"));
    columns->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    columns->setPopupMode(QToolButton::InstantPopup);
    columns->setMenu(m_columnsMenu);
    toolbar->addWidget(columns);
    toolbar->addAction(m_actions->groupByImageAction());
}

void MainWindow::buildColumnMenu(QMenu *menu)
{
    menu->clear();
    QHeaderView *header = m_view->horizontalHeader();
    for (int column = 0; column < m_model->columnCount(); ++column) {
        QAction *action = menu->addAction(m_model->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(column));
        // The tag is what a row is: it cannot be hidden. Harbor's columns exist only on Harbor.
        action->setEnabled(
                column != TagTableModel::TagColumn
                && (!TagTableModel::isHarborColumn(column) || m_view->harborColumnsAvailable()));
        connect(action, &QAction::toggled, this,
                [this, column](bool on) { m_view->setColumnHiddenByUser(column, !on); });
    }
}

void MainWindow::showHeaderMenu(const QPoint &pos)
{
    auto *menu = new QMenu(this);
    menu->setObjectName(u"headerMenu"_s);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    buildColumnMenu(menu);
    menu->popup(m_view->horizontalHeader()->mapToGlobal(pos));
}

void MainWindow::showTagMenu(const QPoint &globalPos)
{
    QMenu *menu = m_actions->createContextMenu(this);
    menu->popup(globalPos);
}

CleanupDialog *MainWindow::openCleanupDialog()
{
    if (!m_session || m_repository.isEmpty())
        return nullptr;
    if (isOfflineView()) {
        m_bannerSource = BannerSource::Action;
        m_banner->showInfo(m_cleanupAction->toolTip());
        return nullptr;
    }
    auto *dialog = new CleanupDialog(m_session, m_repository, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CleanupDialog::cleanedUp, this,
            [this](const QString &journal, const QString &message) {
                m_lastJournal = journal;
                m_bannerSource = BannerSource::Action;
                m_banner->showInfo(message);
                refresh();
            });
    dialog->show();
    return dialog;
}

CleanupDialog *MainWindow::openCleanupDialogFor(const QString &connectionId,
                                                const QString &repository)
{
    if (connectionId != this->connectionId() || repository != m_repository || !m_session) {
        m_bannerSource = BannerSource::Action;
        m_banner->showInfo(
                tr("Clean Up… works on the open repository: open %1 first.").arg(repository));
        return nullptr;
    }
    return openCleanupDialog();
}

void MainWindow::undoCleanup(const QString &path)
{
    if (!m_session)
        return;
    if (isOfflineView()) {
        m_bannerSource = BannerSource::Action;
        m_banner->showInfo(m_undoCleanupAction->toolTip());
        return;
    }
    const Result<Journal> journal = readJournal(path);
    const auto fail = [this](const QString &message) {
        m_bannerSource = BannerSource::Action;
        m_banner->showError(message, false);
    };
    if (!journal)
        return fail(tr("Cannot undo: %1").arg(journal.error().message));
    if (journal->registry != registryName()) {
        return fail(tr("The journal %1 is for %2; connect to that registry to undo it.")
                            .arg(path, journal->registry));
    }
    // A dry run first: the confirmation says what can come back and what cannot.
    auto *check = new UndoJob(m_session->backend(), *journal, true, this);
    check->onFinished(this, [this, journal = *journal, fail](const Result<UndoOutcome> &would) {
        if (!would)
            return fail(tr("Cannot undo: %1").arg(would.error().toString()));
        auto *box = new QMessageBox(this);
        box->setObjectName(u"undoCleanupConfirmation"_s);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setIcon(QMessageBox::Question);
        box->setWindowTitle(tr("Undo Clean-Up"));
        box->setText(tr("Put %n tag(s) back in <b>%1</b>?", nullptr, int(would->restored.size()))
                             .arg(journal.repository.toHtmlEscaped()));
        QStringList details;
        for (const QString &line : would->restored)
            details.append(tr("restore %1").arg(line));
        for (const QString &line : would->alreadyThere)
            details.append(tr("%1 is back already").arg(line));
        for (const QString &line : would->unrestorable + would->failed)
            details.append(tr("cannot restore %1").arg(line));
        box->setInformativeText(
                would->ok() ? tr("Every removed tag can be restored.")
                            : tr("%n tag(s) cannot be restored (see the details).", nullptr,
                                 int(would->unrestorable.size() + would->failed.size())));
        box->setDetailedText(details.join(u'\n'));
        box->setStandardButtons(QMessageBox::Yes | QMessageBox::Cancel);
        box->button(QMessageBox::Yes)->setText(tr("Undo Clean-Up"));
        box->button(QMessageBox::Yes)->setEnabled(!would->restored.isEmpty());
        connect(box, &QMessageBox::finished, this, [this, box, journal, fail] {
            if (box->clickedButton() != box->button(QMessageBox::Yes) || !m_session)
                return;
            auto *undo = new UndoJob(m_session->backend(), journal, false, this);
            undo->onFinished(this, [this, fail](const Result<UndoOutcome> &done) {
                if (!done)
                    return fail(tr("Undo failed: %1").arg(done.error().toString()));
                if (!done->ok()) {
                    fail(tr("Restored %n tag(s); %1 could not be: %2", nullptr,
                            int(done->restored.size()))
                                 .arg(done->unrestorable.size() + done->failed.size())
                                 .arg((done->unrestorable + done->failed).join(u"; "_s)));
                } else {
                    m_bannerSource = BannerSource::Action;
                    m_banner->showInfo(
                            tr("Restored %n tag(s).", nullptr, int(done->restored.size())));
                }
                refresh();
            });
        });
        box->open();
    });
}

ExportReportDialog *MainWindow::openExportDialog(const QStringList &tags)
{
    if (!m_session || m_repository.isEmpty())
        return nullptr;
    auto *dialog = new ExportReportDialog(m_session->metadata(), m_repository,
                                          registryName() + u'/' + m_repository, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setSelection(tags);
    dialog->setFilter(m_proxy->filterText(),
                      TagFilterProxyModel::FilterSyntax(m_filterSyntax->currentData().toInt()));
    // The table's sort key and direction, where a report has the same key.
    bool sameKey = true;
    switch (m_proxy->sortColumn()) {
    case TagTableModel::CreatedColumn:
        dialog->setSort(ReportSort::Created);
        break;
    case TagTableModel::SizeColumn:
        dialog->setSort(ReportSort::Size);
        break;
    case TagTableModel::PushedColumn:
        sameKey = dialog->hasHarborColumns();
        dialog->setSort(sameKey ? ReportSort::Pushed : ReportSort::Tag);
        break;
    case TagTableModel::TagColumn:
        dialog->setSort(ReportSort::Tag);
        break;
    default:
        sameKey = false;
        dialog->setSort(ReportSort::Tag);
        break;
    }
    if (sameKey && m_proxy->sortColumn() >= 0)
        dialog->setSortOrder(m_proxy->sortOrder());
    dialog->show();
    return dialog;
}

FilesView *MainWindow::openFilesView(const QString &tag)
{
    if (!m_session || m_repository.isEmpty() || tag.isEmpty())
        return nullptr;
    auto *view = new FilesView(m_session, m_layerCache.get(), m_repository, tag, this);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->show();
    return view;
}

void MainWindow::setMetadataCache(MetadataCache *cache)
{
    m_metadataCache = cache;
}

PreferencesDialog *MainWindow::openPreferencesDialog()
{
    const qint64 cacheMaxBytes
            = m_metadataCache ? m_metadataCache->maxBytes() : MetadataCache::DefaultMaxBytes;
    auto *dialog = new PreferencesDialog(m_preferences, cacheMaxBytes, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, cacheMaxBytes] {
        if (dialog->cacheMaxBytes() != cacheMaxBytes && m_metadataCache) {
            m_metadataCache->setMaxBytes(dialog->cacheMaxBytes());
            Q_EMIT cacheMaxBytesChanged(dialog->cacheMaxBytes());
        }
        if (dialog->preferences() != m_preferences) {
            m_preferences = dialog->preferences();
            Q_EMIT preferencesChanged(m_preferences);
        }
    });
    dialog->open();
    return dialog;
}

CacheDialog *MainWindow::openCacheDialog()
{
    auto *dialog = new CacheDialog(m_metadataCache, *m_layerCache, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CacheDialog::maxBytesChanged, this, &MainWindow::cacheMaxBytesChanged);
    dialog->open();
    return dialog;
}

CompareDialog *MainWindow::openCompareDialog(const QStringList &tags)
{
    if (!m_session || m_repository.isEmpty() || tags.isEmpty())
        return nullptr;
    auto *dialog = new CompareDialog(
            m_session, m_layerCache.get(),
            [self = QPointer<MainWindow>(this)](const QString &registryName) {
                return self ? self->sessionFor(registryName) : nullptr;
            },
            m_repository, tags.mid(0, 2), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void MainWindow::addSession(RegistrySession *session)
{
    if (!session)
        return;
    m_sessions.removeAll(nullptr); // closed ones
    if (!m_sessions.contains(session))
        m_sessions.append(session);
}

RegistrySession *MainWindow::sessionFor(const QString &registryName) const
{
    if (m_session && m_session->registryName() == registryName)
        return m_session;
    for (const QPointer<RegistrySession> &session : m_sessions) {
        if (session && session->registryName() == registryName)
            return session;
    }
    return nullptr;
}

void MainWindow::setNavigator(QWidget *navigator)
{
    if (m_navigator)
        m_navigator->deleteLater();
    m_navigator = navigator;
    if (!navigator)
        return;
    m_splitter->insertWidget(0, navigator);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setStretchFactor(2, 2);
    // Navigator ~17 %, table ~60 %, details ~23 % of a 1280 px window: the table's default
    // columns need about 700 px (on Harbor Tag to Vulnerabilities ~670 px), the details pane
    // reads well from 300 px.
    m_splitter->setSizes({220, 760, 300});
}

RegistrySession *MainWindow::session() const
{
    return m_session;
}

QString MainWindow::registryName() const
{
    return m_session ? m_session->registryName() : QString();
}

void MainWindow::showRepository(const QString &connectionId, RegistrySession *session,
                                const QString &repository)
{
    // The same repository again (the registry answers again, a new session for it): the
    // person's selection comes back once the rows are there.
    const bool sameRepository = connectionId == m_connectionId && repository == m_repository;
    if (session && sameRepository)
        keepSelection();
    else
        m_keptSelection.clear();
    if (m_session) {
        disconnect(m_session, &RegistrySession::requestStatsChanged, this,
                   &MainWindow::scheduleStatus);
        disconnect(m_session, &RegistrySession::offlineChanged, this,
                   &MainWindow::onSessionOfflineChanged);
    }
    m_session = session;
    m_lastSeenKnown = false;
    addSession(session);
    m_connectionId = connectionId;
    m_repository = repository;
    // What an action said ("Tagged …:stable-demo") belongs to its repository: it goes with it,
    // and stays when the same repository comes back (a new session for it).
    if (m_bannerSource == BannerSource::Open || m_bannerSource == BannerSource::Listing
        || !sameRepository)
        m_banner->hide();
    if (m_banner->isHidden() || m_bannerSource != BannerSource::Action)
        m_bannerSource = BannerSource::None;
    setProgressVisible(false);
    m_cancel->hide();
    if (session) {
        connect(session, &RegistrySession::requestStatsChanged, this, &MainWindow::scheduleStatus,
                Qt::UniqueConnection);
        connect(session, &RegistrySession::offlineChanged, this,
                &MainWindow::onSessionOfflineChanged, Qt::UniqueConnection);
    }
    const QString name = registryName();
    m_location->setText(repository.isEmpty() ? tr("No repository open") : name + u'/' + repository);
    setWindowTitle(repository.isEmpty() ? tr("Berth")
                                        : tr("%1 — %2 — Berth").arg(repository, name));
    MetadataService *metadata = session ? session->metadata() : nullptr;
    m_details->setRepository(metadata, name, repository);
    m_details->setTagOperations(session ? session->operations() : nullptr);
    m_actions->setRepository(session ? session->operations() : nullptr, name, repository);
    if (session && session->isOffline()) {
        // Listing would only wait for the failure: the cache's last known state at once.
        m_model->showLastKnownState(metadata, repository);
        restoreSelection();
    } else {
        m_model->setRepository(metadata, repository);
    }
    m_view->setHarborColumnsAvailable(m_model->hasHarborColumns());
    m_exportAction->setEnabled(session && !repository.isEmpty());
    updateOffline();
    // The sort applies to the new rows too, with what it needs (every name, or every row's
    // metadata for a metadata column).
    if (m_proxy->sortColumn() >= 0)
        m_proxy->sort(m_proxy->sortColumn(), m_proxy->sortOrder());
    updateStatus();
    if (session)
        m_waitingTimer->start();
    else
        m_waitingTimer->stop();
    updateWaiting();
    Q_EMIT locationChanged(connectionId, repository);
}

QString MainWindow::waitingText() const
{
    if (!m_session)
        return {};
    const SchedulerStats stats = m_session->requestStats();
    if (stats.longestWaitMs >= WaitShownAfterMs) {
        return tr("Waiting %1 s for %2")
                .arg(stats.longestWaitMs / 1000)
                .arg(ServerText::visible(stats.longestWaitFor));
    }
    if (stats.retryInMs >= 1000) {
        return tr("Retrying %1 in %2 s (the server asked to wait)")
                .arg(ServerText::visible(stats.retryFor))
                .arg((stats.retryInMs + 999) / 1000);
    }
    return {};
}

void MainWindow::updateWaiting()
{
    const QString text = waitingText();
    m_waiting->setText(text);
    m_waiting->setToolTip(text);
    m_waiting->setVisible(!text.isEmpty());
    m_cancelWaiting->setVisible(!text.isEmpty());
}

void MainWindow::showOpening(const QString &connectionId, const QString &repository)
{
    m_connectionId = connectionId;
    m_repository = repository;
    m_location->setText(repository);
    m_status->setText(tr("Connecting …"));
}

void MainWindow::showOpenFailed(const QString &connectionId, const QString &repository,
                                const Error &error)
{
    m_connectionId = connectionId;
    m_repository = repository;
    m_bannerSource = BannerSource::Open;
    m_banner->showError(tr("Could not open %1: %2").arg(repository, error.toString()), true);
    updateStatus();
}

void MainWindow::onFetchFailed(const Error &error)
{
    // Unreachable: the session goes offline and tries again by itself; the table then shows
    // the cache's last known state (and the offline strip replaces this banner).
    if (m_session)
        m_session->reportError(error);
    m_bannerSource = BannerSource::Listing;
    m_banner->showError(tr("Could not list the tags of %1: %2")
                                .arg(registryName() + u'/' + m_repository, error.toString()),
                        true);
    updateStatus();
}

void MainWindow::onBannerRetry()
{
    switch (m_bannerSource) {
    case BannerSource::Open:
        Q_EMIT openRequested(m_connectionId, m_repository);
        break;
    case BannerSource::Listing:
        refresh();
        break;
    case BannerSource::Action:
        m_actions->retryLastFailed();
        break;
    case BannerSource::None:
        break;
    }
}

void MainWindow::refresh()
{
    if (!m_session) {
        if (!m_repository.isEmpty())
            Q_EMIT openRequested(m_connectionId, m_repository);
        return;
    }
    if (m_session->isOffline()) {
        // Only the registry can answer: ask it now; the rows follow when it does.
        m_session->retryNow();
        updateOffline();
        return;
    }
    if (m_bannerSource == BannerSource::Listing)
        m_banner->hide();
    setProgressVisible(false);
    m_cancel->hide();
    keepSelection(); // the same tags selected once they are listed again
    m_model->refresh();
    if (m_proxy->sortColumn() >= 0)
        m_proxy->sort(m_proxy->sortColumn(), m_proxy->sortOrder());
    m_details->reload();
}

void MainWindow::applyFilter()
{
    const auto syntax = TagFilterProxyModel::FilterSyntax(m_filterSyntax->currentData().toInt());
    m_proxy->setFilter(m_filter->text(), syntax);
}

void MainWindow::onCurrentTagChanged(const QString &tag)
{
    // Grouped by image: the image, with every tag of it as the registry says.
    if (const QString image = m_view->currentImageDigest(); !image.isEmpty())
        m_details->showImage(image, m_view->currentImageTags());
    else if (tag.isEmpty())
        m_details->clear();
    else
        m_details->showReference(tag);
}

void MainWindow::setProgressVisible(bool visible)
{
    m_progress->setVisible(visible);
    m_progressText->setVisible(visible);
}

void MainWindow::updateProgress(int done, int total)
{
    const bool active = m_model->updater()->isLoadingAll() && total > 0 && done < total;
    setProgressVisible(active);
    m_cancel->setVisible(active);
    if (active) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progressText->setText(
                tr("Metadata %1 / %2").arg(QLocale().toString(done), QLocale().toString(total)));
        const QString why = tr("Sorting by this column needs every tag's metadata");
        m_progress->setToolTip(why);
        m_progressText->setToolTip(why);
    }
    scheduleStatus();
}

void MainWindow::scheduleStatus()
{
    if (!m_statusTimer->isActive())
        m_statusTimer->start();
}

QString MainWindow::statusText() const
{
    if (!m_session)
        return m_repository.isEmpty() ? tr("No repository open") : tr("Not connected");
    const QLocale locale;
    QStringList parts;
    if (isOfflineView())
        parts.append(tr("Offline"));
    if (!m_proxy->filterText().isEmpty())
        parts.append(tr("%1 shown").arg(locale.toString(m_proxy->rowCount())));
    parts.append(tr("%1 tags").arg(m_model->countText()));
    if (const QString grouping = m_view->groupingText(); !grouping.isEmpty())
        parts.append(grouping);
    if (m_proxy->sortColumn() == TagTableModel::TagColumn && m_proxy->keepsListingOrder()
        && !m_model->rowsInTagOrder()) {
        // A paging server: its own order until the last page, so rows are never pushed away.
        parts.append(tr("in the registry's order until every tag is listed"));
    }
    const int withMetadata = m_model->rowsWithMetadata();
    const int failed = m_model->rowsInState(TagTableModel::LoadState::Failed);
    const int asked
            = withMetadata + m_model->rowsInState(TagTableModel::LoadState::Loading) + failed;
    parts.append(tr("metadata %1/%2").arg(locale.toString(withMetadata), locale.toString(asked)));
    if (failed > 0)
        parts.append(tr("%1 failed").arg(locale.toString(failed)));
    {
        const SchedulerStats stats = m_session->requestStats();
        QString requests
                = stats.inFlight == 1
                          ? tr("1 request in flight")
                          : tr("%1 requests in flight").arg(locale.toString(stats.inFlight));
        if (stats.queued > 0)
            requests += tr(", %1 queued").arg(locale.toString(stats.queued));
        parts.append(requests);
    }
    return parts.join(u" · "_s);
}

bool MainWindow::isOfflineView() const
{
    return m_session && (m_session->isOffline() || m_model->isOffline());
}

QString MainWindow::offlineText() const
{
    if (!isOfflineView())
        return {};
    QStringList sentences;
    const QString registry = registryName();
    if (m_model->isOffline() && m_model->rowCount() > 0) {
        sentences.append(m_lastSeen.isValid()
                                 ? tr("Offline — last seen %1.").arg(ageText(m_lastSeen))
                                 : tr("Offline — last known state."));
    } else if (m_model->isOffline() || m_session->isCacheOnly()) {
        sentences.append(tr("Offline — nothing is known of %1 from earlier visits.")
                                 .arg(m_repository.isEmpty() ? registry : m_repository));
    } else {
        sentences.append(tr("Offline — the table shows what was loaded before."));
    }
    const Error why = m_session->offlineError();
    sentences.append(why.isError() ? tr("%1 cannot be reached (%2); nothing that changes it can "
                                        "be done until it answers.")
                                             .arg(registry, unreachableReason(why))
                                   : tr("%1 cannot be reached; nothing that changes it can be "
                                        "done until it answers.")
                                             .arg(registry));
    if (const QString retry = retryText(m_session->reconnector()); !retry.isEmpty())
        sentences.append(retry + u'.');
    return sentences.join(u' ');
}

void MainWindow::onSessionOfflineChanged(bool offline)
{
    if (offline) {
        // Found out elsewhere (the tree, the details) while this listing still waits: the
        // cache's last known state now. (A failure of this listing shows it by itself.)
        if (m_model->isFetchingPage() && m_model->rowCount() == 0 && m_session)
            m_model->showLastKnownState(m_session->metadata(), m_repository);
        updateOffline();
        updateStatus();
        return;
    }
    // Reachable again. A cache-only session is replaced by a real one (showRepository()
    // follows); a live one lists again, with the selection kept.
    updateOffline();
    if (!m_session || m_session->isCacheOnly())
        return;
    keepSelection();
    refresh();
    updateStatus();
}

void MainWindow::updateOffline()
{
    const bool offline = isOfflineView();
    const QString reason
            = offline ? tr("%1 cannot be reached: nothing that changes it can be done until it "
                           "answers again.")
                                .arg(registryName())
                      : QString();
    m_actions->setReadOnlyReason(reason);
    m_details->setOffline(offline);
    const bool canClean = m_session && !m_repository.isEmpty() && !offline;
    m_cleanupAction->setEnabled(canClean);
    m_undoCleanupAction->setEnabled(m_session && !offline);
    m_cleanupAction->setToolTip(offline ? reason
                                        : tr("Plan which tags to remove by retention rules, "
                                             "preview the plan, run it"));
    m_undoCleanupAction->setToolTip(
            offline ? reason : tr("Put back the tags a clean-up removed, from its journal"));
    if (!offline) {
        m_offlineTimer->stop();
        m_offlineBanner->hide();
        m_lastSeenKnown = false;
        return;
    }
    if (!m_lastSeenKnown) {
        // Read once per offline spell: a scan of the repository's cached tags.
        m_lastSeen = m_session->knownState().lastSeen(m_repository);
        m_lastSeenKnown = true;
    }
    if (m_model->isOffline() && m_bannerSource == BannerSource::Listing) {
        m_banner->hide(); // the strip below says it, with the age of what is shown
        m_bannerSource = BannerSource::None;
    }
    if (!m_offlineTimer->isActive())
        m_offlineTimer->start();
    const QString text = offlineText();
    if (!m_offlineBanner->isVisible() || m_offlineBanner->message() != text)
        m_offlineBanner->showMessage(ErrorBanner::Kind::Warning, text, true);
    m_offlineBanner->retryButton()->setEnabled(!m_session->reconnector()->isAttempting());
}

void MainWindow::onPageFetched()
{
    if (!m_session)
        return;
    if (m_session->isOffline()) {
        // Answered: the registry is back. From the event loop: coming back lists again, which
        // must not reset the model inside its own page handling.
        QTimer::singleShot(0, m_session,
                           [session = m_session.data()] { session->reportReachable(); });
    }
    restoreSelection();
    // A complete, unfiltered listing is the truth: tags the cache knows and the registry no
    // longer has are forgotten (a partial or failed listing proves nothing).
    if (m_model->isAtEnd() && m_model->tagQuery().isDefault() && !m_model->isOffline()) {
        QStringList listed;
        listed.reserve(m_model->rowCount());
        for (int row = 0; row < m_model->rowCount(); ++row)
            listed.append(m_model->index(row, 0).data(TagTableModel::TagRole).toString());
        m_session->knownState().forgetTagsNotIn(m_repository, listed);
    }
}

void MainWindow::keepSelection()
{
    const QStringList selected = m_view->selectedTags();
    if (selected.isEmpty() && !m_keptSelection.isEmpty())
        return; // still waiting for an earlier one to come back
    m_keptSelection = selected;
    const int current = m_view->currentSourceRow();
    m_keptCurrent = current >= 0
                            ? m_model->index(current, 0).data(TagTableModel::TagRole).toString()
                            : QString();
}

void MainWindow::restoreSelection()
{
    if (m_keptSelection.isEmpty())
        return;
    QItemSelectionModel *selection = m_view->selectionModel();
    QItemSelection rows;
    QStringList pending;
    for (const QString &tag : std::as_const(m_keptSelection)) {
        const int row = m_model->rowOfTag(tag);
        const QModelIndex index = m_view->viewIndexOfSourceRow(row); // flat or grouped
        if (index.isValid())
            rows.select(index, index);
        else if (row >= 0 || !m_model->isAtEnd())
            pending.append(tag); // not through the proxy yet, or not listed yet
    }
    if (!rows.isEmpty()) {
        // Select, not ClearAndSelect: tags of an earlier page may have been selected already.
        selection->select(rows, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const int currentRow = m_model->rowOfTag(m_keptCurrent);
        if (currentRow >= 0) {
            const QModelIndex current = m_view->viewIndexOfSourceRow(currentRow);
            selection->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
            m_view->scrollTo(current);
        }
    }
    // Tags gone from the listing are let go; the rest come with a later page or proxy turn.
    m_keptSelection = pending;
}

void MainWindow::updateStatus()
{
    m_statusTimer->stop();
    m_status->setText(statusText());
    if (!m_model->updater()->isLoadingAll()) {
        setProgressVisible(false);
        m_cancel->hide();
    }
}

void MainWindow::setIntervals(int ms)
{
    m_model->setBatchInterval(ms);
    m_proxy->setDebounceInterval(ms);
    m_statusTimer->setInterval(ms);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    settings.beginGroup(u"window"_s);
    if (const QByteArray geometry = settings.value(u"geometry"_s).toByteArray();
        !geometry.isEmpty())
        restoreGeometry(geometry);
    if (const QByteArray state = settings.value(u"state"_s).toByteArray(); !state.isEmpty())
        restoreState(state);
    if (const QByteArray sizes = settings.value(u"splitter"_s).toByteArray(); !sizes.isEmpty())
        m_splitter->restoreState(sizes);
    QHeaderView *header = m_view->horizontalHeader();
    // Layout 2 put Harbor's Pushed and Vulnerabilities before Created (at 1280 px the scan
    // result was cut off at the details pane): an older saved column order is let go once.
    if (const QByteArray columns = settings.value(u"header"_s).toByteArray();
        !columns.isEmpty() && settings.value(u"headerLayout"_s).toInt() >= 2)
        header->restoreState(columns);
    // A remembered sort by a metadata column would load every tag's metadata on start: tag
    // order until the person clicks that header again.
    if (header->sortIndicatorSection() != TagTableModel::TagColumn)
        header->setSortIndicator(TagTableModel::TagColumn, Qt::AscendingOrder);
    m_detailsAction->setChecked(settings.value(u"details"_s, true).toBool());
    m_actions->groupByImageAction()->setChecked(settings.value(u"groupByImage"_s, false).toBool());
    settings.endGroup();
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.beginGroup(u"window"_s);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"state"_s, saveState());
    settings.setValue(u"splitter"_s, m_splitter->saveState());
    settings.setValue(u"header"_s, m_view->horizontalHeader()->saveState());
    settings.setValue(u"headerLayout"_s, 2);
    settings.setValue(u"details"_s, m_detailsAction->isChecked());
    settings.setValue(u"groupByImage"_s, m_actions->groupByImageAction()->isChecked());
    settings.endGroup();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace Berth
