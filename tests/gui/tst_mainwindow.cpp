// The main window against the real registry, offscreen: a repository opens with rows and
// visible metadata, the status line counts, filter and sort, the context menu copies, retags
// and deletes end to end (checked against the registry afterwards), the details pane shows an
// index's platforms, and a stopped registry shows the error banner whose Retry recovers.

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"
#include "scriptedhttpserver.h"

#include "models/cleanup/cleanupplanmodel.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/cleanupdialog.h"
#include "ui/detailspane.h"
#include "ui/errorbanner.h"
#include "ui/helpmenu.h"
#include "ui/mainwindow.h"
#include "ui/preferencesdialog.h"
#include "ui/retagdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

#include <limits>
#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

static const QString Repo = u"team/app"_s;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void opensRepositoryWithVisibleMetadata();
    void findFocusesAndFilterNarrowsRows();
    void sortsBySize();
    void contextMenuCopiesPullCommand();
    void retagAddsVerifiedTag();
    void deleteTagKeepsSiblings();
    void deleteImageRemovesAllItsTags();
    void detailsShowPlatformsOfAnIndex();
    void headerStateIsRemembered();
    void cleanUpAndUndo();
    void errorBannerAndRetryOnStoppedRegistry();
    void stalledRequestSaysWhatItWaitsForAndCancels();
    void progressFiguresAreNotClipped();
    void preferencesApplyOnOkOnly();
    void helpMenuListsShortcuts();
    void cleanupTestCase();

private:
    bool allVisibleRowsDone() const;
    void selectOnly(const QString &tag);
    QMenu *openContextMenuOn(const QString &tag);
    template<typename T>
    T *waitForChild(const QString &name = {});

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<GuiStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QHash<QString, QString> m_digests; // tag -> digest as pushed
    SeededImage m_index;
    int m_tagCount = 0;
};

template<typename T>
T *TestMainWindow::waitForChild(const QString &name)
{
    T *found = nullptr;
    (void)QTest::qWaitFor(
            [&] {
                found = m_window->findChild<T *>(name);
                return found && found->isVisible();
            },
            5000);
    return found;
}

