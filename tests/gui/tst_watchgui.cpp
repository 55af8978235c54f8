// Watching in the window: the repository tree's context menu toggles "Watch for New Tags", the
// tree shows "watched" and then the count of unseen new tags (also on the folder), opening
// clears it; a check that finds a new tag sends one desktop notification over D-Bus (a private
// session bus with a fake org.freedesktop.Notifications service in this process), clicking it
// asks to open the repository, and without a notification service the tray balloon takes over.
// Writes screenshots (light and dark) of the tree with a watched repository and its badge.

#include "guitestutil.h"
#include "imageseeder.h"
#include "registryprocess.h"

#include "models/repositories/repositorytreemodel.h"
#include "models/session/connectionstore.h"
#include "models/session/registrysession.h"
#include "models/session/secretstore.h"
#include "models/session/sessionmanager.h"
#include "models/watch/watchservice.h"
#include "net/backend/registrybackend.h"
#include "ui/desktopnotifier.h"
#include "ui/repositorybrowser.h"
#include "ui/repositorytreedelegate.h"
#include "ui/traynotifier.h"
#include "ui/watchalerts.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QProcess>
#include <QScreen>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <functional>
#include <memory>

using namespace Berth;
using namespace Berth::Test;
using namespace Qt::StringLiterals;

//! org.freedesktop.Notifications as a daemon serves it, recording every Notify.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        uint replaces = 0;
        QString summary;
        QString body;
        QStringList actions;
        uint id = 0;
        QString desktopEntry; //!< the hint that names the sender's desktop file
    };
    QList<Call> calls;

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &icon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(appName)
        Q_UNUSED(icon)
        Q_UNUSED(timeout)
        const uint id = replacesId ? replacesId : uint(calls.size() + 1);
        calls.append(Call{replacesId, summary, body, actions, id,
                          hints.value(u"desktop-entry"_s).toString()});
        return id;
    }
    QStringList GetCapabilities() { return {u"actions"_s, u"body"_s}; }
};

class TestWatchGui : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void contextMenuWatchesTheRepository();
    void newTagShowsABadgeAndNotifiesOnce();
    void clickOnTheNotificationOpensTheRepository();
    void openingClearsTheBadge();
    void withoutANotificationServiceTheTrayTellsIt();
    void contextMenuUnwatches();
    void notificationScreenshot();

private:
    //! Opens the context menu on the repository's row and triggers "Watch for New Tags".
    bool toggleWatchFromMenu(const QString &repository, bool *wasChecked);
    QModelIndex rowOf(const QString &repository) const;
    bool check(const QString &repository);
    void savePng(QWidget *widget, const QString &name);

    QTemporaryDir m_dir;
    std::unique_ptr<RegistryProcess> m_registry;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<ConnectionStore> m_store;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<WatchService> m_watch;
    std::unique_ptr<RepositoryBrowser> m_browser;
    std::unique_ptr<WatchAlerts> m_alerts;
    QProcess m_busDaemon;
    QString m_busAddress;
    FakeNotifications m_fake;
    QString m_id;
};

