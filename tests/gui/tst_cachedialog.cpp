// The Cache dialog on a cache filled in a temporary folder: the figures it shows (images, tags,
// per-registry counts, layer listings, size on disk), Clear Registry and Clear All through their
// confirmations (and Cancel changing nothing), the size cap applied and announced, and
// screenshots in a light and a dark palette under <build>/screenshots.

#include "guitestutil.h"

#include "models/files/layerlistingcache.h"
#include "models/metadata/metadatacache.h"
#include "ui/cachedialog.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStyle>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

namespace {

const QString Local = u"127.0.0.1:5000"_s;
const QString Harbor = u"harbor.example.org"_s;
const QString Hub = u"registry.example.com:8443"_s;

QString digestOf(const QString &seed)
{
    return "sha256:"_L1
           + QString::fromLatin1(
                   QCryptographicHash::hash(seed.toUtf8(), QCryptographicHash::Sha256).toHex());
}

ImageMetadata image(const QString &seed)
{
    ImageMetadata m;
    m.digest = digestOf(seed);
    m.mediaType = u"application/vnd.oci.image.manifest.v1+json"_s;
    m.kind = ArtifactKind::Image;
    m.size = 1000 + seed.size();
    m.configDigest = digestOf(seed + u"/config"_s);
    m.config.os = u"linux"_s;
    m.config.architecture = u"amd64"_s;
    m.config.env = {u"SEED="_s + seed};
    return m;
}

LayerListing listing(const QString &seed, int entries)
{
    LayerListing l;
    l.digest = digestOf(u"layer "_s + seed);
    l.compression = u"gzip"_s;
    l.compressedBytes = 4096;
    l.uncompressedBytes = 8192;
    for (int i = 0; i < entries; ++i) {
        LayerEntry entry;
        entry.path = u"/usr/share/%1/file-%2"_s.arg(seed).arg(i);
        entry.type = EntryType::File;
        entry.size = i;
        entry.mode = 0644;
        l.entries.append(entry);
    }
    return l;
}

QTreeWidgetItem *rowOf(QTreeWidget *table, const QString &registry)
{
    const auto found = table->findItems(registry, Qt::MatchExactly, 0);
    return found.isEmpty() ? nullptr : found.constFirst();
}

} // namespace

class TestCacheDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void showsFigures();
    void clearRegistryAfterConfirmation();
    void clearAllAfterConfirmation();
    void capIsAppliedAndAnnounced();
    void emptyCache();
    void screenshots();

private:
    //! Fills the cache: Local 2 repositories / 5 tags, Harbor 1 / 3, Hub 1 / 1; 6 images, one
    //! shared by Local and Harbor; 3 layer listings.
    void fill();
    QMessageBox *waitForBox(const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MetadataCache> m_cache;
    std::unique_ptr<LayerListingCache> m_layers;
    std::unique_ptr<CacheDialog> m_dialog;
};

void TestCacheDialog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_cache = std::make_unique<MetadataCache>(m_dir->filePath(u"cache/metadata.sqlite"_s));
    QVERIFY(m_cache->open());
    m_layers = std::make_unique<LayerListingCache>(m_dir->filePath(u"cache/layers"_s));
}

void TestCacheDialog::cleanup()
{
    m_dialog.reset();
    m_cache.reset();
    m_layers.reset();
    m_dir.reset();
}

