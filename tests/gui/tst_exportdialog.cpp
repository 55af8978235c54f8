// The export dialog against the real registry, offscreen: the whole repository as CSV (rows
// checked tag by tag against what was pushed), a two-tag selection from the main window's
// context action as JSON (exactly those tags), the table's filter carried into the report, a
// cancelled export of a 2,000-tag repository that leaves no file, and screenshots of the dialog
// in a light and a dark palette; the column checkboxes and the sort direction (also taken from
// the table's sort order), and on a Harbor test server the Harbor columns and push-time sort.

#include "guitestutil.h"
#include "harborserver.h"
#include "imageseeder.h"
#include "registryprocess.h"
#include "storagetags.h"

#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/exportreportdialog.h"
#include "ui/mainwindow.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyle>
#include <QTest>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

static const QString Repo = u"team/app"_s;
static const QString BigRepo = u"team/many"_s;
//! Enough tags that the report is still fetching metadata when the test cancels it (one HEAD
//! each), yet seeded straight into storage in well under a second.
static constexpr int BigTagCount = 2000;

class TestExportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void filterToRegex_data();
    void filterToRegex();
    void defaultDestinationUsesRepositoryDateAndSuffix();
    void exportsWholeRepositoryAsCsv();
    void exportsSelectionFromContextActionAsJson();
    void carriesTheTableFilter();
    void cancelLeavesNoFile();
    void columnsAndDirection();
    void directionFromTheTable();
    void harborColumnsAndPushedSort();
    void screenshots();
    void cleanupTestCase();

private:
    std::unique_ptr<ExportReportDialog> makeDialog(const QString &repository);
    Error runToEnd(ExportReportDialog *dialog, int timeoutMs = 30000);
    void openInWindow();

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_outDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<GuiStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QHash<QString, QString> m_digests; // tag -> digest as pushed
};

void TestExportDialog::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QVERIFY(m_outDir.isValid());
    isolateSettings(m_settingsDir);
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // Given a small repository (shared digests, an index) and a 2,000-tag one
    ImageSeeder seeder(m_registry->host());
    const QList<std::pair<quint64, QStringList>> seeds{
            {21, {u"1.0"_s, u"stable"_s}},
            {22, {u"2.0"_s}},
            {23, {u"dev-1"_s, u"dev-2"_s}},
    };
    for (const auto &[seed, tags] : seeds) {
        ImageSpec spec;
        spec.seed = seed;
        const auto pushed = seeder.seedImage(Repo, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
        for (const QString &tag : tags)
            m_digests.insert(tag, pushed->digest);
    }
    IndexSpec index;
    for (const QString &arch : {u"amd64"_s, u"arm64"_s}) {
        ImageSpec platform;
        platform.seed = quint64(qHash(arch));
        platform.architecture = arch;
        index.platforms.append(platform);
    }
    const auto pushedIndex = seeder.seedIndex(Repo, index, {u"multi"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    m_digests.insert(u"multi"_s, pushedIndex->digest);

    ImageSpec bigSpec;
    bigSpec.seed = 31;
    const auto big = seeder.seedImage(BigRepo, bigSpec, {u"base"_s});
    QVERIFY2(big.ok(), qPrintable(big.error().toString()));
    QStringList many;
    for (int i = 0; i < BigTagCount; ++i)
        many.append(u"t%1"_s.arg(i));
    QVERIFY2(writeTagsIntoStorage(m_registry->storageDir(), BigRepo, big->digest, many, &error),
             qPrintable(error));

    m_stack = std::make_unique<GuiStack>(m_registry->host());
    QVERIFY2(m_stack->session, qPrintable(m_stack->error.toString()));
}

void TestExportDialog::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
}

std::unique_ptr<ExportReportDialog> TestExportDialog::makeDialog(const QString &repository)
{
    return std::make_unique<ExportReportDialog>(m_stack->session->metadata(), repository,
                                                m_registry->host() + u'/' + repository);
}

Error TestExportDialog::runToEnd(ExportReportDialog *dialog, int timeoutMs)
{
    QSignalSpy finished(dialog, &ExportReportDialog::exportFinished);
    dialog->exportButton()->click();
    if (!finished.wait(timeoutMs))
        return Error(ErrorCode::Timeout, u"export did not finish"_s);
    return finished.first().first().value<Error>();
}

void TestExportDialog::openInWindow()
{
    if (m_window)
        return;
    m_window = std::make_unique<MainWindow>();
    m_window->setIntervals(0);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(!m_window->exportAction()->isEnabled());
    m_window->showRepository(u"test"_s, m_stack->session, Repo);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), int(m_digests.size()), 15000);
    QVERIFY(m_window->exportAction()->isEnabled());
}

