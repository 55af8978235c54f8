// Browse Files… and Compare… against the real registry, offscreen, on images made by tar, gzip
// and zstd (tests/fixtures/layerimages.h: whiteouts, an opaque folder, hard and symbolic links,
// a multi-arch index) plus one image with a text file over the preview's 1 MiB. The files view:
// the tree, the preview (text, binary, truncated), one layer's changes, the glob, the largest
// files, Save As for a file (also through its dialog) and a folder (links made, not followed;
// nothing written outside the folder). Compare: config, layers, size, files. Saves
// <build>/screenshots/files-view-{light,dark,layer-filter}.png and compare-{light,dark}.png.

#include "guitestutil.h"
#include "imageseeder.h"
#include "layerimages.h"
#include "registryprocess.h"

#include "models/files/filetreemodel.h"
#include "models/files/layerlistingcache.h"
#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/comparedialog.h"
#include "ui/errorbanner.h"
#include "ui/filesview.h"
#include "ui/mainwindow.h"
#include "ui/tagactions.h"
#include "ui/tagtableview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeView>

#include <limits>
#include <memory>

#include <unistd.h>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

const QString Repo = u"layers/app"_s;

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

//! What a symbolic link says, as written (QFileInfo resolves it).
QString linkText(const QString &path)
{
    char buffer[4096];
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return n < 0 ? QString() : QString::fromUtf8(buffer, n);
}

QString screenshotDir()
{
    return qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
}

} // namespace

class TestFilesView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void browseFilesFromTheContextMenu();
    void previewsTextBinaryAndLinks();
    void previewOfABigFileIsTruncated();
    void layerFilterShowsWhatALayerChanged();
    void globAndLargestFiles();
    void savesAFile();
    void savesAFileThroughTheDialog();
    void savesAFolderWithLinksAndCopies();
    void folderSaveNeverFollowsALinkOnDisk();
    void indexAsksForAPlatform();
    void cancelAndRetryWhileReading();
    void anArtifactWithoutFilesSaysWhy();
    void screenshots();
    void compareTwoTags();
    void compareWithATypedReference();
    void compareScreenshots();
    void cleanupTestCase();

private:
    void selectTags(const QStringList &tags);
    FilesView *openLoaded(const QString &tag);
    bool waitForPreview(FilesView *view, const QString &path);
    bool save(FilesView *view, const std::function<void()> &start, QString *message);

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_cacheDir;
    QTemporaryDir m_outDir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<LayerImages> m_images;
    std::unique_ptr<GuiStack> m_stack;
    std::unique_ptr<MainWindow> m_window;
    QPointer<FilesView> m_view; //!< layers/app:v1, open from the first test on
    QByteArray m_bigText;
};

void TestFilesView::initTestCase()
{
    QVERIFY(m_settingsDir.isValid() && m_cacheDir.isValid() && m_outDir.isValid());
    isolateSettings(m_settingsDir);
    // Layer listings the window caches go to the test's folder, new each run: the layers are
    // read from the registry here, not from a cache of an earlier run.
    qputenv("XDG_CACHE_HOME", QFile::encodeName(m_cacheDir.path()));
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    if (!LayerImages::missingTools().isEmpty())
        QSKIP(qPrintable(u"missing tools: "_s + LayerImages::missingTools().join(u", "_s)));
    // Fusion: the same look on every machine, so screenshots compare.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));

    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    m_images = std::make_unique<LayerImages>();
    QVERIFY2(m_images->build(&error), qPrintable(error));
    QVERIFY2(m_images->push(m_registry->host(), &error), qPrintable(error));
    // An image whose notes.txt is text well over the preview's 1 MiB (0.4 of 4..12 MiB).
    ImageSpec big;
    big.seed = 77;
    big.layerBytes = 8 * 1024 * 1024;
    ImageSeeder seeder(m_registry->host());
    const auto pushed = seeder.seedImage(u"layers/big"_s, big, {u"1"_s});
    QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
    const auto chart = seeder.seedHelmChart(u"layers/chart"_s, ChartSpec(), {u"0.1.0"_s});
    QVERIFY2(chart.ok(), qPrintable(chart.error().toString()));

    m_stack = std::make_unique<GuiStack>(m_registry->host());
    QVERIFY2(m_stack->session, qPrintable(m_stack->error.toString()));
    m_window = std::make_unique<MainWindow>();
    m_window->setIntervals(0);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->showRepository(u"test"_s, m_stack->session, Repo);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->tagModel()->rowCount(), 4, 10000);
}

void TestFilesView::cleanupTestCase()
{
    m_window.reset();
    m_stack.reset();
}

