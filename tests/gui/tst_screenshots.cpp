// Screenshots of the main window at 1280×800 in a light and a dark palette, saved under
// build/screenshots for people to look at. Each checks what it shows: rows with metadata,
// a loaded details pane, an image that is not blank, and a palette that took effect.

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/tags/tagfilterproxymodel.h"
#include "models/tags/tagtablemodel.h"
#include "ui/detailspane.h"
#include "ui/helpmenu.h"
#include "ui/mainwindow.h"
#include "ui/preferencesdialog.h"
#include "ui/shortcutsdialog.h"
#include "ui/tagtableview.h"

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QSet>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>
#include <QTreeWidget>

#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

static const QString Repo = u"shop/web"_s;

namespace {

double meanLightness(const QImage &image, const QRect &area)
{
    double sum = 0;
    int n = 0;
    // Every 4th pixel is plenty for a mean and keeps the test fast.
    for (int y = area.top(); y <= area.bottom(); y += 4) {
        for (int x = area.left(); x <= area.right(); x += 4) {
            sum += QColor(image.pixel(x, y)).lightnessF();
            ++n;
        }
    }
    return n ? sum / n : 0;
}

int distinctColours(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2) {
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void window_data();
    void window();
    void dialogs_data() { window_data(); }
    void dialogs();

private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<RegistryProcess> m_registry;
};

void TestScreenshots::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    isolateSettings(m_settingsDir);
    // Fusion draws the same on every machine, so the pictures compare across runs.
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));

    // A repository that looks like a real one: releases, moving tags, an index, old builds.
    ImageSeeder seeder(m_registry->host());
    QList<ImageSeeder::Push> pushes;
    for (int i = 0; i < 14; ++i) {
        ImageSpec spec;
        spec.seed = quint64(300 + i);
        spec.format = i % 3 ? ManifestFormat::Oci : ManifestFormat::Docker;
        spec.layers = 1 + i % 4;
        spec.layerBytes = (8 + 12 * (i % 5)) * 1024;
        spec.baseSeed = 42;
        spec.env = {u"PATH=/usr/local/bin:/usr/bin"_s, u"APP_VERSION=1.%1.0"_s.arg(i)};
        spec.cmd = {u"/usr/local/bin/web"_s, u"--port=8080"_s};
        spec.exposedPorts = {u"8080/tcp"_s};
        spec.labels = {{u"org.opencontainers.image.version"_s, u"1.%1.0"_s.arg(i)}};
        QStringList tags{u"1.%1.0"_s.arg(i), u"1.%1"_s.arg(i)};
        if (i == 13)
            tags << u"latest"_s << u"stable"_s;
        if (i % 4 == 0)
            tags << u"build-%1"_s.arg(1000 + i);
        const auto pushed = seeder.seedImage(Repo, spec, tags);
        QVERIFY2(pushed.ok(), qPrintable(pushed.error().toString()));
    }
    IndexSpec index;
    index.attestations = true;
    for (const auto &[arch, variant] :
         {std::pair{u"amd64"_s, QString()}, std::pair{u"arm64"_s, u"v8"_s},
          std::pair{u"arm"_s, u"v7"_s}}) {
        ImageSpec platform;
        platform.seed = quint64(qHash(arch + variant));
        platform.architecture = arch;
        platform.variant = variant;
        platform.layers = 2;
        platform.cmd = {u"/usr/local/bin/web"_s};
        index.platforms.append(platform);
    }
    const auto pushedIndex = seeder.seedIndex(Repo, index, {u"2.0.0"_s, u"2.0"_s, u"edge"_s});
    QVERIFY2(pushedIndex.ok(), qPrintable(pushedIndex.error().toString()));
    QVERIFY(QDir().mkpath(QStringLiteral(BERTH_SCREENSHOT_DIR)));
}