void TestExportDialog::filterToRegex_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("syntax");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("matches");
    using S = TagFilterProxyModel::FilterSyntax;
    QTest::newRow("substring") << u"DEV"_s << int(S::Substring) << u"dev-1"_s << true;
    QTest::newRow("substring dot is literal") << u"1.0"_s << int(S::Substring) << u"100"_s << false;
    QTest::newRow("glob") << u"1.*"_s << int(S::Glob) << u"1.0"_s << true;
    QTest::newRow("glob no match") << u"2.*"_s << int(S::Glob) << u"1.0"_s << false;
    QTest::newRow("regex as written")
            << u"^dev-[0-9]$"_s << int(S::RegularExpression) << u"dev-2"_s << true;
    QTest::newRow("regex case-sensitive")
            << u"^DEV"_s << int(S::RegularExpression) << u"dev-2"_s << false;
}

void TestExportDialog::filterToRegex()
{
    QFETCH(QString, text);
    QFETCH(int, syntax);
    QFETCH(QString, tag);
    QFETCH(bool, matches);
    const QRegularExpression re(
            ExportReportDialog::filterToRegex(text, TagFilterProxyModel::FilterSyntax(syntax)));
    QVERIFY2(re.isValid(), qPrintable(re.errorString()));
    QCOMPARE(re.match(tag).hasMatch(), matches);
}

void TestExportDialog::defaultDestinationUsesRepositoryDateAndSuffix()
{
    const QString path = ExportReportDialog::defaultDestination(u"team/app"_s, ReportFormat::Json,
                                                                QDate(2024, 3, 1));
    QCOMPARE(QFileInfo(path).fileName(), u"team-app-20240301.json"_s);
    // And switching the format in the dialog swaps the suffix of what is there
    auto dialog = makeDialog(Repo);
    dialog->setDestination(m_outDir.filePath(u"r.csv"_s));
    dialog->setFormat(ReportFormat::Html);
    QCOMPARE(dialog->destination(), m_outDir.filePath(u"r.html"_s));
}

void TestExportDialog::exportsWholeRepositoryAsCsv()
{
    // Given the dialog for the whole repository, CSV, into a fresh file
    auto dialog = makeDialog(Repo);
    dialog->show();
    dialog->setFormat(ReportFormat::Csv);
    const QString path = m_outDir.filePath(u"whole.csv"_s);
    dialog->setDestination(path);
    QVERIFY(dialog->options().tags.isEmpty());
    QVERIFY(!dialog->openFolderButton()->isVisible());
    QVERIFY(!dialog->findChild<QPushButton *>(u"cancelExportButton"_s)->isVisible());

    // When it runs to the end
    const Error error = runToEnd(dialog.get());
    QVERIFY2(error.code == ErrorCode::None, qPrintable(error.toString()));

    // Then the file has the header and one row per tag with its pushed digest
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines
            = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0),
             u"repository,tag,digest,kind,media_type,platforms,size_bytes,created"_s);
    QCOMPARE(lines.size() - 1, m_digests.size());
    QSet<QString> seen;
    for (const QString &line : lines.mid(1)) {
        const QStringList fields = line.split(u',');
        QVERIFY2(fields.size() >= 8, qPrintable(line));
        QCOMPARE(fields.at(0), m_registry->host() + u'/' + Repo);
        QVERIFY2(m_digests.contains(fields.at(1)), qPrintable(line));
        QCOMPARE(fields.at(2), m_digests.value(fields.at(1)));
        seen.insert(fields.at(1));
    }
    QCOMPARE(seen.size(), m_digests.size());
    // And the dialog offers the folder and says what it wrote
    QVERIFY(dialog->openFolderButton()->isVisible());
    QVERIFY(dialog->messageLabel()->text().contains(QDir::toNativeSeparators(path)));
}

