#include "ui/watchalerts.h"

#include "models/watch/watchservice.h"
#include "ui/desktopnotifier.h"
#include "ui/traynotifier.h"

namespace Berth {

WatchAlerts::WatchAlerts(WatchService *watch, const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_watch(watch)
    , m_notifier(new DesktopNotifier(bus, this))
    , m_tray(new TrayNotifier(this))
{
    connect(m_watch, &WatchService::changesFound, this, &WatchAlerts::onChangesFound);
    connect(m_notifier, &DesktopNotifier::unavailable, m_tray, &TrayNotifier::showMessage);
    connect(m_notifier, &DesktopNotifier::activated, this, &WatchAlerts::openRequested);
    connect(m_tray, &TrayNotifier::activated, this, &WatchAlerts::openRequested);
}

void WatchAlerts::onChangesFound(const QString &connectionId, const QString &repository,
                                 const QList<TagChange> &changes)
{
    m_notifier->notify(connectionId, repository, WatchService::summaryText(repository, changes),
                       WatchService::bodyText(changes));
}

} // namespace Berth