void TestMainWindow::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir);
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given a repository with shared digests, a bigger image, an index and an image to delete
    ImageSeeder seeder(m_registry->host());
    struct Seed
    {
        quint64 seed;
        int layers;
        qint64 layerBytes;
        QStringList tags;
    };
    const QList<Seed> seeds{
            {11, 1, 4 * 1024, {u"1.0"_s, u"1.0.1"_s, u"stable"_s}},
            {12, 4, 64 * 1024, {u"2.0"_s}},
            {13, 1, 2 * 1024, {u"0.9"_s}},
            {14, 2, 8 * 1024, {u"old-1"_s, u"old-2"_s}},
            {15, 1, 8 * 1024, {u"dev-1"_s}},
            {16, 1, 8 * 1024, {u"dev-2"_s}},
    };
    for (const Seed &s : seeds) {
        ImageSpec spec;
        spec.seed = s.seed;
        spec.layers = s.layers;
        spec.layerBytes = s.layerBytes;
        const auto pushed = seeder.seedImage(Repo, spec, s.tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        for (const QString &tag : s.tags)
            m_digests.insert(tag, pushed->digest);
        m_tagCount += int(s.tags.size());
    }
    IndexSpec index;
    index.attestations = true;
    for (const auto &[arch, variant] :
         {std::pair{u"amd64"_s, QString()}, std::pair{u"arm64"_s, u"v8"_s}}) {
        ImageSpec platform;
        platform.seed = quint64(qHash(arch));
        platform.architecture = arch;
        platform.variant = variant;
        index.platforms.append(platform);
    }
    const auto pushedIndex = seeder.seedIndex(Repo, index, {u"multi"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    m_index = *pushedIndex;
    m_digests.insert(u"multi"_s, m_index.digest);
    ++m_tagCount;

    m_stack = std::make_unique<GuiStack>(m_registry->host());
    QVERIFY2(m_stack->session, qPrintable(m_stack->error.toString()));
    m_window = std::make_unique<MainWindow>();
    m_window->setIntervals(0);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
}

void TestMainWindow::stalledRequestSaysWhatItWaitsForAndCancels()
{
    // Given a registry that lists two tags and two names no tag may have, and then never
    // answers for the tags' manifests
    ScriptedHttpServer server;
    QVERIFY(server.listen());
    server.setHandler([](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return ScriptedHttpServer::Reply::json(200, "{}");
        if (request.path() == u"/v2/slow/app/tags/list")
            return ScriptedHttpServer::Reply::json(
                    200, R"({"name":"slow/app","tags":["a","b","../../evil","x\r\ny"]})");
        if (!request.path().contains(u"/manifests/"_s)) // detection probes: not Harbor
            return ScriptedHttpServer::Reply::registryError(404, "NOT_FOUND", "no");
        ScriptedHttpServer::Reply silent;
        silent.neverRespond = true;
        return silent;
    });
    GuiStack stack(server.baseUrl().authority());
    QVERIFY2(stack.session, qPrintable(stack.error.toString()));

    // When the repository is shown and its rows wait for their metadata
    m_window->showRepository(u"slow"_s, stack.session, u"slow/app"_s);
    QVERIFY(m_window->waitingText().isEmpty());

    // Then after a few seconds the status bar says what it waits for, with Cancel
    QTRY_VERIFY_WITH_TIMEOUT(m_window->cancelWaitingButton()->isVisible(), 15000);
    QVERIFY2(m_window->waitingText().contains(u"Waiting"_s)
                     && m_window->waitingText().contains(u"/v2/slow/app/manifests/"_s),
             qPrintable(m_window->waitingText()));
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_window->grab().save(dir + u"/waiting-for-request.png"_s));
    // And the invalid names are rows, flagged, whose manifests were never asked for
    QCOMPARE(m_window->tagModel()->rowCount(), 4);
    const int evil = m_window->tagModel()->rowOfTag(u"../../evil"_s);
    QVERIFY(evil >= 0);
    QVERIFY(m_window->tagModel()
                    ->index(evil, TagTableModel::TagColumn)
                    .data(TagTableModel::InvalidNameRole)
                    .toBool());
    for (const ScriptedHttpServer::Request &request : server.requests())
        QVERIFY2(!request.target.contains("evil") && !request.target.contains("x%0D"),
                 request.target.constData());

    // When Cancel is pressed, then nothing is waited for any more and the rows say so
    m_window->cancelWaitingButton()->click();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->cancelWaitingButton()->isVisible(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowsInState(TagTableModel::LoadState::Loading),
                              0, 5000);
    m_window->showRepository(QString(), nullptr, QString());
}

void TestMainWindow::progressFiguresAreNotClipped()
{
    // Given a repository of 5,000 tags whose manifests never come (so the progress stays)
    ScriptedHttpServer server;
    QVERIFY(server.listen());
    QByteArray list = R"({"name":"many/app","tags":[)";
    for (int i = 0; i < 5000; ++i)
        list += (i ? ",\"" : "\"") + QByteArray::number(i) + '"';
    list += "]}";
    server.setHandler([list](const ScriptedHttpServer::Request &request) {
        if (request.path() == u"/v2/")
            return ScriptedHttpServer::Reply::json(200, "{}");
        if (request.path() == u"/v2/many/app/tags/list")
            return ScriptedHttpServer::Reply::json(200, list);
        if (!request.path().contains(u"/manifests/"_s))
            return ScriptedHttpServer::Reply::registryError(404, "NOT_FOUND", "no");
        ScriptedHttpServer::Reply silent;
        silent.neverRespond = true;
        return silent;
    });
    GuiStack stack(server.baseUrl().authority());
    QVERIFY2(stack.session, qPrintable(stack.error.toString()));
    const QSize size = m_window->size();
    m_window->resize(1280, 800);
    m_window->showRepository(u"many"_s, stack.session, u"many/app"_s);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), 5000, 15000);

    // When sorting by size asks for every tag's metadata
    m_window->tagView()->sortByColumn(TagTableModel::SizeColumn, Qt::DescendingOrder);

    // Then the status bar shows the figures in full beside the bar, not clipped by it
    QLabel *figures = m_window->progressText();
    QTRY_VERIFY_WITH_TIMEOUT(figures->isVisible() && m_window->progressBar()->isVisible(), 10000);
    QVERIFY2(figures->text().endsWith(u" / 5,000"_s), qPrintable(figures->text()));
    QTRY_VERIFY(figures->fontMetrics().horizontalAdvance(figures->text())
                <= figures->contentsRect().width());
    const QRect bar = m_window->progressBar()->geometry();
    QVERIFY2(!figures->geometry().intersects(bar), "the figures overlap the bar");
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_window->grab().save(dir + u"/metadata-progress.png"_s));
    // The widest figures there can be at this size fit too
    figures->setText(m_window->tr("Metadata %1 / %2")
                             .arg(QLocale().toString(4999), QLocale().toString(5000)));
    QTRY_VERIFY(figures->fontMetrics().horizontalAdvance(figures->text())
                <= figures->contentsRect().width());

    m_window->tagView()->sortByColumn(TagTableModel::TagColumn, Qt::AscendingOrder);
    m_window->showRepository(QString(), nullptr, QString());
    m_window->resize(size);
}

