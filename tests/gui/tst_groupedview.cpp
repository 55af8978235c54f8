// View ▸ Group Tags by Image against the real registry, offscreen: images with several tags
// become one row each, tags whose digest is not known yet stay rows of their own (and say so
// in the status line) until scrolling shows them, the details pane of an image lists every tag
// of it as the registry says (also one pushed after the table was listed), tag-only actions
// are disabled on an image with the reason, the selection survives toggling both ways, and the
// toggle is remembered. Writes grouped-view-{light,dark}.png into <build>/screenshots/.

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/tags/digestgroupmodel.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/detailspane.h"
#include "ui/mainwindow.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

static const QString Repo = u"team/grouped"_s;
// More single-tag images than a screen and its margin show, then the tags of one image below
// them: those are never looked at unless the person scrolls, so their digests stay unknown.
// (Single-tag images above them: rows that merge would pull the next rows into view.)
static constexpr int Builds = 60;
static constexpr int NightlyTags = 20;

class TestGroupedView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void groupsImagesAndKeepsTheRestLazy();
    void detailsListEveryTagOfTheImageFromTheRegistry();
    void tagOnlyActionsOnAnImage();
    void filterMatchesAnyTagOfAnImage();
    void selectionSurvivesToggling();
    void screenshots();
    void scrollingResolvesAndMerges();
    void toggleIsRemembered();
    void cleanupTestCase();

private:
    QStringList groupedRows() const;
    int groupedRowOf(const QString &tag) const;

    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<GuiStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QHash<QString, QString> m_digests; // tag -> digest as pushed
    int m_tagCount = 0;
};

void TestGroupedView::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given images with one and several tags, and one image with many nightly tags
    ImageSeeder seeder(m_registry->host());
    QStringList nightlies;
    for (int i = 0; i < NightlyTags; ++i)
        nightlies.append(u"zzz-nightly-%1"_s.arg(i, 2, 10, QLatin1Char('0')));
    QList<std::pair<quint64, QStringList>> seeds{
            {21, {u"1.0"_s, u"1.0.1"_s, u"stable"_s}},
            {22, {u"2.0"_s}},
            {23, {u"old-1"_s, u"old-2"_s}},
            {24, nightlies},
    };
    for (int i = 0; i < Builds; ++i)
        seeds.append({quint64(100 + i), {u"zz-build-%1"_s.arg(i, 3, 10, QLatin1Char('0'))}});
    for (const auto &[seed, tags] : seeds) {
        ImageSpec spec;
        spec.seed = seed;
        spec.layers = 1 + int(seed % 2);
        spec.layerBytes = 1024 + qint64(seed % 7) * 512;
        const auto pushed = seeder.seedImage(Repo, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        for (const QString &tag : tags)
            m_digests.insert(tag, pushed->digest);
        m_tagCount += int(tags.size());
    }

    m_stack = std::make_unique<GuiStack>(m_registry->host());
    QVERIFY2(m_stack->session, qPrintable(m_stack->error.toString()));
    m_window = std::make_unique<MainWindow>();
    m_window->setIntervals(0);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->showRepository(u"test"_s, m_stack->session, Repo);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), m_tagCount, 10000);
}

void TestGroupedView::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
}

QStringList TestGroupedView::groupedRows() const
{
    QStringList rows;
    const QAbstractItemModel *shown = m_window->tagView()->model();
    for (int row = 0; row < shown->rowCount(); ++row)
        rows.append(shown->index(row, 0)
                            .data(DigestGroupModel::GroupTagsRole)
                            .toStringList()
                            .join(u','));
    return rows;
}

int TestGroupedView::groupedRowOf(const QString &tag) const
{
    const QStringList rows = groupedRows();
    for (int row = 0; row < rows.size(); ++row) {
        if (rows[row].split(u',').contains(tag))
            return row;
    }
    return -1;
}

