#pragma once

#include <QDBusConnection>
#include <QHash>
#include <QObject>
#include <QPair>
#include <QString>

class QDBusPendingCallWatcher;

namespace Berth {

//! Desktop notifications over D-Bus (org.freedesktop.Notifications, the Desktop Notifications
//! Specification): one notification per repository, replaced by the next one for the same
//! repository rather than stacked, with a default action ("Open") that opens the repository.
//! Everything is asynchronous: the GUI thread never waits on the bus. When nobody serves
//! notifications on the bus (no daemon, no activatable service), unavailable() hands the
//! message to a fallback (the tray's balloon).
//!
//! In ui/ rather than models/ (it uses no widgets): berth_models is linked into the `berth`
//! command line, which keeps to Core, Network and Sql so that it starts fast.
class DesktopNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DesktopNotifier)
public:
    //! bus: the session bus by default; tests pass a private bus.
    explicit DesktopNotifier(const QDBusConnection &bus = QDBusConnection::sessionBus(),
                             QObject *parent = nullptr);

    static constexpr QLatin1StringView Service{"org.freedesktop.Notifications"};
    static constexpr QLatin1StringView Path{"/org/freedesktop/Notifications"};

    //! Sends a notification for the repository (replacing its previous one).
    void notify(const QString &connectionId, const QString &repository, const QString &summary,
                const QString &body);

Q_SIGNALS:
    //! The person clicked the notification (or its Open action).
    void activated(const QString &connectionId, const QString &repository);
    //! No notification service answered: show the message another way.
    void unavailable(const QString &connectionId, const QString &repository, const QString &summary,
                     const QString &body);

private Q_SLOTS:
    // QDBusConnection::connect() takes slots by signature only.
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    void onReply(QDBusPendingCallWatcher *watcher, const QString &connectionId,
                 const QString &repository, const QString &summary, const QString &body);

    QDBusConnection m_bus;
    using Target = QPair<QString, QString>; //!< connection id, repository
    QHash<uint, Target> m_targets;          //!< notification id -> repository
};

} // namespace Berth