void TestExportDialog::exportsSelectionFromContextActionAsJson()
{
    openInWindow();
    // Given two selected tags in the table
    TagTableView *view = m_window->tagView();
    QVERIFY(view->selectTag(u"2.0"_s));
    const QModelIndex second = m_window->proxyModel()->mapFromSource(
            m_window->tagModel()->index(m_window->tagModel()->rowOfTag(u"multi"_s), 0));
    view->selectionModel()->select(second, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedTags().size(), 2);

    // When "Export selection…" is chosen from the tag actions
    QAction *action = m_window->tagActions()->exportSelectionAction();
    QVERIFY(action->isEnabled());
    action->trigger();
    auto *dialog = m_window->findChild<ExportReportDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isModal());
    QCOMPARE(dialog->options().tags.size(), 2);
    dialog->setFormat(ReportFormat::Json);
    const QString path = m_outDir.filePath(u"selection.json"_s);
    dialog->setDestination(path);
    const Error error = runToEnd(dialog);
    QVERIFY2(error.code == ErrorCode::None, qPrintable(error.toString()));

    // Then the document lists exactly those two tags with their digests
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QJsonArray tags = doc.object().value(u"tags"_s).toArray();
    QStringList names;
    for (const QJsonValue &entry : tags) {
        const QString tag = entry.toObject().value(u"tag"_s).toString();
        names.append(tag);
        QCOMPARE(entry.toObject().value(u"digest"_s).toString(), m_digests.value(tag));
    }
    names.sort();
    QCOMPARE(names, (QStringList{u"2.0"_s, u"multi"_s}));
    dialog->close(); // WA_DeleteOnClose
    QTRY_VERIFY(!m_window->findChild<ExportReportDialog *>());
}

void TestExportDialog::carriesTheTableFilter()
{
    openInWindow();
    // Given the table filtered by a case-insensitive substring
    m_window->filterEdit()->setText(u"DEV"_s);
    QTRY_COMPARE(m_window->proxyModel()->rowCount(), 2);

    // When Ctrl+E's action opens the dialog and the report runs
    m_window->exportAction()->trigger();
    auto *dialog = m_window->findChild<ExportReportDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->options().tags.isEmpty());
    const QString path = m_outDir.filePath(u"filtered.csv"_s);
    dialog->setDestination(path);
    const Error error = runToEnd(dialog);
    QVERIFY2(error.code == ErrorCode::None, qPrintable(error.toString()));

    // Then only the rows the table shows are in the file
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines
            = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    QStringList tags;
    for (const QString &line : lines.mid(1))
        tags.append(line.section(u',', 1, 1));
    tags.sort();
    QCOMPARE(tags, (QStringList{u"dev-1"_s, u"dev-2"_s}));
    dialog->close();
    m_window->filterEdit()->clear();
}

void TestExportDialog::cancelLeavesNoFile()
{
    // Given an export of the 2,000-tag repository into an empty folder
    QTemporaryDir folder;
    QVERIFY(folder.isValid());
    auto dialog = makeDialog(BigRepo);
    dialog->show();
    const QString path = folder.filePath(u"big.csv"_s);
    dialog->setDestination(path);
    QSignalSpy finished(dialog.get(), &ExportReportDialog::exportFinished);
    ReportProgress atCancel;
    // When it is cancelled (through its Cancel button) as soon as metadata fetching is under
    // way: queued, so the click lands between two of the job's event-loop turns as a person's
    // would, and not at the mercy of a polling interval.
    dialog->exportButton()->click();
    QVERIFY(dialog->isRunning());
    QVERIFY(dialog->progressBar()->isVisible());
    connect(
            dialog->job(), &ReportJob::progressChanged, dialog.get(),
            [&dialog, &atCancel](const ReportProgress &progress) {
                if (progress.done > 0 && dialog->isRunning() && atCancel.done == 0) {
                    atCancel = progress;
                    dialog->findChild<QPushButton *>(u"cancelExportButton"_s)->click();
                }
            },
            Qt::QueuedConnection);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15000);
    // (+1: the "base" tag the 2,000 point at)
    QCOMPARE(atCancel.total, BigTagCount + 1);
    QVERIFY(atCancel.done > 0 && atCancel.done < atCancel.total);

    // Then it ends as cancelled and neither the file nor a temporary file is left
    QCOMPARE(finished.first().first().value<Error>().code, ErrorCode::Cancelled);
    QVERIFY(!dialog->isRunning());
    QVERIFY(!QFile::exists(path));
    QCOMPARE(QDir(folder.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList());
    QVERIFY(dialog->messageLabel()->isVisible());
    QVERIFY(!dialog->openFolderButton()->isVisible());
}

