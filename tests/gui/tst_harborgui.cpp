// The main window with its repository tree on the Harbor API test server (2.x), offscreen,
// composed as the app composes it (ConnectionStore, SessionManager, RepositoryBrowser,
// MainWindow): projects and repositories in the tree, Harbor's columns shown and filled, a
// click on the Pushed header sorts on the server (sort=-push_time / push_time), the filter box
// filters on the server (q=tags=~), retag and delete through the tag actions. Saves screenshots
// (light and dark) of the window into <build>/screenshots/harbor-*.png.

#include "guitestutil.h"
#include "harborserver.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/cleanup/cleanupplanmodel.h"
#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "models/tags/metadataupdater.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "net/backend/registrybackend.h"
#include "net/transport/requestscheduler.h"
#include "ui/cleanupdialog.h"
#include "ui/detailspane.h"
#include "ui/errorbanner.h"
#include "ui/mainwindow.h"
#include "ui/repositorybrowser.h"
#include "ui/retagdialog.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QHeaderView>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <algorithm>
#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

const QString Project = u"library"_s;
const QString Name = u"hello"_s;
const QString Repo = u"library/hello"_s;

ImageSpec smallImage(quint64 seed)
{
    ImageSpec spec;
    spec.seed = seed;
    spec.layers = 1;
    spec.layerBytes = 2048;
    return spec;
}

QStringList labels(const QAbstractItemModel *model, const QModelIndex &parent = {})
{
    QStringList out;
    for (int row = 0; row < model->rowCount(parent); ++row)
        out.append(model->index(row, 0, parent).data().toString());
    return out;
}

} // namespace

class TestHarborGui : public QObject
{
    Q_OBJECT

public:
    static void initMain()
    {
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/berth-test-no-bus");
        QStandardPaths::setTestModeEnabled(true);
    }

private Q_SLOTS:
    void initTestCase();
    void treeShowsProjectsAndRepositories();
    void harborColumnsShownAndFilled();
    void pushedHeaderSortsOnTheServer();
    void filterBoxFiltersOnTheServer();
    void retagThroughTagActions();
    void deleteThroughTagActions();
    void screenshots();
    void cleanUpOffersUntaggedImages();
    void cleanupTestCase();

private:
    bool sawRequest(const QByteArray &needle) const;
    QStringList shownTags() const;
    bool visibleRowsLoaded() const;
    void selectOnly(const QString &tag);
    template<typename T>
    T *waitForChild(const QString &name = {});

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<HarborServer> m_harbor;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<MainWindow> m_window;
    RepositoryBrowser *m_browser = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tagTester;
    std::unique_ptr<QAbstractItemModelTester> m_proxyTester;
    std::unique_ptr<QAbstractItemModelTester> m_treeTester;
    QString m_id;
    QObject m_context;
    QStringList m_oldestFirst; // tags by artifact push time
};

template<typename T>
T *TestHarborGui::waitForChild(const QString &name)
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

bool TestHarborGui::sawRequest(const QByteArray &needle) const
{
    const QList<QByteArray> targets = m_harbor->requestTargets();
    return std::any_of(targets.cbegin(), targets.cend(), [&needle](const QByteArray &target) {
        return target.startsWith("GET /api/v2.0/") && target.contains("/artifacts")
               && target.contains(needle);
    });
}

QStringList TestHarborGui::shownTags() const
{
    QStringList tags;
    const QAbstractItemModel *proxy = m_window->proxyModel();
    for (int row = 0; row < proxy->rowCount(); ++row)
        tags.append(proxy->index(row, TagTableModel::TagColumn)
                            .data(TagTableModel::TagRole)
                            .toString());
    return tags;
}

bool TestHarborGui::visibleRowsLoaded() const
{
    const auto [first, last] = m_window->tagView()->visibleProxyRows();
    if (first < 0)
        return false;
    for (int row = first; row <= last; ++row) {
        if (m_window->proxyModel()
                    ->index(row, 0)
                    .data(TagTableModel::LoadStateRole)
                    .value<TagTableModel::LoadState>()
            != TagTableModel::LoadState::Loaded)
            return false;
    }
    return true;
}

void TestHarborGui::selectOnly(const QString &tag)
{
    QVERIFY(m_window->tagView()->selectTag(tag));
    QCOMPARE(m_window->tagView()->selectedTags(), QStringList{tag});
}