void TestMainWindow::preferencesApplyOnOkOnly()
{
    QSignalSpy changed(m_window.get(), &MainWindow::preferencesChanged);
    Preferences initial;
    initial.connectionsPerRegistry = 4;
    initial.watchIntervalMinutes = 30;
    m_window->setPreferences(initial);

    // When the dialog opens it shows the current values
    PreferencesDialog *dialog = m_window->openPreferencesDialog();
    QCOMPARE(dialog->connectionsBox()->value(), 4);
    QCOMPARE(dialog->watchIntervalBox()->value(), 30);
    // and values beyond the bounds cannot be entered
    dialog->connectionsBox()->setValue(50);
    QCOMPARE(dialog->connectionsBox()->value(), Preferences::MaxConnectionsPerRegistry);

    // When it is cancelled nothing changes
    dialog->reject();
    QCOMPARE(changed.count(), 0);
    QCOMPARE(m_window->preferences(), initial);

    // When values are changed and OK is pressed, the window keeps and announces them
    dialog = m_window->openPreferencesDialog();
    dialog->connectionsBox()->setValue(2);
    dialog->watchIntervalBox()->setValue(5);
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(changed.count(), 1);
    const auto announced = changed.takeFirst().at(0).value<Preferences>();
    QCOMPARE(announced.connectionsPerRegistry, 2);
    QCOMPARE(announced.watchIntervalMinutes, 5);
    QCOMPARE(m_window->preferences(), announced);

    // When OK is pressed without a change, nothing is announced
    dialog = m_window->openPreferencesDialog();
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    QCOMPARE(changed.count(), 0);
}

void TestMainWindow::helpMenuListsShortcuts()
{
    // The Help menu has the documentation, the shortcuts and the About box
    HelpMenu *help = m_window->helpMenu();
    QVERIFY(help);
    QVERIFY(m_window->menuBar()->actions().contains(help->menuAction()));
    QCOMPARE(help->documentationAction()->shortcut(), QKeySequence(QKeySequence::HelpContents));
    const QString about = HelpMenu::aboutText();
    QVERIFY2(about.contains(QStringLiteral(BERTH_VERSION)) && about.contains(u"man berth"_s),
             qPrintable(about));
    // A build that is not installed finds the source tree's guides
    QVERIFY(QFileInfo::exists(HelpMenu::documentationFolder() + u"/cli.md"_s));

    // The shortcuts dialog lists the window's actions with their keys, from the menus
    ShortcutsDialog *dialog = help->openShortcutsDialog();
    QStringList rows;
    QTreeWidget *list = dialog->list();
    for (int group = 0; group < list->topLevelItemCount(); ++group) {
        for (int i = 0; i < list->topLevelItem(group)->childCount(); ++i) {
            const QTreeWidgetItem *item = list->topLevelItem(group)->child(i);
            rows.append(item->text(0) + u" = "_s + item->text(1));
        }
    }
    const QString retag
            = m_window->tagActions()->retagAction()->shortcut().toString(QKeySequence::NativeText);
    QVERIFY2(rows.contains(u"Retag = "_s + retag), qPrintable(rows.join(u'\n')));
    QVERIFY2(
            rows.contains(u"Keyboard Shortcuts = "_s
                          + help->shortcutsAction()->shortcut().toString(QKeySequence::NativeText)),
            qPrintable(rows.join(u'\n')));
    // Every shortcut appears once: two actions on one key would fight
    QSet<QString> keys;
    for (const QString &row : std::as_const(rows)) {
        const QString key = row.section(u" = "_s, 1);
        QVERIFY2(!keys.contains(key), qPrintable(u"two actions on "_s + key));
        keys.insert(key);
    }
    dialog->close();
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
}