void TestExportDialog::columnsAndDirection()
{
    // Given the dialog on a plain registry: its eight columns, all checked, no Harbor ones
    auto dialog = makeDialog(Repo);
    dialog->show();
    QVERIFY(!dialog->hasHarborColumns());
    const QList<QCheckBox *> boxes
            = dialog->findChildren<QCheckBox *>(QRegularExpression(u"^column_"_s));
    QCOMPARE(boxes.size(), 8);
    QVERIFY(!dialog->findChild<QCheckBox *>(u"column_pushed"_s));
    QCOMPARE(dialog->columns(), allReportColumns(false));
    auto *sort = dialog->findChild<QComboBox *>(u"sortBox"_s);
    auto *order = dialog->findChild<QComboBox *>(u"orderBox"_s);
    QVERIFY(sort && order);
    QCOMPARE(sort->findData(int(ReportSort::Pushed)), -1);

    // And a key starts in its natural direction
    dialog->setSort(ReportSort::Size);
    QCOMPARE(dialog->options().order, Qt::DescendingOrder);
    sort->setCurrentIndex(sort->findData(int(ReportSort::Tag)));
    QCOMPARE(dialog->options().order, Qt::AscendingOrder);

    // When a person keeps tag and size, sorts by size smallest first and exports
    for (QCheckBox *box : boxes) {
        const bool keep
                = box->objectName() == u"column_tag" || box->objectName() == u"column_size_bytes";
        if (box->isChecked() != keep)
            box->click();
    }
    QCOMPARE(dialog->columns(), (QList<ReportColumn>{ReportColumn::Tag, ReportColumn::Size}));
    sort->setCurrentIndex(sort->findData(int(ReportSort::Size)));
    order->setCurrentIndex(order->findData(int(Qt::AscendingOrder)));
    const QString path = m_outDir.filePath(u"columns.csv"_s);
    dialog->setDestination(path);
    const Error error = runToEnd(dialog.get());
    QVERIFY2(error.code == ErrorCode::None, qPrintable(error.toString()));

    // Then the file has just those columns, smallest first
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines
            = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), u"tag,size_bytes"_s);
    QCOMPARE(lines.size() - 1, m_digests.size());
    qint64 previous = -1;
    for (const QString &line : lines.mid(1)) {
        const QStringList fields = line.split(u',');
        QCOMPARE(fields.size(), 2);
        QVERIFY(m_digests.contains(fields.at(0)));
        const qint64 size = fields.at(1).toLongLong();
        QVERIFY2(size >= previous, qPrintable(line));
        previous = size;
    }

    // And with no column at all it says so instead of exporting
    dialog->setColumns({});
    dialog->exportButton()->click();
    QVERIFY(!dialog->isRunning());
    QVERIFY(dialog->messageLabel()->text().contains(u"column"_s));
}

void TestExportDialog::directionFromTheTable()
{
    openInWindow();
    // (the action has an icon on any desktop: Berth bundles a drawing of it)
    QVERIFY(QFile::exists(u":/berth/icons/actions/document-export.svg"_s));
    QVERIFY(!m_window->exportAction()->icon().isNull());
    // Given the table sorted by size, smallest first
    m_window->tagView()->sortByColumn(TagTableModel::SizeColumn, Qt::AscendingOrder);
    // When the export dialog opens
    m_window->exportAction()->trigger();
    auto *dialog = m_window->findChild<ExportReportDialog *>();
    QVERIFY(dialog);
    // Then it takes the key and the direction
    QCOMPARE(dialog->options().sort, ReportSort::Size);
    QCOMPARE(dialog->options().order, Qt::AscendingOrder);
    dialog->close();
    QTRY_VERIFY(!m_window->findChild<ExportReportDialog *>());
    m_window->tagView()->sortByColumn(TagTableModel::CreatedColumn, Qt::DescendingOrder);
    m_window->exportAction()->trigger();
    dialog = m_window->findChild<ExportReportDialog *>();
    QVERIFY(dialog);
    QCOMPARE(dialog->options().sort, ReportSort::Created);
    QCOMPARE(dialog->options().order, Qt::DescendingOrder);
    dialog->close();
    QTRY_VERIFY(!m_window->findChild<ExportReportDialog *>());
    m_window->tagView()->sortByColumn(TagTableModel::TagColumn, Qt::AscendingOrder);
}