void TestHarborGui::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_settingsDir.isValid());
    QCoreApplication::setOrganizationName(u"BerthTest"_s);
    QCoreApplication::setApplicationName(u"tst_harborgui"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    // Fusion: the same look on every machine, so screenshots compare.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));

    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    // Given library/hello with four images (push order: 1.0, 1.1, 2.0 + latest, 2.1-rc), more
    // repositories in library and a private project
    ImageSeeder seeder(m_registry->host());
    const QList<QStringList> images{{u"1.0"_s}, {u"1.1"_s}, {u"2.0"_s, u"latest"_s}, {u"2.1-rc"_s}};
    for (qsizetype i = 0; i < images.size(); ++i)
        QVERIFY(seeder.seedImage(Repo, smallImage(quint64(100 + i)), images.at(i)));
    QVERIFY(seeder.seedImage(u"library/team/api"_s, smallImage(110), {u"1"_s}));
    QVERIFY(seeder.seedImage(u"private/secret"_s, smallImage(111), {u"1"_s}));

    m_harbor = std::make_unique<HarborServer>(m_registry.get(), HarborServer::Flavour::V2);
    QVERIFY2(m_harbor->start(&error), qPrintable(error));
    m_harbor->createProject(Project, true);
    m_harbor->createProject(u"private"_s, false);
    QVERIFY2(m_harbor->importFromRegistry(&error), qPrintable(error));
    // Pushed a day apart in the images' order (tags and artifacts alike, as a real push
    // sets both); 2.0 was pulled, labelled and scanned.
    const QDateTime start = QDateTime::currentDateTimeUtc().addDays(-10);
    const qint64 repositoryId = m_harbor->store().repository(Repo)->id;
    for (qsizetype i = 0; i < images.size(); ++i) {
        const QDateTime pushed = start.addDays(i);
        const QString digest = m_harbor->findArtifact(Project, Name, images.at(i).first())->digest;
        m_harbor->store().artifact(repositoryId, digest)->pushTime = pushed;
        for (const QString &tag : images.at(i)) {
            m_oldestFirst.append(tag);
            QVERIFY(m_harbor->setTagTimes(Project, Name, tag, pushed,
                                          tag == u"2.0" ? pushed.addDays(1) : QDateTime()));
        }
    }
    const qint64 label = m_harbor->createLabel(u"release"_s, u"#2e7d32"_s);
    QVERIFY(m_harbor->attachLabel(Project, Name, u"2.0"_s, label));
    HarborScanOverview scan;
    scan.severity = u"High"_s;
    scan.total = 7;
    scan.fixable = 3;
    scan.summary = {{u"High"_s, 2}, {u"Medium"_s, 1}, {u"Low"_s, 4}};
    QVERIFY(m_harbor->setScanOverview(Project, Name, u"2.0"_s, scan));

    // The app's composition, with an in-memory secret store
    m_secrets = std::make_unique<SecretStore>(SecretStore::Backend::Memory);
    m_store = std::make_unique<ConnectionStore>(m_secrets.get());
    m_sessions = std::make_unique<SessionManager>(m_store.get(), nullptr);
    m_sessions->scheduler()->setRetryDelays(5, 20);
    Connection c;
    c.name = u"Harbor"_s;
    c.address = u"http://"_s + m_harbor->host();
    c.kind = Connection::Kind::Auto; // detected
    c.authMode = Connection::AuthMode::Password;
    c.username = QString(HarborServer::adminName);
    m_id = m_store->save(c, QString(HarborServer::adminPassword));

    m_window = std::make_unique<MainWindow>();
    m_window->setIntervals(0);
    m_browser = new RepositoryBrowser(m_store.get(), m_sessions.get());
    m_window->setNavigator(m_browser);
    connect(m_browser, &RepositoryBrowser::repositoryActivated, &m_context,
            [this](const QString &connectionId, const QString &repository) {
                m_sessions->open(
                        connectionId, &m_context,
                        [this, connectionId, repository](Result<RegistrySession *> r) {
                            if (r)
                                m_window->showRepository(connectionId, r.value(), repository);
                            else
                                m_window->showOpenFailed(connectionId, repository, r.error());
                        });
            });
    m_tagTester = std::make_unique<QAbstractItemModelTester>(
            m_window->tagModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_proxyTester = std::make_unique<QAbstractItemModelTester>(
            m_window->proxyModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_treeTester = std::make_unique<QAbstractItemModelTester>(
            m_browser->treeModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestHarborGui::cleanupTestCase()
{
    m_tagTester.reset();
    m_proxyTester.reset();
    m_treeTester.reset();
    m_window.reset();
    m_sessions.reset();
    m_store.reset();
}

void TestHarborGui::treeShowsProjectsAndRepositories()
{
    // Then the saved connection is detected as Harbor and its projects become folders
    RepositoryTreeModel *tree = m_browser->treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(tree->session() && tree->rowCount() > 0 && !tree->isLoading(), 20000);
    QCOMPARE(tree->session()->backend()->kindName(), u"harbor"_s);
    const QAbstractItemModel *shown = m_browser->treeView()->model();
    QCOMPARE(labels(shown), (QStringList{u"library (2)"_s, u"private (1)"_s}));
    QCOMPARE(labels(shown, shown->index(0, 0)), (QStringList{u"hello"_s, u"team/api"_s}));

    // When library/hello is picked, its tags fill the table
    m_browser->selectRepository(m_id, Repo);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->repository(), Repo, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), 5, 10000);
    QVERIFY(m_window->tagModel()->supportsServerSort());
    // Harbor's version was asked once, by detection: the backend made from what detection found
    // does not probe again when it connects.
    QCOMPARE(m_harbor->pathCount(u"/api/version"_s), 1);
}

void TestHarborGui::harborColumnsShownAndFilled()
{
    TagTableModel *model = m_window->tagModel();
    QVERIFY(model->hasHarborColumns());
    QHeaderView *header = m_window->tagView()->horizontalHeader();
    for (int column :
         {int(TagTableModel::PushedColumn), int(TagTableModel::PulledColumn),
          int(TagTableModel::LabelsColumn), int(TagTableModel::VulnerabilitiesColumn)}) {
        QVERIFY2(!header->isSectionHidden(column), qPrintable(QString::number(column)));
        QVERIFY(header->sectionSize(column) > 0);
    }
    // The extras of visible rows arrive; 2.0's are Harbor's
    const int row = model->rowOfTag(u"2.0"_s);
    QVERIFY(row >= 0);
    const auto cell = [&](int column) {
        return model->index(row, column).data().toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(model->index(row, 0).data(TagTableModel::HasExtrasRole).toBool(),
                             10000);
    QVERIFY(!cell(TagTableModel::PushedColumn).isEmpty());
    QVERIFY(cell(TagTableModel::PulledColumn) != u"never"_s);
    QVERIFY(!cell(TagTableModel::PulledColumn).isEmpty());
    QCOMPARE(cell(TagTableModel::LabelsColumn), u"release"_s);
    QVERIFY2(cell(TagTableModel::VulnerabilitiesColumn).contains(u"7"_s),
             qPrintable(cell(TagTableModel::VulnerabilitiesColumn)));
    // At 1280 px with the repository tree and the details pane open, the Vulnerabilities
    // column is on screen in full without scrolling, its text not cut (the details pane used to
    // hide it)
    QVERIFY(m_window->detailsPane()->isVisible() && m_browser->isVisible());
    TagTableView *view = m_window->tagView();
    view->horizontalScrollBar()->setValue(0);
    const int vulnerabilities = TagTableModel::VulnerabilitiesColumn;
    const int right = header->sectionViewportPosition(vulnerabilities)
                      + header->sectionSize(vulnerabilities);
    QVERIFY2(right <= view->viewport()->width(),
             qPrintable(u"column ends at %1 of %2"_s.arg(right).arg(view->viewport()->width())));
    QVERIFY2(view->fontMetrics().horizontalAdvance(cell(vulnerabilities))
                     < header->sectionSize(vulnerabilities),
             qPrintable(cell(vulnerabilities)));
    const int never = model->rowOfTag(u"1.0"_s);
    QTRY_VERIFY_WITH_TIMEOUT(model->index(never, 0).data(TagTableModel::HasExtrasRole).toBool(),
                             10000);
    QCOMPARE(model->index(never, TagTableModel::PulledColumn).data().toString(), u"never"_s);
}

void TestHarborGui::pushedHeaderSortsOnTheServer()
{
    // When the Pushed header is clicked (once: newest first; again: oldest first)
    m_harbor->resetCounters();
    QHeaderView *header = m_window->tagView()->horizontalHeader();
    m_window->tagView()->scrollTo(m_window->proxyModel()->index(0, TagTableModel::PushedColumn));
    const auto clickPushed = [header] {
        const int x = header->sectionViewportPosition(TagTableModel::PushedColumn)
                      + header->sectionSize(TagTableModel::PushedColumn) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };
    clickPushed();
    QCOMPARE(header->sortIndicatorSection(), int(TagTableModel::PushedColumn));
    const Qt::SortOrder first = header->sortIndicatorOrder();
    QCOMPARE(first, Qt::DescendingOrder); // TagTableModel's Qt::InitialSortOrderRole

    // Then the model lists in the server's order: one sorted request, not every row's details
    const QByteArray firstSort = first == Qt::AscendingOrder ? "sort=push_time" : "sort=-push_time";
    QTRY_VERIFY_WITH_TIMEOUT(sawRequest(firstSort), 10000);
    QCOMPARE(m_window->tagModel()->tagQuery().sortField, TagQuery::SortField::PushTime);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), 5, 10000);
    const auto sameArtifactOrder = [this](QStringList expected) {
        const QStringList got = shownTags();
        if (got.size() != expected.size())
            return false;
        for (qsizetype i = 0; i < got.size(); ++i) {
            if (m_harbor->findArtifact(Project, Name, got.at(i))->digest
                != m_harbor->findArtifact(Project, Name, expected.at(i))->digest)
                return false;
        }
        return true;
    };
    QStringList expected = m_oldestFirst;
    if (first == Qt::DescendingOrder)
        std::reverse(expected.begin(), expected.end());
    QTRY_VERIFY2_WITH_TIMEOUT(sameArtifactOrder(expected), qPrintable(shownTags().join(u' ')),
                              10000);
    // Never the manifest of every row: the extras came with the pages.
    QVERIFY(!m_window->tagModel()->updater()->isLoadingAll());

    m_harbor->resetCounters();
    clickPushed();
    QVERIFY(header->sortIndicatorOrder() != first);
    QTRY_VERIFY_WITH_TIMEOUT(
            sawRequest(first == Qt::AscendingOrder ? "sort=-push_time" : "sort=push_time"), 10000);
    std::reverse(expected.begin(), expected.end());
    QTRY_VERIFY2_WITH_TIMEOUT(sameArtifactOrder(expected), qPrintable(shownTags().join(u' ')),
                              10000);

    // Back to tag order: the server's name listing again, sorted here
    m_window->tagView()->sortByColumn(TagTableModel::TagColumn, Qt::AscendingOrder);
    QVERIFY(m_window->tagModel()->tagQuery().isDefault());
    QTRY_COMPARE_WITH_TIMEOUT(shownTags(),
                              (QStringList{u"1.0"_s, u"1.1"_s, u"2.0"_s, u"2.1-rc"_s, u"latest"_s}),
                              10000);
}

void TestHarborGui::filterBoxFiltersOnTheServer()
{
    m_harbor->resetCounters();
    auto *filter = m_window->findChild<QLineEdit *>(u"filterEdit"_s);
    QVERIFY(filter);
    QTest::keyClicks(filter, u"2."_s);
    // Then one filtered request (q=tags=~2.), and only its matches in the table
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->tagQuery().filterText, u"2."_s, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(sawRequest("2."), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(shownTags(), (QStringList{u"2.0"_s, u"2.1-rc"_s}), 10000);
    QCOMPARE(m_window->tagModel()->rowCount(), 2); // not filtered here: the server did

    filter->clear();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->tagQuery().isDefault(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), 5, 10000);
}

void TestHarborGui::retagThroughTagActions()
{
    selectOnly(u"1.1"_s);
    m_window->tagActions()->retagAction()->trigger();
    auto *dialog = waitForChild<RetagDialog>();
    QVERIFY(dialog);
    dialog->tagEdit()->setText(u"1.1-stable"_s);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    ok->click();

    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"1.1-stable"_s) >= 0, 10000);
    const Test::HarborArtifact *tagged = m_harbor->findArtifact(Project, Name, u"1.1-stable"_s);
    QVERIFY(tagged);
    QCOMPARE(tagged->digest, m_harbor->findArtifact(Project, Name, u"1.1"_s)->digest);
    QTRY_COMPARE(m_window->tagActions()->operationsInFlight(), 0);
    QCOMPARE(m_window->errorBanner()->kind(), ErrorBanner::Kind::Info);
}