void TestGroupedView::groupsImagesAndKeepsTheRestLazy()
{
    TagTableView *view = m_window->tagView();
    // Given the flat table with "1.0.1" selected
    QVERIFY(view->selectTag(u"1.0.1"_s));
    QAction *toggle = m_window->tagActions()->groupByImageAction();
    QVERIFY(toggle->isCheckable());
    QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_G));
    // Reachable from the View menu and the toolbar
    QVERIFY(!toggle->associatedObjects().isEmpty());

    // When the view is grouped by image
    toggle->trigger();
    QVERIFY(view->isGrouped());
    QCOMPARE(view->model(), view->groupProxyModel());

    // Then the images whose tags are on screen are one row each, in tag order
    QTRY_COMPARE_WITH_TIMEOUT(groupedRows().mid(0, 3),
                              (QStringList{u"1.0,1.0.1,stable"_s, u"2.0"_s, u"old-1,old-2"_s}),
                              15000);
    const QModelIndex image = view->model()->index(0, TagTableModel::TagColumn);
    QCOMPARE(image.data().toString(), u"3 tags: 1.0, 1.0.1, stable"_s);
    QCOMPARE(image.data(TagTableModel::DigestRole).toString(), m_digests.value(u"stable"_s));
    // And the selected tag's image is selected (also when its digest arrived just now)
    QTRY_COMPARE_WITH_TIMEOUT(view->selectedMemberTags(),
                              (QStringList{u"1.0"_s, u"1.0.1"_s, u"stable"_s}), 5000);
    QCOMPARE(view->currentImageDigest(), m_digests.value(u"1.0.1"_s));
    // And the nightly tags far below were not looked up: still one row each, counted
    const int ungrouped = view->groupModel()->ungroupedCount();
    QVERIFY2(ungrouped >= NightlyTags && ungrouped < m_tagCount,
             qPrintable(QString::number(ungrouped)));
    QVERIFY(groupedRowOf(u"zzz-nightly-00"_s) >= 0);
    QVERIFY(!view->model()
                     ->index(groupedRowOf(u"zzz-nightly-00"_s), 0)
                     .data(DigestGroupModel::DigestKnownRole)
                     .toBool());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(u"not grouped yet"_s), 5000);
    QVERIFY(m_window->statusText().contains(QString::number(view->groupModel()->ungroupedCount())));
    QVERIFY(m_window->tagModel()->rowsWithMetadata() < m_tagCount);
}