void TestFilesView::selectTags(const QStringList &tags)
{
    TagTableView *view = m_window->tagView();
    QItemSelection selection;
    for (const QString &tag : tags) {
        const int row = m_window->tagModel()->rowOfTag(tag);
        QVERIFY(row >= 0);
        const QModelIndex index
                = m_window->proxyModel()->mapFromSource(m_window->tagModel()->index(row, 0));
        selection.select(index, index.siblingAtColumn(m_window->proxyModel()->columnCount() - 1));
    }
    view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    QCOMPARE(view->selectedTags().size(), tags.size());
}

FilesView *TestFilesView::openLoaded(const QString &tag)
{
    FilesView *view = m_window->openFilesView(tag);
    if (!view)
        return nullptr;
    view->setFilterInterval(0);
    if (!QTest::qWaitFor([view] { return view->state() != FilesView::State::Loading; }, 30000))
        return nullptr;
    return view;
}

bool TestFilesView::waitForPreview(FilesView *view, const QString &path)
{
    if (!view->selectPath(path))
        return false;
    return QTest::qWaitFor(
            [view] {
                return view->previewState() != FilesView::Preview::Loading
                       && view->previewState() != FilesView::Preview::None;
            },
            15000);
}

bool TestFilesView::save(FilesView *view, const std::function<void()> &start, QString *message)
{
    QSignalSpy finished(view, &FilesView::saveFinished);
    start();
    if (finished.isEmpty() && !finished.wait(30000))
        return false;
    *message = finished.constFirst().at(1).toString();
    return finished.constFirst().at(0).toBool();
}