bool TestMainWindow::allVisibleRowsDone() const
{
    const auto [first, last] = m_window->tagView()->visibleProxyRows();
    if (first < 0)
        return false;
    for (int row = first; row <= last; ++row) {
        const auto state = m_window->proxyModel()
                                   ->index(row, 0)
                                   .data(TagTableModel::LoadStateRole)
                                   .value<TagTableModel::LoadState>();
        if (state != TagTableModel::LoadState::Loaded)
            return false;
    }
    return true;
}

void TestMainWindow::selectOnly(const QString &tag)
{
    QVERIFY(m_window->tagView()->selectTag(tag));
    QCOMPARE(m_window->tagView()->selectedTags(), QStringList{tag});
}

QMenu *TestMainWindow::openContextMenuOn(const QString &tag)
{
    TagTableView *view = m_window->tagView();
    const int sourceRow = m_window->tagModel()->rowOfTag(tag);
    const QModelIndex index
            = m_window->proxyModel()->mapFromSource(m_window->tagModel()->index(sourceRow, 0));
    view->scrollTo(index);
    const QPoint pos = view->visualRect(index).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, pos, view->viewport()->mapToGlobal(pos));
    QApplication::sendEvent(view->viewport(), &event);
    return waitForChild<QMenu>(u"tagContextMenu"_s);
}

void TestMainWindow::opensRepositoryWithVisibleMetadata()
{
    // When the window shows the repository
    m_window->showRepository(u"test"_s, m_stack->session, Repo);

    // Then every tag arrives, the visible rows get metadata, and the status line says so
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), m_tagCount, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(allVisibleRowsDone(), 15000);
    const QString n = QString::number(m_tagCount);
    QTRY_COMPARE_WITH_TIMEOUT(
            m_window->statusText(),
            n + u" tags · metadata "_s + n + u'/' + n + u" · 0 requests in flight"_s, 10000);
    // The digest column shows what was pushed
    const int row = m_window->tagModel()->rowOfTag(u"stable"_s);
    QCOMPARE(m_window->tagModel()->index(row, 0).data(TagTableModel::DigestRole).toString(),
             m_digests.value(u"stable"_s));
    QVERIFY(m_window->windowTitle().contains(Repo));
}

void TestMainWindow::findFocusesAndFilterNarrowsRows()
{
    // Given the table has focus
    m_window->tagView()->setFocus();
    QTRY_VERIFY(m_window->tagView()->hasFocus());
    // When Ctrl+F is pressed, the filter field gets the focus
    QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(m_window->filterEdit()->hasFocus());

    // When "dev" is typed
    QTest::keyClicks(m_window->filterEdit(), u"dev"_s);
    // Then only the dev tags remain, and the status line says how many are shown
    QTRY_COMPARE(m_window->proxyModel()->rowCount(), 2);
    QVERIFY2(m_window->statusText().startsWith(u"2 shown · "_s),
             qPrintable(m_window->statusText()));

    // A glob narrows further
    m_window->filterSyntaxBox()->setCurrentIndex(1);
    m_window->filterEdit()->setText(u"old-?"_s);
    QTRY_COMPARE(m_window->proxyModel()->rowCount(), 2);
    QCOMPARE(m_window->proxyModel()->index(0, 0).data().toString().left(4), u"old-"_s);

    // Cleared, every tag is back
    m_window->filterSyntaxBox()->setCurrentIndex(0);
    m_window->filterEdit()->clear();
    QTRY_COMPARE(m_window->proxyModel()->rowCount(), m_tagCount);
}