void TestExportDialog::harborColumnsAndPushedSort()
{
    // Given a Harbor 2.x in front of the registry, holding the repository with push times
    HarborServer harbor(m_registry.get(), HarborServer::Flavour::V2);
    QString error;
    QVERIFY2(harbor.start(&error), qPrintable(error));
    harbor.createProject(u"team"_s, true);
    QVERIFY2(harbor.importRepository(Repo, &error), qPrintable(error));
    QStringList byPush{u"dev-2"_s, u"1.0"_s, u"multi"_s, u"stable"_s, u"2.0"_s, u"dev-1"_s};
    const QDateTime base(QDate(2024, 5, 1), QTime(8, 0), Qt::UTC);
    for (qsizetype i = 0; i < byPush.size(); ++i)
        QVERIFY(harbor.setTagTimes(u"team"_s, u"app"_s, byPush.at(i), base.addDays(i)));
    const qint64 label = harbor.createLabel(u"release"_s);
    QVERIFY(harbor.attachLabel(u"team"_s, u"app"_s, u"2.0"_s, label));
    // (opened as the window opens it: detected as Harbor 2.x)
    NetworkAccessManager nam;
    RequestScheduler scheduler(&nam);
    QObject sessions;
    const Result<RegistrySession *> session
            = openTestSession(loopbackEndpoint(harbor.host()), &scheduler, &sessions);
    QVERIFY2(session.ok(), qPrintable(session.error().toString()));
    QCOMPARE(session.value()->info().kind, BackendKind::Harbor);

    // When the dialog opens on it: twelve columns and the push-time sort
    ExportReportDialog dialog(session.value()->metadata(), Repo, harbor.host() + u'/' + Repo);
    dialog.show();
    QVERIFY(dialog.hasHarborColumns());
    QCOMPARE(dialog.findChildren<QCheckBox *>(QRegularExpression(u"^column_"_s)).size(), 12);
    QCOMPARE(dialog.columns(), allReportColumns(true));
    dialog.setSort(ReportSort::Pushed);
    QCOMPARE(dialog.options().sort, ReportSort::Pushed);
    QCOMPARE(dialog.options().order, Qt::DescendingOrder);
    dialog.setSortOrder(Qt::AscendingOrder);
    dialog.setColumns({ReportColumn::Tag, ReportColumn::Pushed, ReportColumn::Labels});
    const QString path = m_outDir.filePath(u"harbor.csv"_s);
    dialog.setDestination(path);
    const Error result = runToEnd(&dialog);
    QVERIFY2(result.code == ErrorCode::None, qPrintable(result.toString()));

    // Then the report has Harbor's values, oldest push first
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines
            = QString::fromUtf8(file.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
    QCOMPARE(lines.value(0), u"tag,pushed,labels"_s);
    QStringList tags;
    for (const QString &line : lines.mid(1)) {
        const QStringList fields = line.split(u',');
        QCOMPARE(fields.size(), 3);
        const qsizetype i = byPush.indexOf(fields.at(0));
        QVERIFY2(i >= 0, qPrintable(line));
        QCOMPARE(fields.at(1), base.addDays(i).toString(Qt::ISODate));
        QCOMPARE(fields.at(2), fields.at(0) == u"2.0" ? u"release"_s : QString());
        tags.append(fields.at(0));
    }
    QCOMPARE(tags, byPush);
}

namespace {} // namespace

void TestExportDialog::screenshots()
{
    const QString dir
            = qEnvironmentVariable("BERTH_SCREENSHOT_DIR", QStringLiteral(BERTH_SCREENSHOT_DIR));
    QVERIFY(QDir().mkpath(dir));
    const QPalette light = QApplication::style()->standardPalette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : light);
        // The dialog as a person sees it before, during (settings greyed, progress) and after
        // an export; the running one is cancelled rather than waited for.
        auto dialog = makeDialog(BigRepo);
        dialog->setSelection({u"t1"_s, u"t2"_s, u"t3"_s});
        dialog->setSelectionScope(false);
        dialog->setFilter(u"t1*"_s, TagFilterProxyModel::FilterSyntax::Glob);
        dialog->setDestination(m_outDir.filePath(u"shot.csv"_s));
        dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(dialog.get()));
        const QString name = dark ? u"dark"_s : u"light"_s;
        QVERIFY(dialog->grab().save(dir + u"/exportdialog-idle-"_s + name + u".png"_s));
        dialog->setFilter({}, TagFilterProxyModel::FilterSyntax::Substring);
        dialog->exportButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->job()->progress().done > 0, 15000);
        QVERIFY(dialog->grab().save(dir + u"/exportdialog-running-"_s + name + u".png"_s));
        dialog->cancel();
        QTRY_VERIFY(!dialog->isRunning());

        auto small = makeDialog(Repo);
        small->setDestination(m_outDir.filePath(u"shot.html"_s));
        small->setFormat(ReportFormat::Html);
        small->show();
        QVERIFY(QTest::qWaitForWindowExposed(small.get()));
        const Error error = runToEnd(small.get());
        QVERIFY2(error.code == ErrorCode::None, qPrintable(error.toString()));
        const QImage done = small->grab().toImage();
        QVERIFY(done.save(dir + u"/exportdialog-done-"_s + name + u".png"_s));
        // The palette took effect: the background is dark in the dark run, light otherwise.
        const QColor corner = done.pixelColor(2, 2);
        QCOMPARE(corner.lightness() < 128, dark);
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