void TestFilesView::browseFilesFromTheContextMenu()
{
    // Given one tag selected, Browse Files… is offered (Compare… too); with none, neither
    m_window->tagView()->clearSelection();
    TagActions *actions = m_window->tagActions();
    QVERIFY(!actions->browseFilesAction()->isEnabled());
    QVERIFY(m_window->tagView()->selectTag(u"v1"_s));
    QVERIFY(actions->browseFilesAction()->isEnabled());
    QVERIFY(actions->compareAction()->isEnabled());

    // When it is triggered
    actions->browseFilesAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT((m_view = m_window->findChild<FilesView *>()), 5000);
    m_view->setFilterInterval(0);
    QAbstractItemModelTester tester(m_view->fileModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(m_view->windowTitle(), u"Files — "_s + m_registry->host() + u"/layers/app:v1"_s);
    QVERIFY(!m_view->isModal());

    // Then the layers are read and the merged tree shows the image as it runs
    QTRY_COMPARE_WITH_TIMEOUT(m_view->state(), FilesView::State::Loaded, 30000);
    FileTreeModel *model = m_view->fileModel();
    QVERIFY(model->indexOfPath(u"/etc/hostname"_s).isValid());
    QVERIFY(model->indexOfPath(u"/etc/motd"_s).isValid());                    // re-added by layer 3
    QVERIFY(!model->indexOfPath(u"/app/old.txt"_s).isValid());                // whiteout of layer 3
    QVERIFY(!model->indexOfPath(u"/usr/share/doc/b"_s).isValid());            // whiteout of layer 2
    QVERIFY(!model->indexOfPath(u"/var/cache/apt/pkgcache.bin"_s).isValid()); // opaque
    QVERIFY(model->indexOfPath(u"/var/cache/apt/fresh.txt"_s).isValid());
    QCOMPARE(model->entryAt(model->indexOfPath(u"/etc/motd"_s))->layer, 3);
    QCOMPARE(m_view->files().image.layers.size(), 3);
    QVERIFY(!m_view->platformBox()->isVisible()); // an image, not an index
    // The layer list: every layer with its size, digest and the command that made it
    QCOMPARE(m_view->layerBox()->count(), 4);
    const QString layer2 = m_view->layerBox()->itemText(2);
    QVERIFY2(layer2.startsWith(u"Layer 2: "_s)
                     && layer2.contains(m_images->app().layers.at(1).digest.mid(7, 12))
                     && layer2.contains(u"COPY app /app"_s),
             qPrintable(layer2));
    QVERIFY2(m_view->statusText().contains(u"3 layer"_s), qPrintable(m_view->statusText()));
    // The tree is sorted by name, folders first
    const QAbstractItemModel *shown = m_view->treeView()->model();
    QCOMPARE(shown->index(0, 0).data().toString(), u"app"_s);
    const int last = shown->rowCount() - 1;
    QVERIFY(!shown->index(last, 0).data(FileTreeModel::IsFolderRole).toBool());
}

void TestFilesView::previewsTextBinaryAndLinks()
{
    QVERIFY(m_view);
    // A text file: its bytes
    QVERIFY(waitForPreview(m_view, u"/etc/hostname"_s));
    QCOMPARE(m_view->previewState(), FilesView::Preview::Text);
    QCOMPARE(m_view->previewText(), u"berth-test\n"_s);
    QVERIFY(m_view->previewNote().isEmpty());
    QVERIFY(waitForPreview(m_view, u"/etc/motd"_s));
    QCOMPARE(m_view->previewText(), u"Re-added in layer 3\n"_s);
    // Read from the zstd layer (the whole layer streams) and from the plain tar one (a Range)
    QVERIFY(waitForPreview(m_view, u"/etc/config.ini"_s));
    QCOMPARE(m_view->previewText(), u"[main]\nlevel=2\nmode=zstd\n"_s);
    QVERIFY(waitForPreview(m_view, u"/app/run.sh"_s));
    QCOMPARE(m_view->previewText(), u"#!/bin/sh\nexec python3 /app/main.py \"$@\"\n"_s);
    // A binary file: what it is, no text
    QVERIFY(waitForPreview(m_view, u"/bin/busybox"_s));
    QCOMPARE(m_view->previewState(), FilesView::Preview::Binary);
    QVERIFY2(m_view->previewNote().startsWith(u"Binary file"_s), qPrintable(m_view->previewNote()));
    QVERIFY(m_view->previewText().isEmpty());
    // A symbolic link and a hard link show their files
    QVERIFY(waitForPreview(m_view, u"/etc/os-release"_s));
    QCOMPARE(m_view->previewText(), u"PRETTY_NAME=\"Berth Test Linux\"\nID=berth\n"_s);
    QVERIFY(waitForPreview(m_view, u"/app/run-link"_s));
    QCOMPARE(m_view->previewText(), u"#!/bin/sh\nexec python3 /app/main.py \"$@\"\n"_s);
    // An empty file, a loop of links and a folder say so
    QVERIFY(waitForPreview(m_view, u"/etc/empty"_s));
    QCOMPARE(m_view->previewState(), FilesView::Preview::Text);
    QCOMPARE(m_view->previewText(), QString());
    QVERIFY(waitForPreview(m_view, u"/etc/loop-a"_s));
    QCOMPARE(m_view->previewState(), FilesView::Preview::Message);
    QVERIFY2(m_view->previewNote().contains(u"too many levels"_s),
             qPrintable(m_view->previewNote()));
    QVERIFY(waitForPreview(m_view, u"/usr/share"_s));
    QVERIFY2(m_view->previewNote().startsWith(u"A folder of 1 item"_s),
             qPrintable(m_view->previewNote()));
}

void TestFilesView::previewOfABigFileIsTruncated()
{
    // Given an image with a text file of several MiB, shown in its own view
    LayerListingCache cache(m_cacheDir.filePath(u"big"_s));
    FilesView view(m_stack->session, &cache, u"layers/big"_s, u"1"_s);
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Loaded, 30000);
    QString path;
    for (auto it = view.files().filesystem.entries().cbegin();
         it != view.files().filesystem.entries().cend(); ++it) {
        if (it.key().endsWith(u"/notes.txt"_s))
            path = it.key();
    }
    const MergedEntry *notes = view.files().filesystem.find(path);
    QVERIFY(notes);
    QVERIFY2(notes->entry.size > FilesView::PreviewBytes,
             qPrintable(QString::number(notes->entry.size)));

    // When it is previewed, then the first MiB shows, with a note saying so
    QVERIFY(waitForPreview(&view, path));
    QCOMPARE(view.previewState(), FilesView::Preview::Text);
    QCOMPARE(view.previewText().size(), FilesView::PreviewBytes);
    QVERIFY2(view.previewNote().startsWith(u"Showing the first 1"_s),
             qPrintable(view.previewNote()));
    view.resize(1280, 800);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(QDir().mkpath(screenshotDir()));
    QVERIFY(view.grab().save(screenshotDir() + u"/files-view-truncated.png"_s));
    // And the preview is the file's start (the whole file, saved, is checked against its digest)
    QString message;
    const QString target = m_outDir.filePath(u"notes.txt"_s);
    QVERIFY2(save(
                     &view, [&] { view.saveFile(path, target); }, &message),
             qPrintable(message));
    const QByteArray whole = readAll(target);
    QCOMPARE(whole.size(), notes->entry.size);
    QCOMPARE(view.previewText().toUtf8(), whole.left(FilesView::PreviewBytes));
}