void TestWatchGui::initTestCase()
{
    if (!RegistryProcess::available())
        QSKIP(qPrintable(RegistryProcess::unavailableReason()));
    QVERIFY(m_dir.isValid());
    isolateSettings(m_dir);
    QApplication::setStyle(QStyleFactory::create(u"Fusion"_s));
    QGuiApplication::setDesktopFileName(u"org.example.berth"_s); // as berth-desktop's main

    // A private session bus: the test's notifications never reach a real desktop. Its own
    // configuration has no service directories, so no installed notification daemon is
    // activated on it when the fake service is gone.
    const QString config = m_dir.filePath(u"bus.conf"_s);
    {
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(
                R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
    }
    m_busDaemon.start(u"dbus-daemon"_s, {u"--config-file="_s + config, u"--print-address=1"_s,
                                         u"--nofork"_s, u"--nopidfile"_s});
    if (!m_busDaemon.waitForStarted(5000))
        QSKIP("dbus-daemon is not installed (the dbus package)");
    QTRY_VERIFY_WITH_TIMEOUT(m_busDaemon.canReadLine(), 5000);
    m_busAddress = QString::fromUtf8(m_busDaemon.readLine()).trimmed();
    QVERIFY(!m_busAddress.isEmpty());
    QDBusConnection service = QDBusConnection::connectToBus(m_busAddress, u"service"_s);
    QVERIFY2(service.isConnected(), qPrintable(service.lastError().message()));
    QVERIFY(service.registerObject(QString(DesktopNotifier::Path), &m_fake,
                                   QDBusConnection::ExportAllSlots));
    QVERIFY(service.registerService(QString(DesktopNotifier::Service)));

    m_registry = std::make_unique<RegistryProcess>();
    QString error;
    QVERIFY2(m_registry->start(&error), qPrintable(error));
    ImageSeeder seeder(m_registry->host());
    for (const QString &repository : {u"busybox"_s, u"team/app"_s, u"team/db"_s}) {
        const auto image = seeder.seedImage(repository, ImageSpec(), {u"1.0"_s, u"latest"_s});
        QVERIFY2(image.ok(), qPrintable(image.error().toString()));
    }

    m_secrets = std::make_unique<SecretStore>(SecretStore::Backend::Memory);
    m_store = std::make_unique<ConnectionStore>(m_secrets.get());
    m_sessions = std::make_unique<SessionManager>(m_store.get(), nullptr);
    m_sessions->scheduler()->setRetryDelays(5, 20);
    Connection c;
    c.name = u"Local"_s;
    c.address = u"http://"_s + m_registry->host();
    c.authMode = Connection::AuthMode::Anonymous;
    m_id = m_store->save(c);

    m_watch = std::make_unique<WatchService>(
            std::bind_front(&SessionManager::openBackend, m_sessions.get()),
            m_dir.filePath(u"watch.json"_s));
    m_watch->setFirstCheckDelay(24 * 60 * 60 * 1000, 0); // checks when the test says
    m_watch->start();
    m_alerts = std::make_unique<WatchAlerts>(
            m_watch.get(), QDBusConnection::connectToBus(m_busAddress, u"client"_s));

    m_browser = std::make_unique<RepositoryBrowser>(m_store.get(), m_sessions.get());
    m_browser->setWatchService(m_watch.get());
    m_browser->resize(340, 420);
    m_browser->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_browser.get()));
    RepositoryTreeModel *model = m_browser->treeModel();
    QTRY_VERIFY_WITH_TIMEOUT(model->session() && model->rowCount() > 0 && !model->isLoading(),
                             20000);
    m_browser->selectRepository(m_id, u"busybox"_s);
    m_browser->treeView()->expand(m_browser->treeView()->model()->index(1, 0));
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(u"team/app"_s).isValid(), 10000);
}

void TestWatchGui::cleanupTestCase()
{
    m_browser.reset();
    m_alerts.reset();
    m_watch.reset();
    QDBusConnection::disconnectFromBus(u"client"_s);
    QDBusConnection::disconnectFromBus(u"service"_s);
    if (m_busDaemon.state() != QProcess::NotRunning) {
        m_busDaemon.terminate();
        m_busDaemon.waitForFinished(3000);
    }
}

QModelIndex TestWatchGui::rowOf(const QString &repository) const
{
    const QModelIndex source = m_browser->treeModel()->indexForRepository(repository);
    auto *proxy = qobject_cast<QSortFilterProxyModel *>(m_browser->treeView()->model());
    return source.isValid() && proxy ? proxy->mapFromSource(source) : QModelIndex();
}

bool TestWatchGui::toggleWatchFromMenu(const QString &repository, bool *wasChecked)
{
    QTreeView *view = m_browser->treeView();
    const QModelIndex index = rowOf(repository);
    if (!index.isValid())
        return false;
    view->scrollTo(index);
    bool found = false;
    QTimer::singleShot(0, this, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        if (!menu)
            return;
        auto *action = menu->findChild<QAction *>(u"watchRepository"_s);
        if (action && action->isCheckable()) {
            found = true;
            *wasChecked = action->isChecked();
            action->trigger();
        }
        menu->close();
    });
    Q_EMIT view->customContextMenuRequested(view->visualRect(index).center());
    return found;
}

bool TestWatchGui::check(const QString &repository)
{
    QSignalSpy finished(m_watch.get(), &WatchService::checkFinished);
    m_watch->checkNow(m_id, repository);
    return finished.wait(20000) && !finished.constFirst().at(2).value<Error>().isError();
}

void TestWatchGui::savePng(QWidget *widget, const QString &name)
{
    const QString dir
            = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
    QDir().mkpath(dir);
    const QString path = dir + u'/' + name + u".png"_s;
    QVERIFY2(widget->grab().save(path), qPrintable(path));
}