void TestCacheDialog::fill()
{
    const QDateTime t = QDateTime::currentDateTimeUtc();
    for (const QString &seed : {u"a"_s, u"b"_s, u"c"_s, u"shared"_s, u"h"_s, u"hub"_s})
        m_cache->storeMetadata(image(seed));
    m_cache->storeTag(Local, u"team/api"_s, u"1.0"_s, image(u"a"_s).digest, t);
    m_cache->storeTag(Local, u"team/api"_s, u"1.1"_s, image(u"b"_s).digest, t);
    m_cache->storeTag(Local, u"team/api"_s, u"latest"_s, image(u"b"_s).digest, t);
    m_cache->storeTag(Local, u"team/web"_s, u"2.0"_s, image(u"c"_s).digest, t);
    m_cache->storeTag(Local, u"team/web"_s, u"base"_s, image(u"shared"_s).digest, t);
    m_cache->storeTag(Harbor, u"library/base"_s, u"1"_s, image(u"shared"_s).digest, t);
    m_cache->storeTag(Harbor, u"library/base"_s, u"2"_s, image(u"h"_s).digest, t);
    m_cache->storeTag(Harbor, u"library/base"_s, u"3"_s, image(u"h"_s).digest, t);
    m_cache->storeTag(Hub, u"tools/jq"_s, u"1.7"_s, image(u"hub"_s).digest, t);
    // Left queued on purpose: the dialog's figures must include what the window has not
    // committed yet.
    QVERIFY(m_cache->pendingWrites() > 0);
    for (const auto &[seed, entries] :
         {std::pair{u"x"_s, 10}, std::pair{u"y"_s, 200}, std::pair{u"z"_s, 3000}})
        QVERIFY(m_layers->store(listing(seed, entries)));
}

QMessageBox *TestCacheDialog::waitForBox(const QString &name)
{
    QMessageBox *found = nullptr;
    (void)QTest::qWaitFor(
            [&] {
                found = m_dialog->findChild<QMessageBox *>(name);
                return found && found->isVisible();
            },
            5000);
    return found;
}

void TestCacheDialog::showsFigures()
{
    // Given a filled cache with queued writes
    fill();

    // When the dialog opens
    m_dialog = std::make_unique<CacheDialog>(m_cache.get(), *m_layers);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));

    // Then it shows what the file holds, queued writes committed and counted
    QCOMPARE(m_cache->pendingWrites(), 0);
    const QLocale locale;
    QCOMPARE(m_dialog->imagesLabel()->text(), locale.toString(6));
    QVERIFY2(m_dialog->tagsLabel()->text().startsWith(locale.toString(9) + u" in 3 registr"_s),
             qPrintable(m_dialog->tagsLabel()->text()));
    QCOMPARE(m_dialog->listingsLabel()->text(), locale.toString(3));
    QCOMPARE(m_dialog->locationLabel()->text(),
             QDir::toNativeSeparators(m_dir->filePath(u"cache"_s)));
    QVERIFY(m_dialog->openFolderButton()->isEnabled());
    const qint64 bytes
            = MetadataCache::fileBytes(m_cache->databasePath()) + m_layers->usage().bytes;
    QVERIFY(m_layers->usage().bytes > 0);
    QVERIFY2(m_dialog->sizeLabel()->text().startsWith(locale.formattedDataSize(bytes)),
             qPrintable(m_dialog->sizeLabel()->text()));

    // and per registry its repositories and tags, sorted by name.
    QTreeWidget *table = m_dialog->registryTable();
    QCOMPARE(table->topLevelItemCount(), 3);
    QCOMPARE(table->topLevelItem(0)->text(0), Local);
    QCOMPARE(table->topLevelItem(1)->text(0), Harbor);
    QCOMPARE(table->topLevelItem(2)->text(0), Hub);
    QCOMPARE(rowOf(table, Local)->text(1), locale.toString(2));
    QCOMPARE(rowOf(table, Local)->text(2), locale.toString(5));
    QCOMPARE(rowOf(table, Harbor)->text(1), locale.toString(1));
    QCOMPARE(rowOf(table, Harbor)->text(2), locale.toString(3));
    QCOMPARE(rowOf(table, Hub)->text(2), locale.toString(1));
    // Sorting by tags orders by number.
    table->sortByColumn(2, Qt::DescendingOrder);
    QCOMPARE(table->topLevelItem(0)->text(0), Local);
    QCOMPARE(table->topLevelItem(2)->text(0), Hub);

    // Nothing selected: only Clear All is offered.
    QVERIFY(!m_dialog->clearRegistryButton()->isEnabled());
    QVERIFY(m_dialog->clearAllButton()->isEnabled());
    m_dialog->selectRegistry(Harbor);
    QVERIFY(m_dialog->clearRegistryButton()->isEnabled());
}