void TestHarborGui::deleteThroughTagActions()
{
    selectOnly(u"1.1-stable"_s);
    m_window->tagActions()->deleteTagAction()->trigger();
    auto *box = waitForChild<QMessageBox>(u"deleteTagConfirmation"_s);
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();

    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagModel()->rowOfTag(u"1.1-stable"_s) < 0, 10000);
    QVERIFY(!m_harbor->findArtifact(Project, Name, u"1.1-stable"_s));
    // Its sibling (same artifact) stays
    QVERIFY(m_harbor->findArtifact(Project, Name, u"1.1"_s));
    QVERIFY(m_window->tagModel()->rowOfTag(u"1.1"_s) >= 0);
    QTRY_COMPARE(m_window->tagActions()->operationsInFlight(), 0);
}

void TestHarborGui::screenshots()
{
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(QDir().mkpath(dir));
    m_window->tagView()->sortByColumn(TagTableModel::PushedColumn, Qt::DescendingOrder);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->tagView()->selectTag(u"2.0"_s), 10000);
    const QPalette original = QApplication::palette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : original);
        QApplication::processEvents();
        const int row = m_window->tagModel()->rowOfTag(u"2.0"_s);
        QTRY_VERIFY_WITH_TIMEOUT(
                m_window->tagModel()->index(row, 0).data(TagTableModel::HasExtrasRole).toBool(),
                10000);
        QTRY_VERIFY_WITH_TIMEOUT(visibleRowsLoaded(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->detailsPane()->state(), DetailsPane::State::Loaded,
                                  10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(u"0 requests in flight"_s), 10000);
        QApplication::processEvents();
        // Newest first, in the server's order
        QStringList newestFirst = m_oldestFirst;
        std::reverse(newestFirst.begin(), newestFirst.end());
        QCOMPARE(shownTags().first(), newestFirst.first());
        const QImage image = m_window->grab().toImage();
        QCOMPARE(image.size(), QSize(1280, 800) * image.devicePixelRatio());
        const QString path = dir + u"/harbor-"_s + (dark ? u"dark"_s : u"light"_s) + u".png"_s;
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("saved %s", qPrintable(path));
    }
    QApplication::setPalette(original);
}

