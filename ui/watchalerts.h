#pragma once

#include "models/watch/watchbaseline.h"

#include <QDBusConnection>
#include <QObject>
#include <QPointer>

namespace Berth {

class DesktopNotifier;
class TrayNotifier;
class WatchService;

//! Tells the person what the watch service found: one notification per repository per check
//! ("3 new tags in library/app" / "1.4, 1.4.1, latest moved") over D-Bus, or a tray balloon
//! when no notification service answers; a click on either asks to open the repository.
//! Failed checks never notify (the tree's tooltip says why).
class WatchAlerts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WatchAlerts)
public:
    WatchAlerts(WatchService *watch, const QDBusConnection &bus, QObject *parent = nullptr);

    DesktopNotifier *desktopNotifier() const { return m_notifier; }
    TrayNotifier *trayNotifier() const { return m_tray; }

Q_SIGNALS:
    //! The person clicked a notification of this repository.
    void openRequested(const QString &connectionId, const QString &repository);

private:
    void onChangesFound(const QString &connectionId, const QString &repository,
                        const QList<TagChange> &changes);

    QPointer<WatchService> m_watch;
    DesktopNotifier *m_notifier;
    TrayNotifier *m_tray;
};

} // namespace Berth