void TestMainWindow::sortsBySize()
{
    // When the Size header is clicked
    QHeaderView *header = m_window->tagView()->horizontalHeader();
    const int x = header->sectionViewportPosition(TagTableModel::SizeColumn) + 5;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(m_window->proxyModel()->sortColumn(), int(TagTableModel::SizeColumn));

    // Then every row gets its size and the rows come largest first (the header's initial order
    // for sizes and times)
    QCOMPARE(m_window->proxyModel()->sortOrder(), Qt::DescendingOrder);
    QAbstractItemModel *proxy = m_window->proxyModel();
    const auto sorted = [proxy] {
        qint64 previous = std::numeric_limits<qint64>::max();
        for (int row = 0; row < proxy->rowCount(); ++row) {
            const qint64 size = proxy->index(row, 0).data(TagTableModel::SizeRole).toLongLong();
            if (size < 0 || size > previous)
                return false;
            previous = size;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(sorted(), 15000);
    // The biggest image is first
    QCOMPARE(proxy->index(0, TagTableModel::TagColumn).data().toString(), u"2.0"_s);

    // Back to tag order
    m_window->tagView()->sortByColumn(TagTableModel::TagColumn, Qt::AscendingOrder);
}

void TestMainWindow::contextMenuCopiesPullCommand()
{
    QGuiApplication::clipboard()->clear();
    // When the context menu of "stable" runs Copy pull command
    QMenu *menu = openContextMenuOn(u"stable"_s);
    QVERIFY(menu);
    QAction *copy = menu->findChild<QAction *>(u"copyPullAction"_s, Qt::FindDirectChildrenOnly);
    if (!copy) {
        const auto actions = menu->actions();
        for (QAction *action : actions) {
            if (action->objectName() == u"copyPullAction")
                copy = action;
        }
    }
    QVERIFY(copy);
    QVERIFY(copy->isEnabled());
    copy->trigger();
    menu->close();

    // Then the clipboard holds the docker pull command
    const QString reference = m_registry->host() + u'/' + Repo + u":stable"_s;
    QCOMPARE(QGuiApplication::clipboard()->text(), u"docker pull "_s + reference);

    // And the plain reference and podman's pull command are in the same menu
    for (const auto &[name, expected] :
         {std::pair{u"copyReferenceAction"_s, reference},
          std::pair{u"copyPodmanPullAction"_s, QString(u"podman pull "_s + reference)}}) {
        QGuiApplication::clipboard()->clear();
        // The closed menu deletes itself later; wait, so the new one is the one found.
        QTRY_VERIFY(!m_window->findChild<QMenu *>(u"tagContextMenu"_s));
        QMenu *again = openContextMenuOn(u"stable"_s);
        QVERIFY(again);
        QAction *action = nullptr;
        const auto actions = again->actions();
        for (QAction *candidate : actions) {
            if (candidate->objectName() == name)
                action = candidate;
        }
        QVERIFY2(action, qPrintable(name));
        action->trigger();
        again->close();
        QCOMPARE(QGuiApplication::clipboard()->text(), expected);
    }

    // And Ctrl+C on the table copies the digest
    // (the closed menus may have left no window active: shortcuts need one)
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->tagView()->setFocus();
    QTest::keyClick(m_window->tagView(), Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(QGuiApplication::clipboard()->text(), m_digests.value(u"stable"_s));
}

void TestMainWindow::retagAddsVerifiedTag()
{
    // Given "stable" is selected and Retag… is chosen
    selectOnly(u"stable"_s);
    m_window->tagActions()->retagAction()->trigger();
    auto *dialog = waitForChild<RetagDialog>();
    QVERIFY(dialog);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);

    // An invalid tag cannot be accepted
    dialog->tagEdit()->setText(u"-bad tag"_s);
    QVERIFY(!ok->isEnabled());
    QVERIFY(!dialog->problem().isEmpty());
    dialog->repositoryEdit()->setText(u"Upper/Case"_s);
    dialog->tagEdit()->setText(u"retagged"_s);
    QVERIFY(!ok->isEnabled());
    dialog->repositoryEdit()->clear();
    QVERIFY(ok->isEnabled());

    // When a valid tag is accepted
    ok->click();

    // Then the row appears, the banner reports the verified digest, and the registry agrees
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"retagged"_s) >= 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->errorBanner()->message().contains(u"digest verified"_s),
                             10000);
    QCOMPARE(m_window->errorBanner()->kind(), ErrorBanner::Kind::Info);
    const auto resolved = resolveNow(m_stack->session->backend(), Repo, u"retagged"_s);
    QVERIFY2(resolved.ok(), qPrintable(resolved.error().toString()));
    QCOMPARE(resolved->digest, m_digests.value(u"stable"_s));
    m_digests.insert(u"retagged"_s, resolved->digest);
    QTRY_COMPARE(m_window->tagActions()->operationsInFlight(), 0);

    // And the report belongs to this repository: another one opening clears it
    QVERIFY(m_window->errorBanner()->isVisible());
    m_window->showRepository(u"test"_s, m_stack->session, u"team/other"_s);
    QVERIFY(!m_window->errorBanner()->isVisible());
    m_window->showRepository(u"test"_s, m_stack->session, Repo);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"retagged"_s) >= 0, 10000);
}