void TestFilesView::layerFilterShowsWhatALayerChanged()
{
    QVERIFY(m_view);
    FileTreeModel *model = m_view->fileModel();
    // When layer 2 (zstd: whiteouts, an opaque folder) is chosen
    m_view->layerBox()->setCurrentIndex(2);
    QCOMPARE(model->layer(), 2);
    const auto change = [model](const QString &path) {
        const QModelIndex index = model->indexOfPath(path);
        return index.isValid() ? index.data(FileTreeModel::ChangeRole).toInt() : -2;
    };
    // Then its additions, changes and removals, and nothing it did not touch
    QCOMPARE(change(u"/app/main.py"_s), int(LayerChange::Added));
    QCOMPARE(change(u"/etc/config.ini"_s), int(LayerChange::Changed));
    QCOMPARE(change(u"/etc/motd"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/usr/share/doc/b/README"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/var/cache/apt/pkgcache.bin"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/opt/thing"_s), int(LayerChange::Changed)); // a folder became a file
    QCOMPARE(change(u"/opt/thing/child.txt"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/etc/hostname"_s), -2);
    // The removed rows say so, and the narrowed tree is open
    const QModelIndex motd = model->indexOfPath(u"/etc/motd"_s);
    QCOMPARE(motd.siblingAtColumn(FileTreeModel::LayerColumn).data().toString(), u"removed"_s);
    const QAbstractItemModel *shown = m_view->treeView()->model();
    QVERIFY(m_view->treeView()->isExpanded(shown->index(0, 0)));
    QVERIFY2(m_view->statusText().contains(u"shown:"_s), qPrintable(m_view->statusText()));
    // A removed path has nothing to save or preview
    QVERIFY(m_view->selectPath(u"/etc/motd"_s));
    QVERIFY(!m_view->saveButton()->isEnabled());
    QCOMPARE(m_view->previewState(), FilesView::Preview::Message);

    // Layer 3 (plain tar with "./" names)
    m_view->layerBox()->setCurrentIndex(3);
    QCOMPARE(change(u"/app/old.txt"_s), int(LayerChange::Removed));
    QCOMPARE(change(u"/etc/motd"_s), int(LayerChange::Added));
    QCOMPARE(change(u"/usr/bin/tool"_s), int(LayerChange::Changed));
    m_view->layerBox()->setCurrentIndex(0);
    QCOMPARE(model->layer(), 0);
}

void TestFilesView::globAndLargestFiles()
{
    QVERIFY(m_view);
    FileTreeModel *model = m_view->fileModel();
    // A glob on names
    m_view->globEdit()->setText(u"*.ini"_s);
    QTRY_COMPARE(model->pathFilter(), u"*.ini"_s);
    QCOMPARE(model->shownFiles(), 1);
    QVERIFY(model->indexOfPath(u"/etc/config.ini"_s).isValid());
    QVERIFY(!model->indexOfPath(u"/etc/hostname"_s).isValid());
    // A path glob, and text without wildcards
    m_view->globEdit()->setText(u"/usr/lib/*"_s);
    QTRY_VERIFY(model->indexOfPath(u"/usr/lib/libfoo.so.1"_s).isValid());
    QVERIFY(!model->indexOfPath(u"/usr/bin/env"_s).isValid());
    m_view->globEdit()->setText(u"busy"_s);
    QTRY_COMPARE(model->shownFiles(), 1);
    QVERIFY(m_view->treeView()->isExpanded(
            m_view->treeView()->model()->index(0, 0))); // "bin", opened
    m_view->globEdit()->clear();
    QTRY_VERIFY(model->pathFilter().isEmpty());

    // Largest files: a flat list, biggest first (app/data.bin is 300 KiB)
    m_view->largestFilesBox()->setChecked(true);
    QVERIFY(model->largestFiles());
    const QAbstractItemModel *shown = m_view->treeView()->model();
    QVERIFY(shown->rowCount() > 10 && shown->rowCount() <= FileTreeModel::LargestCount);
    QCOMPARE(shown->index(0, 0).data().toString(), u"/app/data.bin"_s);
    QCOMPARE(shown->index(1, 0).data().toString(), u"/bin/busybox"_s);
    qint64 previous = std::numeric_limits<qint64>::max();
    for (int row = 0; row < shown->rowCount(); ++row) {
        const qint64 size = shown->index(row, FileTreeModel::SizeColumn)
                                    .data(FileTreeModel::SortRole)
                                    .toLongLong();
        QVERIFY(size <= previous);
        previous = size;
    }
    m_view->largestFilesBox()->setChecked(false);
    QVERIFY(model->indexOfPath(u"/etc/hostname"_s).isValid());
}

void TestFilesView::savesAFile()
{
    QVERIFY(m_view);
    QString message;
    // A zstd layer's file (the layer streams to it) and a hard link (a copy of its file)
    const QString config = m_outDir.filePath(u"config.ini"_s);
    QVERIFY2(save(
                     m_view, [&] { m_view->saveFile(u"/etc/config.ini"_s, config); }, &message),
             qPrintable(message));
    QCOMPARE(readAll(config), QByteArray("[main]\nlevel=2\nmode=zstd\n"));
    QVERIFY2(message.startsWith(u"Saved /etc/config.ini"_s), qPrintable(message));
    QCOMPARE(m_view->banner()->kind(), ErrorBanner::Kind::Info);
    const QString ls = m_outDir.filePath(u"ls"_s);
    QVERIFY2(save(
                     m_view, [&] { m_view->saveFile(u"/bin/ls"_s, ls); }, &message),
             qPrintable(message));
    QCOMPARE(QFileInfo(ls).size(), 20000);
    QVERIFY(!QFileInfo(ls).isSymLink());
    QVERIFY(QFileInfo(ls).permissions() & QFileDevice::ExeOwner); // 0755 kept

    // A target that cannot be written: an error, and nothing left behind
    const QString nowhere = m_outDir.filePath(u"missing/folder/x"_s);
    QVERIFY(!save(
            m_view, [&] { m_view->saveFile(u"/etc/hostname"_s, nowhere); }, &message));
    QVERIFY2(message.contains(u"cannot write"_s), qPrintable(message));
    QCOMPARE(m_view->banner()->kind(), ErrorBanner::Kind::Error);
    QVERIFY(!QFileInfo::exists(nowhere));
}

void TestFilesView::savesAFileThroughTheDialog()
{
    QVERIFY(m_view);
    // Given /usr/bin/env selected, Save As… asks where
    QVERIFY(waitForPreview(m_view, u"/usr/bin/env"_s));
    QVERIFY(m_view->saveButton()->isEnabled());
    QSignalSpy finished(m_view.data(), &FilesView::saveFinished);
    m_view->saveButton()->click();
    QFileDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = m_view->findChild<QFileDialog *>(u"saveAsDialog"_s))
                && dialog->isVisible());
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    // When a path is chosen
    const QString target = m_outDir.filePath(u"env-copy"_s);
    dialog->selectFile(target);
    static_cast<QDialog *>(dialog)->accept(); // QFileDialog::accept() is protected
    // Then the file is written there
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.constFirst().at(0).toBool(),
             qPrintable(finished.constFirst().at(1).toString()));
    QCOMPARE(readAll(target), QByteArray("#!/bin/sh\nexec \"$@\"\n"));
}

void TestFilesView::savesAFolderWithLinksAndCopies()
{
    QVERIFY(m_view);
    const QString out = m_outDir.filePath(u"folders"_s);
    QVERIFY(QDir().mkpath(out));
    QString message;
    // /etc: files, an empty file, a 0600 file, a relative link and a loop of links
    QVERIFY2(save(
                     m_view, [&] { m_view->saveFolder(u"/etc"_s, out); }, &message),
             qPrintable(message));
    QVERIFY2(message.startsWith(u"Saved "_s), qPrintable(message));
    QCOMPARE(readAll(out + u"/etc/hostname"_s), QByteArray("berth-test\n"));
    QCOMPARE(readAll(out + u"/etc/motd"_s), QByteArray("Re-added in layer 3\n"));
    QCOMPARE(readAll(out + u"/etc/config.ini"_s), QByteArray("[main]\nlevel=2\nmode=zstd\n"));
    QCOMPARE(readAll(out + u"/etc/.whitelist"_s), QByteArray("allowed\n"));
    QCOMPARE(readAll(out + u"/etc/empty"_s), QByteArray());
    QCOMPARE(readAll(out + u"/etc/shadow"_s), QByteArray("root:*:19000:0:99999:7:::\n"));
    QVERIFY(!(QFileInfo(out + u"/etc/shadow"_s).permissions() & QFileDevice::ReadOther));
    QVERIFY(QFileInfo(out + u"/etc/os-release"_s).isSymLink());
    QCOMPARE(linkText(out + u"/etc/os-release"_s), u"../usr/lib/os-release"_s);
    QCOMPARE(linkText(out + u"/etc/loop-a"_s), u"loop-b"_s);

    // /bin: the hard link is a copy of its file; /usr/lib: a link that climbs out of the image
    // is made as it is (never followed), and nothing lands outside the folder
    QVERIFY2(save(
                     m_view, [&] { m_view->saveFolder(u"/bin"_s, out); }, &message),
             qPrintable(message));
    QCOMPARE(readAll(out + u"/bin/ls"_s), readAll(out + u"/bin/busybox"_s));
    QCOMPARE(QFileInfo(out + u"/bin/ls"_s).size(), 20000);
    QVERIFY(!QFileInfo(out + u"/bin/ls"_s).isSymLink());
    QVERIFY2(save(
                     m_view, [&] { m_view->saveFolder(u"/usr/lib"_s, out); }, &message),
             qPrintable(message));
    QVERIFY(QFileInfo(out + u"/lib/escape"_s).isSymLink());
    QCOMPARE(linkText(out + u"/lib/escape"_s), u"../../../../../../etc/hostname"_s);
    QCOMPARE(readAll(out + u"/lib/os-release"_s),
             QByteArray("PRETTY_NAME=\"Berth Test Linux\"\nID=berth\n"));
    QVERIFY(QDir(out + u"/lib/python3"_s).exists());
    // Only what was asked for is there
    QCOMPARE(QDir(out).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             (QStringList{u"bin"_s, u"etc"_s, u"lib"_s}));
}

void TestFilesView::folderSaveNeverFollowsALinkOnDisk()
{
    QVERIFY(m_view);
    // Given a folder where "etc" is already a link to a folder elsewhere
    const QString out = m_outDir.filePath(u"trap"_s);
    const QString elsewhere = m_outDir.filePath(u"elsewhere"_s);
    QVERIFY(QDir().mkpath(out) && QDir().mkpath(elsewhere));
    QVERIFY(QFile::link(elsewhere, out + u"/etc"_s));

    // When /etc is saved into it
    QString message;
    QVERIFY(!save(
            m_view, [&] { m_view->saveFolder(u"/etc"_s, out); }, &message));

    // Then nothing is written through the link, and the message says why
    QVERIFY2(message.contains(u"symbolic link"_s), qPrintable(message));
    QCOMPARE(QDir(elsewhere).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList());
    QCOMPARE(m_view->banner()->kind(), ErrorBanner::Kind::Error);
}

void TestFilesView::indexAsksForAPlatform()
{
    // Given the multi-arch index, in a view of its own
    LayerListingCache cache(m_cacheDir.filePath(u"multi"_s));
    FilesView view(m_stack->session, &cache, u"layers/multi"_s, u"1"_s);
    view.show();
    // Then its platforms are offered, amd64 first chosen, and its files read
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Loaded, 30000);
    QVERIFY(view.platformBox()->isVisible());
    QCOMPARE(view.platformBox()->count(), 2);
    QCOMPARE(view.platformBox()->currentText(), u"linux/amd64"_s);
    QVERIFY(waitForPreview(&view, u"/etc/arch"_s));
    QCOMPARE(view.previewText(), u"amd64\n"_s);
    QVERIFY(view.statusText().contains(u"linux/amd64"_s));
    // When arm64 is chosen, its files are read instead
    view.platformBox()->setCurrentIndex(view.platformBox()->findText(u"linux/arm64/v8"_s));
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Loaded, 30000);
    QCOMPARE(view.files().platform(), u"linux/arm64/v8"_s);
    QVERIFY(waitForPreview(&view, u"/etc/arch"_s));
    QCOMPARE(view.previewText(), u"arm64\n"_s);
    QVERIFY(view.fileModel()
                    ->indexOfPath(u"/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1"_s)
                    .isValid());
}