void TestCacheDialog::clearRegistryAfterConfirmation()
{
    fill();
    m_dialog = std::make_unique<CacheDialog>(m_cache.get(), *m_layers);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    QSignalSpy cleared(m_dialog.get(), &CacheDialog::cacheCleared);

    // Given Local selected, when Clear Registry is cancelled nothing changes
    m_dialog->selectRegistry(Local);
    QCOMPARE(m_dialog->selectedRegistry(), Local);
    m_dialog->clearRegistryButton()->click();
    QMessageBox *box = waitForBox(u"clearRegistryConfirmation"_s);
    QVERIFY(box);
    QVERIFY(box->text().contains(Local));
    box->button(QMessageBox::Cancel)->click();
    QTRY_VERIFY(!m_dialog->findChild<QMessageBox *>(u"clearRegistryConfirmation"_s));
    QCOMPARE(m_cache->tagsOf(Local, u"team/api"_s).size(), 3);
    QCOMPARE(m_dialog->registryTable()->topLevelItemCount(), 3);
    QCOMPARE(cleared.count(), 0);

    // When it is confirmed
    m_dialog->clearRegistryButton()->click();
    box = waitForBox(u"clearRegistryConfirmation"_s);
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();

    // Then Local's tags and the images only it pointed at are gone; Harbor keeps the shared one
    QTRY_COMPARE(cleared.count(), 1);
    QVERIFY(m_cache->tagsOf(Local, u"team/api"_s).isEmpty());
    QVERIFY(m_cache->tagsOf(Local, u"team/web"_s).isEmpty());
    QVERIFY(!m_cache->metadata(image(u"a"_s).digest));
    QVERIFY(!m_cache->metadata(image(u"c"_s).digest));
    QVERIFY(m_cache->metadata(image(u"shared"_s).digest));
    QCOMPARE(m_cache->tagsOf(Harbor, u"library/base"_s).size(), 3);
    // and the dialog shows it.
    const QLocale locale;
    QTreeWidget *table = m_dialog->registryTable();
    QCOMPARE(table->topLevelItemCount(), 2);
    QVERIFY(!rowOf(table, Local));
    QCOMPARE(m_dialog->imagesLabel()->text(), locale.toString(3));
    QVERIFY(m_dialog->tagsLabel()->text().startsWith(locale.toString(4)));
    QVERIFY(m_dialog->messageLabel()->isVisible());
    QVERIFY(m_dialog->messageLabel()->text().contains(Local));
    // Layer listings are not a registry's.
    QCOMPARE(m_dialog->listingsLabel()->text(), locale.toString(3));
    QVERIFY(!m_dialog->clearRegistryButton()->isEnabled());
}