void TestMainWindow::deleteTagKeepsSiblings()
{
    // Given "1.0.1" (sharing its image with 1.0, stable and retagged) is selected
    selectOnly(u"1.0.1"_s);
    // When Delete Tag… (Del) is confirmed
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    m_window->tagView()->setFocus();
    QTest::keyClick(m_window->tagView(), Qt::Key_Delete);
    auto *box = waitForChild<QMessageBox>(u"deleteTagConfirmation"_s);
    QVERIFY(box);
    QVERIFY2(box->text().contains(u"1.0.1"_s), qPrintable(box->text()));
    box->button(QMessageBox::Yes)->click();

    // Then the row goes, the registry no longer has the tag, and its siblings stay
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"1.0.1"_s) < 0, 10000);
    const auto gone = resolveNow(m_stack->session->backend(), Repo, u"1.0.1"_s);
    QVERIFY(!gone.ok());
    QCOMPARE(gone.error().code, ErrorCode::NotFound);
    for (const QString &sibling : {u"1.0"_s, u"stable"_s}) {
        const auto kept = resolveNow(m_stack->session->backend(), Repo, sibling);
        QVERIFY2(kept.ok(), qPrintable(kept.error().toString()));
        QCOMPARE(kept->digest, m_digests.value(sibling));
        QVERIFY(m_window->tagModel()->rowOfTag(sibling) >= 0);
    }
}