void TestGroupedView::detailsListEveryTagOfTheImageFromTheRegistry()
{
    TagTableView *view = m_window->tagView();
    DetailsPane *details = m_window->detailsPane();
    // Given someone tagged the image "1.0-hotfix" after the table was listed: no row has it
    const auto added = waitFor(
            m_stack->session->backend()->addTag(Repo, u"stable"_s, {}, u"1.0-hotfix"_s), 15000);
    QVERIFY2(added.ok(), qPrintable(added.error().toString()));
    QCOMPARE(m_window->tagModel()->rowOfTag(u"1.0-hotfix"_s), -1);

    // When the image's row is selected (again)
    QVERIFY(view->selectTag(u"old-1"_s));
    QVERIFY(view->selectTag(u"stable"_s));
    // Then the pane looks the tags up, then lists every one the registry has for the digest
    QVERIFY(details->imageTagsState() == DetailsPane::ImageTagsState::LookingUp
            || details->imageTagsState() == DetailsPane::ImageTagsState::Loaded);
    QTRY_COMPARE_WITH_TIMEOUT(details->imageTagsState(), DetailsPane::ImageTagsState::Loaded,
                              15000);
    QCOMPARE(details->imageTags(),
             (QStringList{u"1.0"_s, u"1.0-hotfix"_s, u"1.0.1"_s, u"stable"_s}));
    QTRY_COMPARE_WITH_TIMEOUT(details->state(), DetailsPane::State::Loaded, 10000);
    const QString text = details->plainText();
    QVERIFY2(text.contains(u"Tags of this image (4)"_s), qPrintable(text));
    QVERIFY2(text.contains(u"1.0-hotfix (not loaded in the table)"_s), qPrintable(text));
    QVERIFY(text.contains(m_digests.value(u"stable"_s)));

    // When the selection moves on while a lookup runs, that lookup is dropped
    QVERIFY(view->selectTag(u"old-2"_s));
    QCOMPARE(details->imageTagsState(), DetailsPane::ImageTagsState::LookingUp);
    QVERIFY(view->selectTag(u"2.0"_s));
    QTRY_COMPARE_WITH_TIMEOUT(details->imageTagsState(), DetailsPane::ImageTagsState::Loaded,
                              15000);
    QCOMPARE(details->imageTags(), QStringList{u"2.0"_s});

    // And an error of the lookup shows in the pane: the registry is asked about a digest
    // nothing points at (an answer, not an error), so break the session's repository instead
    details->setRepository(m_stack->session->metadata(), m_stack->session->registryName(),
                           u"team/missing"_s);
    details->showImage(m_digests.value(u"2.0"_s), {u"2.0"_s});
    QTRY_COMPARE_WITH_TIMEOUT(details->imageTagsState(), DetailsPane::ImageTagsState::Failed,
                              15000);
    QVERIFY2(details->plainText().contains(u"Could not look up the tags of this image"_s),
             qPrintable(details->plainText()));
    details->setRepository(m_stack->session->metadata(), m_stack->session->registryName(), Repo);
}

void TestGroupedView::tagOnlyActionsOnAnImage()
{
    TagTableView *view = m_window->tagView();
    TagActions *actions = m_window->tagActions();
    // Given an image row with three tags selected
    QVERIFY(view->selectTag(u"1.0"_s));
    QVERIFY(view->selectionHasImageRows());
    // Then Delete Tag is disabled and says why; the image's actions are there
    QVERIFY(!actions->deleteTagAction()->isEnabled());
    QVERIFY2(actions->deleteTagAction()->toolTip().contains(u"Delete Image"_s),
             qPrintable(actions->deleteTagAction()->toolTip()));
    QVERIFY(actions->deleteImageAction()->isEnabled());
    QVERIFY(actions->copyByDigestAction()->isEnabled());
    QVERIFY(actions->browseFilesAction()->isEnabled());
    QVERIFY(actions->compareAction()->isEnabled());
    QVERIFY(actions->retagAction()->isEnabled());
    // And they act through the image's first tag
    QCOMPARE(view->selectedTags(), QStringList{u"1.0"_s});
    // When a single-tag image is selected, Delete Tag is back
    QVERIFY(view->selectTag(u"2.0"_s));
    QVERIFY(!view->selectionHasImageRows());
    QVERIFY(actions->deleteTagAction()->isEnabled());
    QVERIFY(!actions->deleteTagAction()->toolTip().contains(u"Delete Image"_s));
}

void TestGroupedView::filterMatchesAnyTagOfAnImage()
{
    // When the filter names one tag of an image
    m_window->filterEdit()->setText(u"1.0.1"_s);
    // Then its image is shown, with all its tags
    QTRY_COMPARE_WITH_TIMEOUT(groupedRows(), QStringList{u"1.0,1.0.1,stable"_s}, 5000);
    // And by digest too
    m_window->filterEdit()->setText(m_digests.value(u"2.0"_s).mid(7, 16));
    QTRY_COMPARE_WITH_TIMEOUT(groupedRows(), QStringList{u"2.0"_s}, 5000);
    m_window->filterEdit()->clear();
    QTRY_VERIFY_WITH_TIMEOUT(groupedRows().size() > 3, 5000);
}