void TestWatchGui::contextMenuWatchesTheRepository()
{
    // Given team/app, not watched
    QVERIFY(!m_watch->isWatched(m_id, u"team/app"_s));

    // When "Watch for New Tags" is chosen in its context menu
    bool wasChecked = true;
    QVERIFY(toggleWatchFromMenu(u"team/app"_s, &wasChecked));

    // Then it was unchecked, the repository is watched and the tree says so
    QVERIFY(!wasChecked);
    QVERIFY(m_watch->isWatched(m_id, u"team/app"_s));
    const QModelIndex index = rowOf(u"team/app"_s);
    QVERIFY(index.data(RepositoryTreeModel::WatchedRole).toBool());
    QCOMPARE(RepositoryTreeDelegate::badgeText(index), u"watched"_s);
    QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"Watched for new tags"_s));
    QVERIFY(RepositoryTreeDelegate::badgeText(rowOf(u"team/db"_s)).isEmpty());
}

void TestWatchGui::newTagShowsABadgeAndNotifiesOnce()
{
    // Given team/app watched and checked once (the baseline: nothing reported)
    QVERIFY(check(u"team/app"_s));
    QVERIFY(m_fake.calls.isEmpty());

    // When 2.0 is pushed and the repository is checked
    ImageSeeder seeder(m_registry->host());
    ImageSpec spec;
    spec.seed = 42;
    QVERIFY(seeder.seedImage(u"team/app"_s, spec, {u"2.0"_s}).ok());
    QVERIFY(check(u"team/app"_s));

    // Then the tree shows 1 unseen tag on the repository and on its folder
    const QModelIndex index = rowOf(u"team/app"_s);
    QCOMPARE(index.data(RepositoryTreeModel::UnseenCountRole).toInt(), 1);
    QCOMPARE(RepositoryTreeDelegate::badgeText(index), u"1"_s);
    QCOMPARE(index.parent().data(RepositoryTreeModel::UnseenCountRole).toInt(), 1);
    QVERIFY(index.data(Qt::ToolTipRole).toString().contains(u"Not seen yet: 2.0"_s));

    // And one notification went out over D-Bus, with an action that opens it
    QTRY_COMPARE(m_fake.calls.size(), 1);
    const FakeNotifications::Call call = m_fake.calls.constFirst();
    QCOMPARE(call.summary, u"1 new tag in team/app"_s);
    QCOMPARE(call.body, u"2.0"_s);
    QVERIFY(call.actions.contains(u"default"_s));
    // naming the desktop entry the window runs as, so the server shows its name and icon
    QCOMPARE(call.desktopEntry, QGuiApplication::desktopFileName());

    // And a check that finds nothing sends nothing
    QVERIFY(check(u"team/app"_s));
    QTest::qWait(100);
    QCOMPARE(m_fake.calls.size(), 1);

    // The pictures show both marks: team/app's count, team/db's "watched".
    m_watch->setWatched(m_id, u"team/db"_s, true);
    m_browser->selectRepository(m_id, u"busybox"_s);
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[suffix, palette] :
         {std::pair{u"light"_s, light}, std::pair{u"dark"_s, darkPalette()}}) {
        QApplication::setPalette(palette);
        QCoreApplication::processEvents();
        savePng(m_browser.get(), u"watch-tree-"_s + suffix);
    }
    QApplication::setPalette(light);
    m_watch->setWatched(m_id, u"team/db"_s, false);
}

void TestWatchGui::clickOnTheNotificationOpensTheRepository()
{
    // Given the notification sent for team/app
    QVERIFY(!m_fake.calls.isEmpty());
    const uint id = m_fake.calls.constLast().id;
    QSignalSpy open(m_alerts.get(), &WatchAlerts::openRequested);

    // When the person clicks it (the daemon emits ActionInvoked with the default action)
    QDBusMessage signal = QDBusMessage::createSignal(
            QString(DesktopNotifier::Path), QString(DesktopNotifier::Service), u"ActionInvoked"_s);
    signal << id << u"default"_s;
    QVERIFY(QDBusConnection(u"service"_s).send(signal));

    // Then the repository is asked to be opened
    QVERIFY(open.wait(5000));
    QCOMPARE(open.constFirst().at(0).toString(), m_id);
    QCOMPARE(open.constFirst().at(1).toString(), u"team/app"_s);
}