void TestMainWindow::deleteImageRemovesAllItsTags()
{
    // Given "old-1" is selected (old-2 points at the same image), and someone else tagged the
    // image "old-elsewhere" since the table was listed: the table has no row for it
    QTRY_VERIFY_WITH_TIMEOUT(allVisibleRowsDone(), 10000);
    const auto added = waitFor(
            m_stack->session->backend()->addTag(Repo, u"old-1"_s, {}, u"old-elsewhere"_s), 15000);
    QVERIFY2(added.ok(), qPrintable(added.error().toString()));
    QCOMPARE(m_window->tagModel()->rowOfTag(u"old-elsewhere"_s), -1);
    selectOnly(u"old-1"_s);
    // When Delete Image… is confirmed
    m_window->tagActions()->deleteImageAction()->trigger();
    auto *box = waitForChild<QMessageBox>(u"deleteImageConfirmation"_s);
    QVERIFY(box);
    // Then the confirmation named every tag that goes with it, asked of the registry
    QVERIFY2(box->informativeText().contains(u"old-1"_s), qPrintable(box->informativeText()));
    QVERIFY2(box->informativeText().contains(u"old-2"_s), qPrintable(box->informativeText()));
    QVERIFY2(box->informativeText().contains(u"old-elsewhere"_s),
             qPrintable(box->informativeText()));
    QVERIFY(!box->informativeText().contains(u"stable"_s));
    box->button(QMessageBox::Yes)->click();

    // And both tags are gone from the table and from the registry
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"old-1"_s) < 0
                                     && m_window->tagModel()->rowOfTag(u"old-2"_s) < 0,
                             10000);
    for (const QString &tag : {u"old-1"_s, u"old-2"_s, u"old-elsewhere"_s}) {
        const auto gone = resolveNow(m_stack->session->backend(), Repo, tag);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
    }
    QVERIFY(resolveNow(m_stack->session->backend(), Repo, u"2.0"_s).ok());
}

void TestMainWindow::detailsShowPlatformsOfAnIndex()
{
    // When the index is selected
    selectOnly(u"multi"_s);
    DetailsPane *details = m_window->detailsPane();
    QTRY_COMPARE_WITH_TIMEOUT(details->state(), DetailsPane::State::Loaded, 10000);
    QCOMPARE(details->reference(), u"multi"_s);
    // Then its platforms (with digests) and attestations are listed
    const QString text = details->plainText();
    QVERIFY2(text.contains(u"linux/amd64"_s), qPrintable(text));
    QVERIFY2(text.contains(u"linux/arm64/v8"_s), qPrintable(text));
    QVERIFY(text.contains(u"Attestations"_s));
    QVERIFY(text.contains(m_index.digest));
    for (const auto &platform : std::as_const(details->metadata()->platforms))
        QVERIFY(text.contains(platform.digest));
    // And the manifest arrives too
    QTRY_VERIFY_WITH_TIMEOUT(details->plainText().contains(u"\"manifests\""_s), 10000);
}

void TestMainWindow::headerStateIsRemembered()
{
    // Given the Kind column is hidden and the layout saved
    QHeaderView *header = m_window->tagView()->horizontalHeader();
    header->setSectionHidden(TagTableModel::KindColumn, true);
    m_window->saveLayout();
    // When another window restores the layout
    MainWindow other;
    other.restoreLayout();
    // Then the column stays hidden there
    QVERIFY(other.tagView()->horizontalHeader()->isSectionHidden(TagTableModel::KindColumn));
    QVERIFY(!other.tagView()->horizontalHeader()->isSectionHidden(TagTableModel::TagColumn));
    header->setSectionHidden(TagTableModel::KindColumn, false);
}