void TestGroupedView::selectionSurvivesToggling()
{
    TagTableView *view = m_window->tagView();
    QAction *toggle = m_window->tagActions()->groupByImageAction();
    QVERIFY(view->isGrouped());
    // Given flat with "1.0.1" selected, then grouped: its image is selected
    toggle->trigger();
    QVERIFY(!view->isGrouped());
    QVERIFY(view->selectTag(u"1.0.1"_s));
    toggle->trigger();
    QCOMPARE(view->selectedMemberTags(), (QStringList{u"1.0"_s, u"1.0.1"_s, u"stable"_s}));
    // When flat again, the tag that was selected is selected again, not the image's first
    toggle->trigger();
    QCOMPARE(view->selectedTags(), QStringList{u"1.0.1"_s});
    QCOMPARE(m_window->detailsPane()->reference(), u"1.0.1"_s);
    // When an image is chosen while grouped, flat shows its first tag selected
    toggle->trigger();
    QVERIFY(view->selectTag(u"old-2"_s));
    QCOMPARE(view->selectedMemberTags(), (QStringList{u"old-1"_s, u"old-2"_s}));
    toggle->trigger();
    QCOMPARE(view->selectedTags(), QStringList{u"old-1"_s});
    // And the repository stays
    QCOMPARE(m_window->repository(), Repo);
    toggle->trigger();
    QCOMPARE(view->selectedMemberTags(), (QStringList{u"old-1"_s, u"old-2"_s}));
    QCOMPARE(m_window->tagModel()->repository(), Repo);
}

void TestGroupedView::scrollingResolvesAndMerges()
{
    TagTableView *view = m_window->tagView();
    QVERIFY(view->isGrouped());
    QVERIFY(view->groupModel()->ungroupedCount() > 0);
    // When the person scrolls down to the nightly tags, screen by screen
    QTRY_VERIFY_WITH_TIMEOUT(
            [view] {
                view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum());
                return view->groupModel()->ungroupedCount() == 0;
            }(),
            30000);
    // Then they resolved and merged into their image's row
    const int row = groupedRowOf(u"zzz-nightly-19"_s);
    QVERIFY(row >= 0);
    QCOMPARE(view->model()->index(row, 0).data(DigestGroupModel::GroupSizeRole).toInt(),
             NightlyTags);
    QCOMPARE(groupedRows().size(), 4 + Builds);
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->statusText().contains(u"not grouped yet"_s), 5000);
    view->scrollToTop();
}

void TestGroupedView::toggleIsRemembered()
{
    // Given the grouped view, the layout saved
    m_window->saveLayout();
    QSettings settings;
    QCOMPARE(settings.value(u"window/groupByImage"_s).toBool(), true);
    // When another window restores it, it opens grouped
    MainWindow other;
    other.restoreLayout();
    QVERIFY(other.tagActions()->groupByImageAction()->isChecked());
    QVERIFY(other.tagView()->isGrouped());
}

void TestGroupedView::screenshots()
{
    TagTableView *view = m_window->tagView();
    QVERIFY(view->isGrouped());
    QVERIFY(QDir().mkpath(QStringLiteral(BERTH_SCREENSHOT_DIR)));
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
        QVERIFY(view->selectTag(u"stable"_s));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->detailsPane()->imageTagsState(),
                                  DetailsPane::ImageTagsState::Loaded, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->detailsPane()->state(), DetailsPane::State::Loaded,
                                  10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->statusText().contains(u"0 requests in flight"_s), 10000);
        QApplication::processEvents();
        const QImage image = m_window->grab().toImage();
        const QString path = QStringLiteral(BERTH_SCREENSHOT_DIR) + u"/grouped-view-"_s
                             + (dark ? u"dark"_s : u"light"_s) + u".png"_s;
        QVERIFY(image.save(path));
        qInfo("saved %s", qPrintable(path));
    }
    QApplication::setPalette(QApplication::style()->standardPalette());
}

QTEST_MAIN(TestGroupedView)
#include "tst_groupedview.moc"