void TestScreenshots::window_data()
{
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void TestScreenshots::window()
{
    QFETCH(bool, dark);
    QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());

    GuiStack stack(m_registry->host());
    QVERIFY2(stack.session, qPrintable(stack.error.toString()));
    MainWindow window;
    window.setIntervals(0);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showRepository(u"demo"_s, stack.session, Repo);

    // Rows with their metadata on screen
    QTRY_VERIFY_WITH_TIMEOUT(window.tagModel()->rowCount() > 20, 10000);
    const auto visibleDone = [&window] {
        const auto [first, last] = window.tagView()->visibleProxyRows();
        if (first < 0)
            return false;
        for (int row = first; row <= last; ++row) {
            if (window.proxyModel()
                        ->index(row, 0)
                        .data(TagTableModel::LoadStateRole)
                        .value<TagTableModel::LoadState>()
                != TagTableModel::LoadState::Loaded)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(visibleDone(), 15000);
    // The index selected, its details loaded
    QVERIFY(window.tagView()->selectTag(u"2.0.0"_s));
    QTRY_COMPARE_WITH_TIMEOUT(window.detailsPane()->state(), DetailsPane::State::Loaded, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.statusText().contains(u"0 requests in flight"_s), 10000);
    QApplication::processEvents();

    const QImage image = window.grab().toImage();
    QCOMPARE(image.size(), QSize(1280, 800) * image.devicePixelRatio());
    const QString path = QStringLiteral(BERTH_SCREENSHOT_DIR) + u"/mainwindow-"_s
                         + (dark ? u"dark"_s : u"light"_s) + u".png"_s;
    QVERIFY(image.save(path));
    qInfo("saved %s", qPrintable(path));

    // Not a blank or single-colour frame: text, icons and rows drew something
    QVERIFY2(distinctColours(image) > 32, qPrintable(QString::number(distinctColours(image))));
    // The table's area follows the palette
    TagTableView *view = window.tagView();
    const QRect tableArea(view->viewport()->mapTo(&window, QPoint(0, 0)), view->viewport()->size());
    const double lightness = meanLightness(image, tableArea);
    if (dark)
        QVERIFY2(lightness < 0.35, qPrintable(QString::number(lightness)));
    else
        QVERIFY2(lightness > 0.65, qPrintable(QString::number(lightness)));
    // And the table does show rows in that area (row 0's rectangle is inside it)
    QVERIFY(view->visualRect(view->model()->index(0, 0)).isValid());
    QVERIFY(view->visibleProxyRows().second - view->visibleProxyRows().first >= 20);
}

void TestScreenshots::dialogs()
{
    // Preferences, Keyboard Shortcuts, the Help menu and About, in both palettes
    QFETCH(bool, dark);
    QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QString suffix = (dark ? u"-dark"_s : u"-light"_s) + u".png"_s;
    const auto save = [&suffix](QWidget *widget, const QString &name) {
        QApplication::processEvents();
        const QImage image = widget->grab().toImage();
        const QString path = QStringLiteral(BERTH_SCREENSHOT_DIR) + u'/' + name + suffix;
        qInfo("saved %s", qPrintable(path));
        return distinctColours(image) > 8 && image.save(path);
    };

    PreferencesDialog *preferences = window.openPreferencesDialog();
    QVERIFY(QTest::qWaitForWindowExposed(preferences));
    QVERIFY(save(preferences, u"preferences"_s));
    preferences->reject();

    ShortcutsDialog *shortcuts = window.helpMenu()->openShortcutsDialog();
    QVERIFY(QTest::qWaitForWindowExposed(shortcuts));
    QVERIFY(shortcuts->list()->topLevelItemCount() >= 3);
    QVERIFY(save(shortcuts, u"shortcuts"_s));
    shortcuts->close();

    QMenu *help = window.helpMenu();
    help->popup(window.mapToGlobal(QPoint(200, 30)));
    QVERIFY(QTest::qWaitForWindowExposed(help));
    QVERIFY(save(help, u"help-menu"_s));
    help->close();

    QMessageBox about(QMessageBox::NoIcon, u"About Berth"_s, HelpMenu::aboutText(), QMessageBox::Ok,
                      &window);
    about.setIconPixmap(window.windowIcon().pixmap(64, 64));
    about.show();
    QVERIFY(QTest::qWaitForWindowExposed(&about));
    QVERIFY(save(&about, u"about"_s));
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