void TestFilesView::cancelAndRetryWhileReading()
{
    // Given a view reading an image's layers (a cache of its own: nothing read before)
    LayerListingCache cache(m_cacheDir.filePath(u"cancel"_s));
    FilesView view(m_stack->session, &cache, u"layers/big"_s, u"1"_s);
    QCOMPARE(view.state(), FilesView::State::Loading);
    auto *cancel = view.findChild<QToolButton *>(u"filesCancelButton"_s);
    QVERIFY(cancel);

    // When Cancel is pressed, then nothing is shown and the banner offers Retry
    cancel->click();
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Failed, 10000);
    QCOMPARE(view.fileModel()->rowCount(), 0);
    QCOMPARE(view.banner()->kind(), ErrorBanner::Kind::Error);
    QVERIFY2(view.banner()->message().contains(u"cancel"_s, Qt::CaseInsensitive),
             qPrintable(view.banner()->message()));
    QVERIFY(view.banner()->isRetryable());

    // When Retry is pressed, then the files come
    view.banner()->retryButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Loaded, 30000);
    QVERIFY(view.fileModel()->rowCount() > 0);
}

void TestFilesView::anArtifactWithoutFilesSaysWhy()
{
    // A Helm chart has a layer, but not a filesystem: the banner says so, nothing breaks
    LayerListingCache cache(m_cacheDir.filePath(u"chart"_s));
    FilesView view(m_stack->session, &cache, u"layers/chart"_s, u"0.1.0"_s);
    QTRY_COMPARE_WITH_TIMEOUT(view.state(), FilesView::State::Failed, 10000);
    QVERIFY2(view.banner()->message().contains(u"not an image"_s),
             qPrintable(view.banner()->message()));
    QVERIFY(!view.saveButton()->isEnabled());
    QCOMPARE(view.statusText(), u"No files shown."_s);
    // And a tag that does not exist
    FilesView missing(m_stack->session, &cache, Repo, u"no-such-tag"_s);
    QTRY_COMPARE_WITH_TIMEOUT(missing.state(), FilesView::State::Failed, 10000);
    QVERIFY2(missing.banner()->message().contains(u"no-such-tag"_s),
             qPrintable(missing.banner()->message()));
}