void TestMainWindow::cleanUpAndUndo()
{
    // Given Clean Up… on the repository, with rules that consider the dev-* tags and keep the
    // newest of them
    const QString devDigest1 = m_digests.value(u"dev-1"_s);
    const QString devDigest2 = m_digests.value(u"dev-2"_s);
    QVERIFY(m_window->cleanupAction()->isEnabled());
    // (A context menu's Clean Up… on a repository that is not the open one opens nothing.)
    QVERIFY(!m_window->openCleanupDialogFor(m_window->connectionId(), u"team/other"_s));
    QVERIFY(m_window->errorBanner()->isVisible());
    m_window->cleanupAction()->trigger();
    auto *dialog = waitForChild<CleanupDialog>(u"cleanupDialog"_s);
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(u"onlyEdit"_s)->setText(u"dev-.*"_s);
    dialog->findChild<QSpinBox *>(u"keepLastSpin"_s)->setValue(1);

    // Then the plan becomes final with every tag of the repository in it: one dev tag goes
    // with its image, everything else stays
    QTRY_VERIFY_WITH_TIMEOUT(dialog->runButton()->isEnabled(), 20000);
    const CleanupPlan &plan = dialog->planModel()->plan();
    QCOMPARE(plan.tags.size(), qsizetype(m_window->tagModel()->rowCount()));
    QCOMPARE(plan.summary.remove, 1);
    QCOMPARE(plan.summary.imagesDeleted, 1);
    const QString removed = plan.removedTags().constFirst();
    QVERIFY(removed == u"dev-1" || removed == u"dev-2");
    QVERIFY2(dialog->summaryText().contains(u"delete 1"_s), qPrintable(dialog->summaryText()));
    // The plan exports as the command line prints it
    QString error;
    const QString csv = m_settingsDir.filePath(u"plan.csv"_s);
    QVERIFY2(dialog->exportPlan(csv, &error), qPrintable(error));
    QFile exported(csv);
    QVERIFY(exported.open(QIODevice::ReadOnly));
    QVERIFY(exported.readAll().startsWith("tag,digest,created,pushed,action,reason"));

    // Looked at, light and dark
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(dir));
    const QPalette original = QApplication::palette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : original);
        QTest::qWait(50);
        QVERIFY(dialog->grab().save(dir
                                    + (dark ? u"/cleanup-dark.png"_s : u"/cleanup-light.png"_s)));
    }
    QApplication::setPalette(original);

    // When it runs (confirmed)
    dialog->runButton()->click();
    auto *confirm = waitForChild<QMessageBox>(u"runCleanupConfirmation"_s);
    QVERIFY(confirm);
    QVERIFY2(confirm->informativeText().contains(u"1 image"_s),
             qPrintable(confirm->informativeText()));
    QVERIFY(confirm->grab().save(dir + u"/cleanup-confirm.png"_s));
    confirm->button(QMessageBox::Yes)->click();

    // Then the tag is gone from the registry, the other dev tag stays, and Undo knows the journal
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->lastJournal().isEmpty(), 20000);
    QVERIFY(QFile::exists(m_window->lastJournal()));
    QCOMPARE(resolveNow(m_stack->session->backend(), Repo, removed).error().code,
             ErrorCode::NotFound);
    const QString kept = removed == u"dev-1" ? u"dev-2"_s : u"dev-1"_s;
    QVERIFY(resolveNow(m_stack->session->backend(), Repo, kept).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(removed) < 0, 10000);
    dialog->close();

    // When Undo Clean-Up is confirmed
    m_window->undoCleanup(m_window->lastJournal());
    auto *undo = waitForChild<QMessageBox>(u"undoCleanupConfirmation"_s);
    QVERIFY(undo);
    QVERIFY2(undo->text().contains(u"1 tag"_s), qPrintable(undo->text()));
    QVERIFY(undo->grab().save(dir + u"/undo-cleanup.png"_s));
    undo->button(QMessageBox::Yes)->click();

    // Then the tag is back on its digest
    QTRY_VERIFY_WITH_TIMEOUT(resolveNow(m_stack->session->backend(), Repo, removed).ok(), 20000);
    QCOMPARE(resolveNow(m_stack->session->backend(), Repo, removed)->digest,
             removed == u"dev-1" ? devDigest1 : devDigest2);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(removed) >= 0, 10000);
}

void TestMainWindow::errorBannerAndRetryOnStoppedRegistry()
{
    // Given the registry stops
    m_registry->stop();
    // When the table is refreshed (F5)
    m_window->tagActions()->refreshAction()->trigger();
    // Then the banner says listing failed and offers Retry
    ErrorBanner *banner = m_window->errorBanner();
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible() && banner->kind() == ErrorBanner::Kind::Error,
                             15000);
    QVERIFY2(banner->message().contains(u"Could not list the tags"_s),
             qPrintable(banner->message()));
    QVERIFY(banner->isRetryable());

    // When the registry is back and Retry is clicked
    QString error;
    QVERIFY2(m_registry->restart(&error), qPrintable(error));
    banner->retryButton()->click();
    // Then the rows come back and the banner is gone
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowCount() > 0, 15000);
    QVERIFY(m_window->tagModel()->rowOfTag(u"stable"_s) >= 0);
    QVERIFY(!banner->isVisible());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