void TestCacheDialog::clearAllAfterConfirmation()
{
    fill();
    m_dialog = std::make_unique<CacheDialog>(m_cache.get(), *m_layers);
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    QSignalSpy cleared(m_dialog.get(), &CacheDialog::cacheCleared);
    // What the window queues after opening the dialog is cleared too.
    m_cache->storeTag(Hub, u"tools/yq"_s, u"4"_s, image(u"hub"_s).digest,
                      QDateTime::currentDateTimeUtc());

    m_dialog->clearAllButton()->click();
    QMessageBox *box = waitForBox(u"clearAllConfirmation"_s);
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();

    QTRY_COMPARE(cleared.count(), 1);
    const QLocale locale;
    QCOMPARE(m_dialog->imagesLabel()->text(), locale.toString(0));
    QVERIFY(m_dialog->tagsLabel()->text().startsWith(locale.toString(0)));
    QCOMPARE(m_dialog->listingsLabel()->text(), locale.toString(0));
    QCOMPARE(m_dialog->registryTable()->topLevelItemCount(), 0);
    const CacheStatistics statistics = m_cache->statistics();
    QCOMPARE(statistics.images, 0);
    QCOMPARE(statistics.tags, 0);
    QCOMPARE(m_layers->usage().listings, 0);
    QVERIFY(QDir(m_layers->directory()).entryList({u"*.listing"_s}, QDir::Files).isEmpty());
    QVERIFY(!m_cache->tag(Hub, u"tools/yq"_s, u"4"_s));
    // The compacted file is small again: schema pages only.
    QVERIFY2(statistics.fileBytes < 64 * 1024, qPrintable(QString::number(statistics.fileBytes)));
}

void TestCacheDialog::capIsAppliedAndAnnounced()
{
    fill();
    m_cache->setMaxBytes(300 * 1024 * 1024);
    m_dialog = std::make_unique<CacheDialog>(m_cache.get(), *m_layers);
    QSignalSpy changed(m_dialog.get(), &CacheDialog::maxBytesChanged);
    // The dialog starts at the cache's cap and opening it changes nothing.
    QCOMPARE(m_dialog->capBox()->value(), 300);
    QCOMPARE(changed.count(), 0);

    m_dialog->capBox()->setValue(48);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toLongLong(), 48LL * 1024 * 1024);
    QCOMPARE(m_cache->maxBytes(), 48LL * 1024 * 1024);
    QCOMPARE(m_dialog->capBox()->minimum(), CacheDialog::MinCapMiB);
}

void TestCacheDialog::emptyCache()
{
    // A cache with nothing in it (and no layer folder yet) shows zeros and offers no clearing
    // of a registry.
    m_dialog = std::make_unique<CacheDialog>(m_cache.get(), *m_layers);
    const QLocale locale;
    QCOMPARE(m_dialog->imagesLabel()->text(), locale.toString(0));
    QCOMPARE(m_dialog->listingsLabel()->text(), locale.toString(0));
    QCOMPARE(m_dialog->registryTable()->topLevelItemCount(), 0);
    QVERIFY(!m_dialog->clearRegistryButton()->isEnabled());

    // A cache that could not be opened: the figures say so and nothing can be changed.
    MetadataCache closed(m_dir->filePath(u"other/metadata.sqlite"_s));
    CacheDialog dialog(&closed, LayerListingCache(m_dir->filePath(u"other/layers"_s)));
    QVERIFY(dialog.imagesLabel()->text().contains(u"not available"_s));
    QVERIFY(!dialog.clearAllButton()->isEnabled());
    QVERIFY(!dialog.capBox()->isEnabled());
    QVERIFY(!QFileInfo::exists(m_dir->filePath(u"other/metadata.sqlite"_s)));
}

void TestCacheDialog::screenshots()
{
    const QString dir
            = qEnvironmentVariable("BERTH_SCREENSHOT_DIR", QStringLiteral(BERTH_SCREENSHOT_DIR));
    QVERIFY(QDir().mkpath(dir));
    fill();
    const QPalette light = QApplication::style()->standardPalette();
    for (const bool dark : {false, true}) {
        QApplication::setPalette(dark ? darkPalette() : light);
        CacheDialog dialog(m_cache.get(), *m_layers);
        dialog.selectRegistry(Harbor);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QImage shot = dialog.grab().toImage();
        const QString name = dark ? u"dark"_s : u"light"_s;
        QVERIFY(shot.save(dir + u"/cachedialog-"_s + name + u".png"_s));
        // The palette took effect: the background is dark in the dark run, light otherwise.
        QCOMPARE(shot.pixelColor(2, 2).lightness() < 128, dark);
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestCacheDialog)
#include "tst_cachedialog.moc"