void TestFilesView::screenshots()
{
    QVERIFY(m_view);
    const QString dir = screenshotDir();
    QVERIFY(QDir().mkpath(dir));
    m_view->resize(1280, 800);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    m_view->treeView()->collapseAll();
    m_view->treeView()->expand(m_view->treeView()->model()->index(0, 0)); // app
    QVERIFY(waitForPreview(m_view, u"/etc/config.ini"_s));
    QVERIFY(waitForPreview(m_view, u"/app/run.sh"_s));
    m_view->banner()->dismiss();
    const QPalette original = QApplication::palette();
    const auto shoot = [&](const QString &name) {
        QApplication::processEvents();
        const QImage image = m_view->grab().toImage();
        QCOMPARE(image.size(), QSize(1280, 800) * image.devicePixelRatio());
        const QString path = dir + u'/' + name;
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("saved %s", qPrintable(path));
    };
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : original);
        shoot(dark ? u"files-view-dark.png"_s : u"files-view-light.png"_s);
    }
    QApplication::setPalette(original);
    // What layer 2 changed, removed paths struck through
    m_view->layerBox()->setCurrentIndex(2);
    QVERIFY(waitForPreview(m_view, u"/etc/config.ini"_s));
    m_view->treeView()->scrollToTop();
    shoot(u"files-view-layer-filter.png"_s);
    m_view->layerBox()->setCurrentIndex(0);
}