void TestWatchGui::openingClearsTheBadge()
{
    // When the person opens team/app (what the window does on openRequested / a pick)
    m_watch->markSeen(m_id, u"team/app"_s);

    // Then its badge is gone and it is still watched
    const QModelIndex index = rowOf(u"team/app"_s);
    QCOMPARE(index.data(RepositoryTreeModel::UnseenCountRole).toInt(), 0);
    QCOMPARE(RepositoryTreeDelegate::badgeText(index), u"watched"_s);
}

void TestWatchGui::withoutANotificationServiceTheTrayTellsIt()
{
    // Given nobody serving notifications on the bus
    QVERIFY(QDBusConnection(u"service"_s).unregisterService(QString(DesktopNotifier::Service)));
    QTRY_VERIFY(!QDBusConnection(u"client"_s)
                         .interface()
                         ->isServiceRegistered(QString(DesktopNotifier::Service))
                         .value());
    const int before = int(m_fake.calls.size());
    QSignalSpy shown(m_alerts->trayNotifier(), &TrayNotifier::messageShown);

    // When a new tag is found
    ImageSeeder seeder(m_registry->host());
    ImageSpec spec;
    spec.seed = 43;
    QVERIFY(seeder.seedImage(u"team/app"_s, spec, {u"2.1"_s, u"latest"_s}).ok());
    QVERIFY(check(u"team/app"_s));

    // Then the tray shows the message instead
    QVERIFY(shown.wait(5000));
    QCOMPARE(shown.constFirst().at(0).toString(), u"1 new tag and 1 moved in team/app"_s);
    QCOMPARE(shown.constFirst().at(1).toString(), u"2.1, latest moved"_s);
    QCOMPARE(m_alerts->trayNotifier()->lastSummary(), u"1 new tag and 1 moved in team/app"_s);
    QCOMPARE(int(m_fake.calls.size()), before);
}

void TestWatchGui::contextMenuUnwatches()
{
    // When "Watch for New Tags" (checked) is chosen again
    bool wasChecked = false;
    QVERIFY(toggleWatchFromMenu(u"team/app"_s, &wasChecked));

    // Then the repository is no longer watched, and the tree shows nothing beside it
    QVERIFY(wasChecked);
    QVERIFY(!m_watch->isWatched(m_id, u"team/app"_s));
    QVERIFY(RepositoryTreeDelegate::badgeText(rowOf(u"team/app"_s)).isEmpty());
}

void TestWatchGui::notificationScreenshot()
{
    // Only on request, under an X server with a real notification daemon on the session bus
    // (docs/screenshots: xvfb-run + dbus-run-session + dunst); ctest runs offscreen.
    if (qEnvironmentVariableIsEmpty("BERTH_NOTIFICATION_SCREENSHOT"))
        QSKIP("set BERTH_NOTIFICATION_SCREENSHOT (X server, dunst on the session bus)");
    QScreen *screen = QGuiApplication::primaryScreen();
    QVERIFY(screen);
    m_browser->move(40, 40);
    m_browser->resize(360, 480);
    m_browser->treeView()->expandAll();
    DesktopNotifier notifier(QDBusConnection::sessionBus());
    QSignalSpy unavailable(&notifier, &DesktopNotifier::unavailable);
    const QList<TagChange> changes{
            {u"1.4"_s, {}, false}, {u"1.4.1"_s, {}, false}, {u"latest"_s, {}, true}};
    const QPalette light = QApplication::style()->standardPalette();
    for (const auto &[suffix, palette] :
         {std::pair{u"light"_s, light}, std::pair{u"dark"_s, darkPalette()}}) {
        QApplication::setPalette(palette);
        notifier.notify(m_id, u"library/app"_s,
                        WatchService::summaryText(u"library/app"_s, changes),
                        WatchService::bodyText(changes));
        QTest::qWait(1500); // the daemon draws its window
        QVERIFY(unavailable.isEmpty());
        const QString dir
                = qEnvironmentVariable("BERTH_BUILD_DIR", QDir::currentPath()) + u"/screenshots"_s;
        QDir().mkpath(dir);
        QVERIFY(screen->grabWindow(0).save(dir + u"/watch-notification-"_s + suffix + u".png"_s));
    }
    QApplication::setPalette(light);
}

QTEST_MAIN(TestWatchGui)
#include "tst_watchgui.moc"