void TestHarborGui::cleanUpOffersUntaggedImages()
{
    // Given 1.0's tag removed: its image (pushed ten days ago) stays, untagged
    const qint64 repositoryId = m_harbor->store().repository(Repo)->id;
    const QString untagged = m_harbor->findArtifact(Project, Name, u"1.0"_s)->digest;
    QVERIFY(m_harbor->store().removeTag(repositoryId, u"1.0"_s));

    // When Clean Up… keeps every tag and asks for untagged images too
    m_window->cleanupAction()->trigger();
    auto *dialog = waitForChild<CleanupDialog>(u"cleanupDialog"_s);
    QVERIFY(dialog);
    dialog->findChild<QLineEdit *>(u"keepEdit"_s)->setText(u".*"_s);
    auto *untaggedCheck = dialog->findChild<QCheckBox *>(u"untaggedCheck"_s);
    QVERIFY(untaggedCheck);
    untaggedCheck->setChecked(true);

    // Then the plan deletes that image alone, shown as an <untagged> row
    QTRY_VERIFY_WITH_TIMEOUT(dialog->runButton()->isEnabled(), 20000);
    const CleanupPlan &plan = dialog->planModel()->plan();
    QCOMPARE(plan.deletedUntagged(), QStringList{untagged});
    QCOMPARE(plan.removedTags(), QStringList());
    const int last = dialog->planModel()->rowCount() - 1;
    QCOMPARE(dialog->planModel()->index(last, CleanupPlanModel::TagColumn).data().toString(),
             u"<untagged>"_s);
    QVERIFY2(dialog->summaryText().contains(u"untagged image(s): delete 1"_s),
             qPrintable(dialog->summaryText()));
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QVERIFY(dialog->grab().save(dir + u"/cleanup-untagged-harbor.png"_s));
    dialog->close();
}

QTEST_MAIN(TestHarborGui)
#include "tst_harborgui.moc"