void TestFilesView::compareTwoTags()
{
    // Given v1 and v2 selected, Compare… is offered (Browse Files… is for one tag)
    selectTags({u"v1"_s, u"v2"_s});
    TagActions *actions = m_window->tagActions();
    QVERIFY(actions->compareAction()->isEnabled());
    QVERIFY(!actions->browseFilesAction()->isEnabled());
    selectTags({u"v1"_s, u"v2"_s, u"docker"_s});
    QVERIFY(!actions->compareAction()->isEnabled());
    selectTags({u"v1"_s, u"v2"_s});

    // When it is triggered, then both images are compared at once
    actions->compareAction()->trigger();
    CompareDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = m_window->findChild<CompareDialog *>()), 5000);
    const QString host = m_registry->host();
    QCOMPARE(dialog->referenceA(), host + u"/layers/app:v1"_s);
    QCOMPARE(dialog->referenceEdit()->text(), host + u"/layers/app:v2"_s);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);

    // The config side by side, the differing rows marked
    QTableWidget *config = dialog->configTable();
    QHash<QString, int> rows;
    for (int row = 0; row < config->rowCount(); ++row)
        rows.insert(config->item(row, 0)->text(), row);
    const auto differs = [&](const QString &field) {
        return config->item(rows.value(field), 1)->data(CompareDialog::DiffersRole).toBool();
    };
    QVERIFY(differs(u"env"_s));
    QVERIFY(differs(u"cmd"_s));
    QVERIFY(differs(u"labels"_s));
    QVERIFY(differs(u"created"_s));
    QVERIFY(!differs(u"os"_s));
    QVERIFY(!differs(u"architecture"_s));
    QVERIFY(config->item(rows.value(u"env"_s), 2)->text().contains(u"APP_VERSION=2"_s));
    QVERIFY(!config->item(rows.value(u"env"_s), 1)->text().contains(u"APP_VERSION=2"_s));
    // Only the differing fields, on request
    dialog->findChild<QCheckBox *>(u"onlyDifferencesBox"_s)->setChecked(true);
    QVERIFY(config->isRowHidden(rows.value(u"os"_s)));
    QVERIFY(!config->isRowHidden(rows.value(u"env"_s)));
    dialog->findChild<QCheckBox *>(u"onlyDifferencesBox"_s)->setChecked(false);

    // The layers: the base shared, v1's two own layers, v2's one
    QTableWidget *layers = dialog->layersTable();
    QCOMPARE(layers->rowCount(), 4);
    const QList<LayerBlob> &v1 = m_images->app().layers;
    const QList<LayerBlob> &v2 = m_images->appNext().layers;
    const QList<QPair<QString, QString>> expected{{v1.at(0).digest, u"shared"_s},
                                                  {v1.at(1).digest, u"only A"_s},
                                                  {v1.at(2).digest, u"only A"_s},
                                                  {v2.at(1).digest, u"only B"_s}};
    for (int row = 0; row < 4; ++row) {
        QCOMPARE(layers->item(row, 0)->text(), expected.at(row).first);
        QCOMPARE(layers->item(row, 2)->text(), expected.at(row).second);
    }
    const ImageComparison &comparison = dialog->comparison();
    QCOMPARE(comparison.sizeDelta(),
             m_images->appNext().built.image.size - m_images->app().built.image.size);
    QVERIFY2(dialog->summaryText().contains(u"smaller than A"_s)
                     || dialog->summaryText().contains(u"bigger than A"_s),
             qPrintable(dialog->summaryText()));

    // When Compare Files runs, then the paths that differ are listed
    QVERIFY(dialog->compareFilesButton()->isEnabled());
    dialog->compareFilesButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->filesState(), CompareDialog::State::Compared, 30000);
    QVERIFY(comparison.comparedFiles);
    QVERIFY(comparison.added.contains(u"/app/new.txt"_s));
    QVERIFY(comparison.removed.contains(u"/app/data.bin"_s));
    QVERIFY(comparison.changed.contains(u"/app/main.py"_s));
    QVERIFY(comparison.changed.contains(u"/etc/hostname"_s));    // same size, other bytes
    QVERIFY(!comparison.changed.contains(u"/etc/config.ini"_s)); // same bytes
    QTableView *files = dialog->filesTable();
    QCOMPARE(files->model()->rowCount(),
             comparison.added.size() + comparison.removed.size() + comparison.changed.size());
    int newRow = -1;
    for (int row = 0; row < files->model()->rowCount(); ++row) {
        if (files->model()->index(row, 0).data().toString() == u"/app/new.txt")
            newRow = row;
    }
    QVERIFY(newRow >= 0);
    QCOMPARE(files->model()->index(newRow, 1).data().toString(), u"added in B"_s);
    dialog->findChild<QLineEdit *>(u"filesFilter"_s)->setText(u"hostname"_s);
    QCOMPARE(files->model()->rowCount(), 1);
    dialog->findChild<QLineEdit *>(u"filesFilter"_s)->clear();
    dialog->close();
}

void TestFilesView::compareWithATypedReference()
{
    // Given one tag selected, Compare… asks for the other
    QVERIFY(m_window->tagView()->selectTag(u"v1"_s));
    CompareDialog *dialog = m_window->openCompareDialog({u"v1"_s});
    QVERIFY(dialog);
    QCOMPARE(dialog->state(), CompareDialog::State::Idle);
    QVERIFY(dialog->referenceEdit()->text().isEmpty());

    // A tag of the same repository
    dialog->referenceEdit()->setText(u"v1-rebuilt"_s);
    dialog->compareButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
    QCOMPARE(dialog->comparison().sharedLayers.size(), 3);
    QVERIFY(dialog->comparison().onlyA.isEmpty() && dialog->comparison().onlyB.isEmpty());

    // repo:tag on this registry, and host/repo:tag
    dialog->referenceEdit()->setText(u"layers/app:docker"_s);
    dialog->compare();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
    QCOMPARE(dialog->comparison().b, m_registry->host() + u"/layers/app:docker"_s);
    dialog->referenceEdit()->setText(m_registry->host() + u"/layers/app:v2"_s);
    dialog->compare();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
    QCOMPARE(dialog->comparison().onlyB.size(), 1);

    // An index on B: its platform is asked for, A's by default
    dialog->referenceEdit()->setText(u"layers/multi:1"_s);
    dialog->compare();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
    QVERIFY(dialog->platformBox(CompareDialog::B)->isVisible());
    QCOMPARE(dialog->platformBox(CompareDialog::B)->currentText(), u"linux/amd64"_s);
    QVERIFY(dialog->comparison().b.endsWith(u"(linux/amd64)"_s));

    // Another registry that is not connected; a tag that does not exist
    dialog->referenceEdit()->setText(u"registry.example.com/team/app:1"_s);
    dialog->compare();
    QCOMPARE(dialog->state(), CompareDialog::State::Failed);
    QVERIFY2(dialog->banner()->message().contains(u"not connected"_s),
             qPrintable(dialog->banner()->message()));
    dialog->referenceEdit()->setText(u"no-such-tag"_s);
    dialog->compare();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Failed, 20000);
    QVERIFY2(dialog->banner()->message().contains(u"no-such-tag"_s),
             qPrintable(dialog->banner()->message()));
    dialog->close();
}

void TestFilesView::compareScreenshots()
{
    CompareDialog *dialog = m_window->openCompareDialog({u"v1"_s, u"v2"_s});
    QVERIFY(dialog);
    dialog->resize(1280, 800);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
    const QString dir = screenshotDir();
    QVERIFY(QDir().mkpath(dir));
    const QPalette original = QApplication::palette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : original);
        // Re-run: the highlight of differing rows follows the palette
        dialog->compare();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->state(), CompareDialog::State::Compared, 20000);
        QApplication::processEvents();
        const QImage image = dialog->grab().toImage();
        QCOMPARE(image.size(), QSize(1280, 800) * image.devicePixelRatio());
        const QString path = dir + (dark ? u"/compare-dark.png"_s : u"/compare-light.png"_s);
        QVERIFY2(image.save(path), qPrintable(path));
        qInfo("saved %s", qPrintable(path));
    }
    dialog->tabs()->setCurrentIndex(1);
    QApplication::processEvents();
    QVERIFY(dialog->grab().save(dir + u"/compare-layers-dark.png"_s));
    // The files tab, compared
    dialog->compareFilesButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(dialog->filesState(), CompareDialog::State::Compared, 30000);
    dialog->tabs()->setCurrentIndex(2);
    QApplication::processEvents();
    QVERIFY(dialog->grab().save(dir + u"/compare-files-dark.png"_s));
    QApplication::setPalette(original);
    dialog->close();
}

QTEST_MAIN(TestFilesView)
#include "tst_filesview.moc"
